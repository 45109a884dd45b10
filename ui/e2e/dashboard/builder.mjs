// The program builder: a routine for Leo, items added, too many warned of, reordered by keyboard and by
// drag and drop, days and times, saved and assigned.
import { axe, check, shot, step } from '../harness.mjs';

/** Opened for Leo; assigns "Teddy hand warm-up". */
export async function builder(ctx) {
  const { page, base, leoId } = ctx;
  step('program builder');
  await page.goto(`${base}/#/builder?child=${encodeURIComponent(leoId)}`);
  await page.getByRole('heading', { name: 'Program builder' }).waitFor();
  await page.waitForFunction(() => document.querySelectorAll('ul.picker li button').length > 0);
  check((await page.locator('select[name="child"]').inputValue()) === leoId, 'the child is preselected');

  step('the builder starts afresh after Assign, and refuses the same practice twice');
  await page.locator('select[name="child"]').selectOption({ label: 'Noah' });
  await page.getByLabel('One exercise').check();
  const assignBearWalk = async () => {
    await page.locator('select[name="exercise"]').selectOption({ label: 'Bear walk' });
    await page.getByRole('button', { name: 'Assign', exact: true }).click();
  };
  await page.getByLabel('Sat').check();
  await page.getByLabel('Note for the family').fill('Along the hallway rug');
  await assignBearWalk();
  await page.getByRole('status').filter({ hasText: 'assigned to Noah' }).waitFor();
  check((await page.getByLabel('Note for the family').inputValue()) === '', 'the note does not carry over');
  check(!(await page.getByLabel('Sat').isChecked()), 'nor do the days');
  check((await page.locator('select[name="exercise"]').inputValue()) === '', 'the exercise is to be picked again');
  await assignBearWalk();
  // Assigned: the form was emptied again (the notice from the first stays, so it cannot tell).
  await page.waitForFunction(() => document.querySelector('select[name="exercise"]')?.value === '');
  await assignBearWalk();
  await page.getByRole('alert').filter({ hasText: "already in the child's program" }).waitFor();
  ctx.expectedConflicts = (ctx.expectedConflicts ?? 0) + 1;
  await shot(page, '07a-builder-same-twice');
  // A routine built for Noah stays Noah's: the builder says so, and the Routines page does not list it.
  await page.getByLabel('A new routine').check();
  check((await page.getByTestId('routine-owner').textContent()).includes('Only Noah gets this routine'), 'the builder says whose routine it is');
  await page.getByLabel('Routine title').fill("Noah's crawl");
  await page.getByLabel('Title for the child').fill('Crawl!');
  await page.getByLabel('Find exercises').fill('Bear walk');
  await page.locator('ul.picker li').filter({ hasText: 'Bear walk' }).first().getByRole('button', { name: /^Add/ }).click();
  await page.getByLabel('Find exercises').fill('');
  await page.getByRole('button', { name: 'Save routine and assign' }).click();
  await page.waitForFunction(() => (document.querySelector('input[name="routine_title"]')?.value ?? 'x') === '');
  check((await page.getByRole('status').textContent()).includes('Noah'), 'assigned to Noah');
  await page.locator('select[name="child"]').selectOption({ value: leoId });

  step('program builder: a routine for Leo');
  await page.getByLabel('Routine title').fill('Teddy hand warm-up');
  await page.getByLabel('Title for the child').fill('Hand warm-up!');
  await page.getByLabel('Then… (reward after the last item, optional)').fill('Bubbles!');
  const addByName = async (name) => {
    await page.getByLabel('Find exercises').fill(name);
    await page.locator('ul.picker li').filter({ hasText: name }).first().getByRole('button', { name: /^Add/ }).click();
  };
  await addByName('Playdough snakes');
  await addByName('Clothespin crocodile (Leo)');
  await addByName("Button Leo's teddy");
  await addByName('Bear walk');
  await addByName('Flamingo stand');
  check((await page.getByTestId('long-warning').count()) === 0, 'no warning at 5 items');
  await page.getByLabel('Find exercises').fill('');
  await page.locator('ul.picker li').first().getByRole('button', { name: /^Add/ }).click();
  await page.getByTestId('long-warning').waitFor();
  await page.getByRole('button', { name: /^Remove .*Flamingo stand/ }).click();
  check((await page.getByTestId('long-warning').count()) === 0, 'the warning goes at 5');
  const items = page.getByTestId('routine-items').locator('.item-title');
  const order = async () => (await items.allTextContents()).map((t) => t.replace(/^\d+\. /, ''));
  const o1 = await order();
  await page.getByRole('button', { name: `Move ${o1[0]}, item 1 of 5` }).focus();
  await page.keyboard.press('ArrowDown');
  const o2 = await order();
  check(o2[1] === o1[0] && o2[0] === o1[1], `keyboard reorder: ${o1} → ${o2}`);
  check((await page.evaluate(() => document.activeElement?.getAttribute('aria-label') ?? '')).includes('item 2 of 5'), 'focus stays on the moved item');
  // Drag the last item to the top.
  await page.getByTestId('routine-items').locator('li').nth(4).dragTo(page.getByTestId('routine-items').locator('li').nth(0));
  const o3 = await order();
  check(o3[0] === o2[4], `drag and drop reorder: ${o2} → ${o3}`);
  await page.getByLabel('Sat').check();
  await page.getByLabel('Moment 1').selectOption('after_school');
  await page.getByRole('button', { name: 'Add a time' }).click();
  await page.getByLabel('Time 2').selectOption('at');
  await page.getByLabel('Clock time 2').fill('18:30');
  await page.getByLabel('Note for the family').fill('Let him choose the playdough colour');
  await page.getByLabel('Save it as a clinic template too').check();
  check((await page.getByTestId('routine-owner').textContent()).includes('A template is shared'), 'the builder says what a template means');

  step('program builder: an invalid "when" shows beside its fields, the first focused');
  const end = page.getByLabel('End (optional)');
  await end.fill('2020-01-01');
  await page.getByLabel('Clock time 2').fill('');
  await page.getByRole('button', { name: 'Save template and assign' }).click();
  const endError = page.locator('#when-end_date-error');
  await endError.waitFor();
  check((await endError.textContent()).includes('before the start date'), `the end date's problem (${await endError.textContent()})`);
  check(await end.evaluate((el) => el === document.activeElement), 'the first invalid field (the end date) takes focus');
  check((await end.getAttribute('aria-describedby')) === 'when-end_date-error' && (await end.getAttribute('aria-invalid')) === 'true', 'the end date is described by its problem');
  const clock = page.getByLabel('Clock time 2');
  check((await clock.getAttribute('aria-invalid')) === 'true' && (await clock.getAttribute('aria-describedby')) === 'when-slots-error', 'the second time is marked too, at once');
  check((await page.locator('#when-slots-error').textContent()).includes('time 2'), 'its problem names the time');
  check((await page.locator('form.builder ul li').filter({ hasText: 'before the start date' }).count()) === 0, 'no list of problems at the end');
  await axe(page, 'builder with problems');
  await shot(page, '07c-builder-when-problems');
  await end.fill('');
  await clock.fill('18:30');
  await axe(page, 'builder');
  await shot(page, '07-builder');
  await page.getByRole('button', { name: 'Save template and assign' }).click();
  await page.getByRole('status').filter({ hasText: 'assigned to Leo' }).waitFor();

}
