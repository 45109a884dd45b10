// A new build served under a running app: the clinic restarts (same port, same data) serving a second build of
// the phone app, and the open app says a new version is ready; taking it reloads into the new build.
//
// The second build is the first one with what a rebuild changes: index.html's content (a build marker) and so its
// revision in the service worker's precache manifest. To the browser that is a byte-different service worker
// with a changed precached file, exactly what deploying a new build looks like.
import { cpSync, existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { check, dist, step, TIME_ZONE, until, work } from './harness.mjs';
import { todayIn } from './clinic.mjs';
import { mumsPage } from './phones.mjs';
import { answerGate, card, screen, waitForToday } from './screens.mjs';
import { CARDS } from './pairing.mjs';

const MARKER = '<meta name="homeplay-e2e-build" content="second">';

/** A copy of the built UI with the family app's index.html changed and its precache revision with it. */
export function secondBuild() {
  const dir = join(work, 'ui-second-build');
  cpSync(dist, dir, { recursive: true });
  const index = join(dir, 'family/index.html');
  const html = readFileSync(index, 'utf8');
  check(html.includes('</head>'), 'the phone build has an index.html with a head');
  writeFileSync(index, html.replace('</head>', `${MARKER}</head>`));
  const sw = join(dir, 'family/sw.js');
  check(existsSync(sw), `the phone build has its service worker at family/sw.js (${sw})`);
  const source = readFileSync(sw, 'utf8');
  const revision = /(["']?url["']?\s*:\s*["']index\.html["']\s*,\s*["']?revision["']?\s*:\s*["'])([^"']+)(["'])/;
  check(revision.test(source), 'index.html is in the service worker’s precache manifest with a revision');
  writeFileSync(sw, source.replace(revision, (_m, a, rev, z) => `${a}${rev}-second${z}`));
  return dir;
}

export async function update(ctx) {
  const { server, maya, childId } = ctx;
  const page = await mumsPage(ctx);
  const prompt = page.getByTestId('update-prompt').filter({ hasText: /new version/i });

  step('update: a timed activity to play while the update arrives');
  // The flamingo stand again at breakfast (a 10-second hold): kid mode's running timer must hold the update back.
  const flamingo = ctx.flamingoTitle;
  const assignment = await maya.post(`/api/v1/children/${childId}/assignments`, {
    target: { kind: 'exercise', exercise_id: ctx.flamingoExercise },
    start_date: todayIn(TIME_ZONE),
    days: ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'],
    slots: [{ kind: 'moment', moment: 'breakfast' }],
  });
  await page.getByRole('button', { name: 'Sync now' }).click();
  await waitForToday(page, CARDS + 1);
  const breakfast = card(page, flamingo, 0);
  check((await breakfast.getByTestId('logged').count()) === 0, `the breakfast flamingo (${assignment.id}) is still to do`);

  step('update: a second build');
  const second = secondBuild();
  check(!(await page.content()).includes('homeplay-e2e-build'), 'the running app is the first build');

  step('update: kid mode’s timer runs');
  await breakfast.getByRole('button', { name: 'Play time', exact: true }).click();
  await page.getByTestId('kid-timer').waitFor();
  await page.getByRole('button', { name: /^go!?$/i }).first().click();
  await page.getByRole('button', { name: /^pause$/i }).first().waitFor();

  step('update: the clinic restarts serving the second build');
  await server.stop();
  await server.start(second);

  step('update: found while the timer runs, the prompt waits');
  // What the browser does on its own schedule (and on the next navigation): look for a new worker.
  await page.evaluate(async () => (await navigator.serviceWorker.getRegistration())?.update());
  await until('the new worker installed and waiting', () => page.evaluate(async () => !!(await navigator.serviceWorker.getRegistration())?.waiting), 30_000);
  // Watched for two seconds of the child's own countdown (the page's clock, not a sleep here): no prompt over it.
  const seconds = async () => Number((await page.getByTestId('kid-timer').textContent()).trim());
  const from = await seconds();
  await until('two seconds of the countdown, with no prompt', async () => {
    check(!(await prompt.isVisible()), 'no "new version" prompt while kid mode’s timer runs');
    return (await seconds()) <= from - 2;
  }, 15_000);
  await screen(page, '16-update-waits-for-kid-mode');

  step('update: paused, kid mode still holds it');
  await page.getByRole('button', { name: /^pause$/i }).first().click();
  await page.getByRole('button', { name: /^go!?$/i }).first().waitFor();
  // Paused is still the child's screen: the prompt is for a grown-up and must neither show over it nor hide the
  // way out ("Grown-ups").
  check(!(await prompt.isVisible()), 'no "new version" prompt while kid mode is open, paused');
  check(await page.getByTestId('parent-gate').isVisible(), 'the way out of kid mode is there');

  step('update: the grown-up leaves kid mode, then the prompt');
  await answerGate(page);
  // Stopped part-way, kid mode asks what to write down: nothing, the flamingo is played later.
  await page.getByRole('button', { name: /^nothing: play it later$/i }).click();
  await until('the new-version prompt once kid mode is closed', () => prompt.isVisible(), 30_000);
  await screen(page, '17-update-prompt');

  step('update: taking it reloads into the new build');
  await prompt.getByRole('button', { name: /reload/i }).click();
  await until('the second build in charge', async () => (await page.content()).includes('homeplay-e2e-build'), 30_000);
  await waitForToday(page, CARDS + 1);
  check(!(await prompt.isVisible().catch(() => false)), 'no prompt after the update');
}
