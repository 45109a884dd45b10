// One-tap done and undo, and "not done" with a reason, on Mum's phone; then kid mode on the dinner crab walk to
// the celebration, and back to the parent screens through the press-and-hold gate's sum.
import { check, step, until } from './harness.mjs';
import { answerGate, BEAR, holdGate, card, cardButton, CRAB, screen, tapToCelebration, waitForToday, waitLogged } from './screens.mjs';
import { CARDS } from './pairing.mjs';

export async function ticks(ctx) {
  const page = ctx.mum.page;

  step('ticks: crab walk at wake-up done');
  await cardButton(page, CRAB, 0, 'Done');
  await waitLogged(page, 1, 'the first tick');
  step('ticks: bear walk after school done, then undone');
  await cardButton(page, BEAR, 0, 'Done');
  await waitLogged(page, 2, 'the second tick');
  await cardButton(page, BEAR, 0, 'Undo');
  await waitLogged(page, 1, 'the undo');
  check((await card(page, BEAR, 0).getByTestId('logged').count()) === 0, 'the undone card shows nothing logged');
  step('ticks: bear walk at bedtime not done: sick');
  await cardButton(page, BEAR, 1, 'Not done…');
  await screen(page, '03-not-done-reasons');
  await cardButton(page, BEAR, 1, 'Not done: sick');
  await waitLogged(page, 2, 'not done: sick');
  const line = await card(page, BEAR, 1).getByTestId('logged').textContent();
  check(line.includes('Not done: sick') && line.includes('by Mum'), `the card says what and who (${line})`);
  await screen(page, '04-ticked');
}

export async function kidMode(ctx) {
  const page = ctx.mum.page;

  step('kid mode: play the dinner crab walk');
  await cardButton(page, CRAB, 1, 'Play time');
  await page.getByTestId('kid-counter').waitFor();
  await page.getByTestId('kid-counter').click();
  await screen(page, '05-kid-mode');
  await tapToCelebration(page);
  await screen(page, '06-celebration');

  step('kid mode: back through the parent gate');
  // A child's quick tap only says how; a grown-up's press and hold opens the question.
  await page.getByTestId('parent-gate').tap();
  await until('the hold hint', () => page.getByTestId('gate-hold-hint').evaluate((e) => !e.classList.contains('visually-hidden')));
  check(!(await page.getByTestId('gate-question').isVisible()), 'a tap on Grown-ups does not open the question');
  await holdGate(page);
  await screen(page, '07-parent-gate');
  await page.getByTestId('gate-back').click();
  await answerGate(page);
  await waitForToday(page, CARDS);
  await waitLogged(page, 3, 'the kid-mode activity logged');
  const line = await card(page, CRAB, 1).getByTestId('logged').textContent();
  check(/kid mode/i.test(line), `the dinner crab walk is logged by kid mode (${line})`);
  await until('synced', async () => (await page.getByTestId('sync-line').textContent()).startsWith('Synced'));
}
