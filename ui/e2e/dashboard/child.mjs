// A child's page: the heatmap (every status, moved with the arrow keys), remote-monitoring days, the
// timeline, a message that stays text; later, the program's items (pause, resume, edit).
import { axe, check, shot, step } from '../harness.mjs';

/** Leo's page, reached from the overview; leaves his id in ctx.leoId. */
export async function childPage(ctx) {
  const { page } = ctx;
  step("Leo's page");
  await page.getByRole('link', { name: 'Leo' }).click();
  await page.waitForURL(/#\/children\//);
  const leoId = decodeURIComponent(page.url().split('#/children/')[1]);
  ctx.leoId = leoId;
  await page.getByRole('heading', { name: /^(Last 12 weeks|Since the program began)/ }).waitFor();
  const dated = await page.locator('.heatmap button.cell').evaluateAll((els) => els.map((e) => [e.getAttribute('data-date'), e.getAttribute('data-status')]));
  const statuses = dated.map(([, s]) => s);
  // The calendar opens on the program's first week (the demo's history is three weeks), not on empty weeks.
  const first = dated.map(([d]) => d).sort()[0];
  const firstDue = dated.filter(([, s]) => s !== 'nothing_scheduled').map(([d]) => d).sort()[0];
  check(dated.length >= 14 && Date.parse(firstDue) - Date.parse(first) < 7 * 86_400_000, `the calendar starts with the program (${first}, first due ${firstDue}, ${dated.length} days)`);
  // (Leo practises every day of his program, so no "nothing scheduled" day shows now that empty weeks are gone.)
  for (const s of ['done', 'partly', 'not_logged']) check(statuses.includes(s), `heatmap has a ${s} day`);
  check(statuses.includes('not_done'), 'the sick day shows as not done, not silence');
  const symbols = await page.locator('.heatmap button.cell[data-status="not_done"] span').first().textContent();
  check(symbols === '✗', 'not done has its own symbol');
  check((await page.getByTestId('rtm-days').textContent()).match(/^\d+ data days$/), 'RTM data days shown');
  check((await page.locator('.rtm-level').textContent()).includes('16'), 'RTM threshold named');
  check((await page.getByTestId('timeline').locator('li').count()) > 10, 'timeline lists logs');
  check((await page.getByTestId('timeline').textContent()).includes('Recorded by'), 'timeline says who recorded');
  await axe(page, 'child');
  await shot(page, '03-child-leo');

  step('heatmap keyboard');
  const selectedCell = page.locator('.heatmap button.cell[tabindex="0"]');
  const before = await selectedCell.getAttribute('data-date');
  await selectedCell.focus();
  await page.keyboard.press('ArrowLeft');
  const after = await page.locator('.heatmap button.cell[tabindex="0"]').getAttribute('data-date');
  check(after !== before, `arrow keys move the day (${before} → ${after})`);
  check(await page.evaluate(() => document.activeElement?.getAttribute('data-date')) === after, 'focus follows');

  step('a message that stays text');
  const comment = 'Super buttons! <script>window.__pwned = 1</script><b>bold?</b>';
  const thread = page.getByTestId('message-thread');
  await thread.getByLabel('Star').check();
  await thread.getByLabel('Message', { exact: true }).fill(comment);
  await thread.getByRole('button', { name: 'Send message' }).click();
  await thread.getByRole('status').filter({ hasText: 'Message sent' }).waitFor();
  const item = thread.getByTestId('message').filter({ hasText: 'Super buttons! <script>' });
  await item.waitFor();
  check((await item.textContent()).includes('<script>window.__pwned = 1</script><b>bold?</b>'), 'user text shows as text');
  check((await item.locator('b, script').count()) === 0, 'user text is never markup');
  check(!(await page.evaluate(() => '__pwned' in window)), 'no script ran');
}

/** Back on Leo's page from the builder: the routine just assigned. */
export async function assignments(ctx) {
  const { page, leoId } = ctx;
  step('assignment on the child page');
  await page.getByRole('link', { name: "Open the child's page" }).click();
  const assignment = page.getByTestId('assignment').filter({ hasText: 'Teddy hand warm-up' });
  await assignment.waitFor();
  check((await assignment.textContent()).includes('Let him choose the playdough colour'), 'the note shows');
  await assignment.getByRole('button', { name: /^Pause/ }).click();
  await assignment.locator('.badge', { hasText: 'paused' }).waitFor();
  await assignment.getByRole('button', { name: /^Resume/ }).click();
  await assignment.locator('.badge', { hasText: 'active' }).waitFor();
  await shot(page, '08-child-after-assign');

  step('edit an assignment');
  await assignment.getByRole('button', { name: /^Edit/ }).click();
  const editForm = assignment.locator('form.assignment-edit');
  await editForm.waitFor();
  check((await editForm.getByLabel('Note for the family').inputValue()) === 'Let him choose the playdough colour', 'the editor starts from the assignment');
  check((await editForm.getByLabel('Clock time 2').inputValue()) === '18:30', 'the clock time is kept');
  await editForm.getByLabel('Sun').check();
  await editForm.getByLabel('Reps').fill('4');
  await editForm.getByLabel('Note for the family').fill('Warm hands first, then the teddy');
  // A problem shows beside its field, which takes focus.
  await editForm.getByLabel('End (optional)').fill('2020-01-01');
  await editForm.getByRole('button', { name: 'Save changes' }).click();
  const endError = editForm.locator('[id$="-end_date-error"]');
  await endError.waitFor();
  const endField = editForm.getByLabel('End (optional)');
  check(await endField.evaluate((el) => el === document.activeElement), 'the invalid end date takes focus');
  check((await endField.getAttribute('aria-describedby')) === (await endError.getAttribute('id')), 'and is described by its problem');
  await axe(page, 'assignment editor with a problem');
  await endField.fill('');
  await axe(page, 'assignment editor');
  await shot(page, '08b-edit-assignment');
  await editForm.getByRole('button', { name: 'Save changes' }).click();
  await page.getByRole('status').filter({ hasText: 'changes saved' }).waitFor();
  await editForm.waitFor({ state: 'detached' });
  await assignment.locator('.note', { hasText: 'Warm hands first, then the teddy' }).waitFor();
  const editedText = await assignment.textContent();
  check(editedText.includes('Note for the family: Warm hands first, then the teddy'), `the new note shows: ${editedText}`);
  check(editedText.includes('Sun') && editedText.includes('4 reps'), `days and dosage changed: ${editedText}`);
  const stored = await page.evaluate(async (child) => (await (await fetch(`/api/v1/children/${encodeURIComponent(child)}/assignments`)).json()), leoId);
  const teddy = stored.find((a) => a.note_for_family === 'Warm hands first, then the teddy');
  check(teddy && teddy.days.includes('sun') && teddy.dosage.reps === 4 && teddy.slots.length === 2, 'the server has the edit');
}
