// Routine templates: listed with whom they are assigned to, searched, one made and removed, one edited (it
// follows to the children who have it), one copied and assigned to another child from the builder.
import { axe, check, shot, step } from '../harness.mjs';

/** From Leo's page. */
export async function routines(ctx) {
  const { page } = ctx;
  step('routine templates');
  await page.getByRole('link', { name: 'Routines' }).click();
  await page.getByRole('heading', { name: 'Routine templates', level: 1 }).waitFor();
  const teddyCard = page.getByTestId('routine').filter({ hasText: 'Teddy hand warm-up' });
  await teddyCard.waitFor();
  check((await teddyCard.getByTestId('used-by').textContent()).includes('Assigned to Leo'), 'the template says who has it');
  check((await page.getByTestId('routine').filter({ hasText: "Noah's crawl" }).count()) === 0, "a child's own routine is not a template");
  check((await teddyCard.locator('ol.routine-steps li').count()) === 5, 'the template lists its five items');
  await axe(page, 'routines');
  await shot(page, '14-routines');
  await page.getByLabel('Search routines').fill('bear walk');
  await teddyCard.waitFor();
  await page.getByLabel('Search routines').fill('no such routine');
  await page.getByText('No routine matches.').waitFor();
  await page.getByLabel('Search routines').fill('');

  step('new routine template');
  await page.getByRole('button', { name: 'New routine template' }).click();
  const newForm = page.locator('form.routine-form');
  await newForm.getByRole('button', { name: 'Create routine template' }).click();
  await newForm.getByRole('alert').filter({ hasText: 'Give the routine a title.' }).waitFor();
  await newForm.getByLabel('Routine title').fill('Calm-down corner');
  await newForm.getByLabel('Title for the child').fill('Calm down!');
  for (const name of ['Bear walk', 'Playdough snakes']) {
    await newForm.getByLabel('Find exercises').fill(name);
    await newForm.locator('ul.picker li').filter({ hasText: name }).first().getByRole('button', { name: /^Add/ }).click();
  }
  await axe(page, 'new routine template');
  await newForm.getByRole('button', { name: 'Create routine template' }).click();
  await page.getByRole('status').filter({ hasText: '“Calm-down corner” added' }).waitFor();
  const calm = page.getByTestId('routine').filter({ hasText: 'Calm-down corner' });
  check((await calm.getByTestId('used-by').textContent()).includes('Not assigned'), 'a new template is not assigned');

  page.once('dialog', (d) => void d.accept());
  await calm.getByRole('button', { name: /^Remove/ }).click();
  await page.getByRole('status').filter({ hasText: '“Calm-down corner” removed' }).waitFor();
  await calm.waitFor({ state: 'detached' });

  step('edit a routine template (it follows to the children who have it)');
  await teddyCard.getByRole('button', { name: /^Edit/ }).click();
  const editRoutine = page.locator('form.routine-form');
  await editRoutine.waitFor();
  check((await editRoutine.getByTestId('reach').textContent()).includes('Saving changes this routine for Leo'), 'the form says whom the change reaches');
  check((await editRoutine.getByLabel('Routine title').inputValue()) === 'Teddy hand warm-up', 'the form starts from the template');
  check((await editRoutine.getByTestId('routine-items').locator('.item-title').count()) === 5, 'with its items');
  await editRoutine.getByRole('button', { name: /^Remove .*Bear walk/ }).click();
  await editRoutine.getByLabel('Title for the child').fill('Warm hands!');
  await axe(page, 'edit routine template');
  await shot(page, '15-edit-routine');
  await editRoutine.getByRole('button', { name: 'Save the template for Leo' }).click();
  await page.getByRole('status').filter({ hasText: 'Leo gets it on the next sync' }).waitFor();
  const teddyId = (await page.evaluate(async () => (await (await fetch('/api/v1/library/routines')).json())))
    .find((r) => r.routine.title === 'Teddy hand warm-up').routine;
  check(teddyId.items.length === 4 && teddyId.kid_title === 'Warm hands!', 'the server has the edited template');
  check((await teddyCard.locator('ol.routine-steps li').count()) === 4, 'the list shows the edit');

  step('copy a template for one child');
  await teddyCard.getByRole('button', { name: /^Edit/ }).click();
  await editRoutine.getByLabel('Routine title').fill('Teddy warm-up for Mia');
  await editRoutine.getByRole('button', { name: 'Save as a new template' }).click();
  await page.getByRole('status').filter({ hasText: 'saved as a new template' }).waitFor();
  const copyCard = page.getByTestId('routine').filter({ hasText: 'Teddy warm-up for Mia' });
  check((await copyCard.getByTestId('used-by').textContent()).includes('Not assigned'), 'the copy is nobody\'s yet');
  check((await teddyCard.getByTestId('used-by').textContent()).includes('Assigned to Leo'), 'the original is still Leo\'s');
  await copyCard.getByRole('link', { name: /^Assign to a child/ }).click();
  await page.getByRole('heading', { name: 'Program builder' }).waitFor();
  await page.waitForFunction(() => (document.querySelector('select[name="routine"]')?.selectedOptions[0]?.textContent ?? '').includes('Teddy warm-up for Mia'));
  check(await page.getByLabel('A clinic routine').isChecked(), 'the builder opens on the template');
  await page.locator('select[name="child"]').selectOption({ label: 'Mia' });
  await page.getByRole('button', { name: 'Assign', exact: true }).click();
  await page.getByRole('status').filter({ hasText: 'assigned to Mia' }).waitFor();
  await page.getByRole('link', { name: 'Routines' }).click();
  await copyCard.getByTestId('used-by').filter({ hasText: 'Assigned to Mia' }).waitFor();

  step("a child's own routine, edited on the child's page");
  await page.getByRole('link', { name: 'Overview' }).click();
  await page.getByTestId('overview-row').locator('th a').filter({ hasText: /^Noah$/ }).click();
  const crawl = page.getByTestId('assignment').filter({ hasText: "Routine: Noah's crawl" });
  await crawl.waitFor();
  await crawl.getByRole('button', { name: /^Edit routine/ }).click();
  const own = crawl.locator('form.routine-form');
  check((await own.getByTestId('reach').textContent()).includes("This routine is Noah's own"), 'the form says whose routine it is');
  await own.getByLabel('Title for the child').fill('Crawl like a bear!');
  await axe(page, "a child's own routine");
  await shot(page, '15b-own-routine');
  await own.getByRole('button', { name: "Save Noah's routine" }).click();
  await page.getByRole('status').filter({ hasText: "“Noah's crawl” saved" }).waitFor();
  const saved = await page.evaluate(async () => {
    const noah = (await (await fetch('/api/v1/children')).json()).find((c) => c.display_name === 'Noah');
    return (await (await fetch(`/api/v1/children/${noah.id}/routines`)).json()).map((r) => r.routine.kid_title);
  });
  check(saved.length === 1 && saved[0] === 'Crawl like a bear!', `the server has Noah's edited routine: ${saved}`);
}
