// A program from the Library in one submit: three exercises selected (with their pictures), one dosage per
// exercise, assigned to Theo (enrolled by the enrol section) at once; a second submit that repeats one is
// refused beside that exercise, and nothing of it is assigned.
import { axe, check, shot, step } from '../harness.mjs';

const PICKS = ['Bear walk', 'Crab walk', 'Flamingo stand'];

async function select(page, title) {
  await page.getByLabel('Search').fill(title);
  const card = page.getByTestId('exercise').filter({ has: page.getByRole('heading', { name: title, exact: true }) });
  await card.waitFor();
  await card.getByTestId('select-exercise').check();
}

async function programOf(page, id) {
  return page.evaluate(async (child) => (await (await fetch(`/api/v1/children/${child}/assignments`)).json()), id);
}

/** On maya's page; needs ctx.theoId. Ends on the Library. */
export async function assignMany(ctx) {
  const { page, base, theoId } = ctx;
  step('library: select three exercises');
  await page.goto(`${base}/#/library`);
  await page.getByRole('heading', { name: 'Library', level: 1 }).waitFor();
  for (const title of PICKS) await select(page, title);
  const bar = page.getByTestId('selection-bar');
  await bar.filter({ hasText: '3 selected' }).waitFor();
  check((await bar.locator('img').count()) === 3, 'the selection shows each picture');
  // The selection outlives the search: clearing it shows every card, three of them ticked.
  await page.getByLabel('Search').fill('');
  await page.waitForFunction(() => document.querySelectorAll('[data-testid="select-exercise"]:checked').length === 3);

  step('library: assign them to Theo, each with its own dosage');
  await bar.getByRole('button', { name: 'Assign to a child…' }).click();
  const form = page.getByTestId('assign-selected');
  await form.getByRole('heading', { name: 'Assign 3 exercises' }).waitFor();
  // Checked before sending: no child picked.
  await form.getByRole('button', { name: /^Assign 3 to/ }).click();
  await form.getByRole('alert').filter({ hasText: 'Pick a child.' }).waitFor();
  const childField = form.getByLabel('Child');
  check(await childField.evaluate((el) => el === document.activeElement), 'the child picker, the first problem, takes focus');
  check((await childField.getAttribute('aria-describedby')) === 'assign-selected-child-error', 'and is described by its problem');
  await form.getByLabel('Child').selectOption(theoId);
  await form.getByLabel('For each exercise').check();
  await form.locator('input[name="reps-0"]').fill('6');
  await form.locator('input[name="reps-1"]').fill('4');
  await form.locator('input[name="sets-1"]').fill('2');
  await form.getByLabel('Wed').uncheck();
  await axe(page, 'assign selected');
  await shot(page, '20-assign-selected');
  await form.getByRole('button', { name: 'Assign 3 to Theo' }).click();
  await page.getByTestId('assigned-notice').filter({ hasText: '3 exercises assigned to Theo' }).waitFor();
  check((await page.getByTestId('selection-bar').count()) === 0, 'the selection is cleared after assigning');
  const program = await programOf(page, theoId);
  check(program.length === 3, `Theo's program has the three (${program.length})`);
  const reps = program.map((a) => a.dosage?.reps ?? null).sort();
  check(JSON.stringify(reps) === JSON.stringify([4, 6, null]), `each exercise kept its own dosage (${JSON.stringify(reps)})`);
  check(program.every((a) => !a.days.includes('wed') && a.days.length === 4), 'the shared days reached every item');
  check(program.find((a) => a.dosage?.reps === 4)?.dosage?.sets === 2, 'sets per exercise too');

  step('library: a repeat is refused beside its exercise');
  await select(page, 'Bear walk');
  await select(page, 'Hopscotch');
  await page.getByTestId('selection-bar').getByRole('button', { name: 'Assign to a child…' }).click();
  const again = page.getByTestId('assign-selected');
  await again.getByLabel('Child').selectOption(theoId);
  await again.getByLabel('For each exercise').check();
  await again.locator('input[name="reps-0"]').fill('6');
  await again.getByLabel('Wed').uncheck();
  await again.getByRole('button', { name: 'Assign 2 to Theo' }).click();
  const refusal = again.getByTestId('selected-item').first().getByRole('alert');
  await refusal.waitFor();
  ctx.expectedConflicts = (ctx.expectedConflicts ?? 0) + 1;
  check((await refusal.textContent()).includes('already in'), `the refusal names the repeat (${await refusal.textContent()})`);
  await shot(page, '21-assign-selected-refused');
  check((await programOf(page, theoId)).length === 3, 'nothing of the refused submit was assigned');
  await again.getByRole('button', { name: 'Remove Bear walk' }).click();
  await again.getByRole('button', { name: 'Assign 1 to Theo' }).click();
  await page.getByTestId('assigned-notice').filter({ hasText: '1 exercise assigned to Theo' }).waitFor();
  check((await programOf(page, theoId)).length === 4, 'then the other one is assigned');

  step('library: a program template, each exercise with its dosage, assigned in one step');
  for (const title of ['Tandem walk on a tape line', 'Flamingo stand', 'Hopscotch']) await select(page, title);
  await page.getByTestId('selection-bar').getByRole('button', { name: 'Save as a template…' }).click();
  const tform = page.getByTestId('assign-selected');
  await tform.getByRole('heading', { name: 'Save 3 exercises as a template' }).waitFor();
  await tform.getByLabel('Template title').fill('Balance week');
  await tform.locator('input[name="hold-1"]').fill('15');
  await tform.locator('input[name="reps-2"]').fill('4');
  await tform.locator('input[name="note-0"]').fill('Barefoot is best');
  await axe(page, 'save as a template');
  await tform.getByRole('button', { name: 'Save as a template' }).click();
  await page.getByRole('status').filter({ hasText: 'Template “Balance week” saved' }).waitFor();
  const row = page.getByTestId('program-template').filter({ hasText: 'Balance week' });
  await row.waitFor();
  check((await row.locator('img').count()) === 3, 'the template shows its three pictures');
  await row.getByRole('button', { name: 'Assign Balance week to a child…' }).click();
  const tassign = page.getByTestId('assign-selected');
  await tassign.getByRole('heading', { name: /Assign the template “Balance week”: 3 exercises/ }).waitFor();
  check((await tassign.locator('input[name="hold-1"]').inputValue()) === '15', 'the template brings each dosage');
  await tassign.getByLabel('Child').selectOption(ctx.rubiId);
  await axe(page, 'assign a template');
  await shot(page, '23-assign-template');
  await tassign.getByRole('button', { name: 'Assign 3 to Rubi' }).click();
  await page.getByTestId('assigned-notice').filter({ hasText: '3 exercises assigned to Rubi' }).waitFor();
  const rubi = await programOf(page, ctx.rubiId);
  const hold = rubi.find((a) => a.dosage?.hold_seconds === 15);
  const four = rubi.find((a) => a.dosage?.reps === 4);
  const note = rubi.find((a) => a.note_for_family === 'Barefoot is best');
  check(rubi.length === 3 && hold && four && note && note !== hold && hold !== four, `each item as in the template (${JSON.stringify(rubi.map((a) => [a.dosage, a.note_for_family]))})`);

  step('library: favourites and recently assigned');
  await page.getByLabel('Search').fill('');
  await page.getByLabel('Source').selectOption('recent');
  // Maya assigned others before (the demo, the builder section): these are the newest, each once.
  await page.waitForFunction(() => document.querySelectorAll('[data-testid="exercise"]').length >= 5);
  const recent = await page.getByTestId('exercise').locator('h2').allTextContents();
  check(['Tandem walk on a tape line', 'Flamingo stand', 'Hopscotch'].every((t) => recent.slice(0, 3).includes(t))
    && ['Bear walk', 'Crab walk'].every((t) => recent.includes(t)) && new Set(recent).size === recent.length, `recently assigned, newest first (${recent})`);
  const crab = page.getByTestId('exercise').filter({ has: page.getByRole('heading', { name: 'Crab walk', exact: true }) });
  await crab.getByRole('button', { name: 'Favourite Crab walk' }).click();
  await crab.locator('button[aria-pressed="true"]').waitFor();
  await page.getByLabel('Source').selectOption('favourites');
  await page.waitForFunction(() => document.querySelectorAll('[data-testid="exercise"]').length === 1);
  await axe(page, 'library favourites');
  await shot(page, '22-library-favourites');

  step('builder: the search and the shortcuts');
  await page.getByRole('link', { name: 'Program builder' }).click();
  await page.getByRole('heading', { name: 'Program builder', level: 1 }).waitFor();
  const picker = page.getByRole('list', { name: 'Matching exercises' });
  await page.getByLabel('Show').selectOption('favourites');
  await picker.getByRole('button', { name: 'Add Crab walk' }).waitFor();
  check((await picker.locator('li').count()) === 1, 'the builder shows the favourite alone');
  await page.getByLabel('Show').selectOption('');
  await page.getByLabel('Find exercises').fill('on a cushion');
  await picker.getByRole('button', { name: 'Add Flamingo stand' }).waitFor();
  await page.getByLabel('Find exercises').fill('');
}
