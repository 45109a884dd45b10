// Offline for real: the clinic server is stopped and the phone is in airplane mode (every request that would reach
// the network is aborted). A reload must come from the service worker; a tick and the week's goal question still
// land; the browser is closed and launched again on the same profile, still offline, and everything is still there.
// Back online, one sync sends it all, and the therapist's API has each log exactly once, the undone one undone.
import { check, soft, step, until } from './harness.mjs';
import { BEAR, card, cardButton, CRAB, nav, screen, waitForToday, waitLogged } from './screens.mjs';
import { CARDS } from './pairing.mjs';

const line = (page) => page.getByTestId('sync-line').textContent();

async function goalsAnswered(page) {
  await nav(page, 'goals');
  await page.getByTestId('goal').filter({ hasText: 'Climbs the stairs' }).waitFor();
  return page.getByTestId('check-in-answer').count();
}

export async function offline(ctx) {
  const { server, mum } = ctx;
  let page = mum.page;

  step('offline: the service worker is ready before the phone goes offline');
  await until('an active service worker for /family/', () =>
    page.evaluate(async () => {
      const r = await navigator.serviceWorker.getRegistration();
      return !!r?.active && r.scope.endsWith('/family/');
    }),
  );

  step('offline: the clinic goes away and the phone loses its network');
  await server.stop();
  await mum.setOffline(true);

  step('offline: reload, the shell from the service worker');
  const reloaded = await page.reload();
  check(reloaded, 'the reload answered');
  check(reloaded.fromServiceWorker(), `the page came from the service worker (status ${reloaded.status()})`);
  await waitForToday(page, CARDS);
  await waitLogged(page, 3, 'the ticks from before the reload');
  await screen(page, '08-offline-reloaded');

  step('offline: tick the bear walk after school again');
  await cardButton(page, BEAR, 0, 'Done');
  await waitLogged(page, 4, 'the offline tick');
  await page.getByRole('button', { name: 'Sync now' }).click();
  await until('the line says offline, saved here', async () => /offline/i.test(await line(page)) && /saved|waiting/i.test(await line(page)));
  await screen(page, '09-offline-tick');

  step('offline: the week’s question about the goal');
  check((await goalsAnswered(page)) === 0, 'no answer yet this week');
  const goal = page.getByTestId('goal').filter({ hasText: 'Climbs the stairs' });
  check((await goal.textContent()).includes(CRAB), 'the crab walk serves the goal');
  await goal.getByTestId('check-in').getByRole('button').filter({ hasText: /Good$/ }).click();
  await page.getByTestId('check-in-answer').waitFor();
  await screen(page, '10-offline-goal-answered');
  await nav(page, 'today');
  await waitForToday(page, CARDS);

  step('offline: the browser is closed and launched again on the same profile');
  const before = (mum.aborted ?? []).length;
  await mum.close();
  page = await mum.launch({ offline: true });
  const opened = await page.goto(`${server.base}/family/`);
  check(opened?.fromServiceWorker(), `the app opened from the service worker (${opened?.status()})`);
  await waitForToday(page, CARDS);
  await waitLogged(page, 4, 'everything logged before the restart');
  check((await card(page, BEAR, 0).getByTestId('logged').textContent()).includes('by Mum'), 'the offline tick survived');
  check((await card(page, CRAB, 1).getByTestId('logged').textContent()).match(/kid mode/i), 'kid mode’s log survived');
  await until('the line still says offline and waiting', async () => /offline|waiting/i.test(await line(page)));
  await screen(page, '11-relaunched-offline');
  check((await goalsAnswered(page)) === 1, 'the goal answer survived the restart');
  await nav(page, 'today');
  await waitForToday(page, CARDS);
  console.log(`  (offline: ${before} requests aborted before the restart, ${mum.aborted.length} after)`);

  step('back online: one sync');
  await server.start(server.uiDir);
  const pushesBefore = server.requests('/api/v1/sync/push');
  await mum.setOffline(false);
  // Reconnecting syncs by itself (the browser's online event); if it does not, the line must still say so.
  const auto = await until('a sync on reconnect', async () => (await line(page)).startsWith('Synced'), 20_000).then(() => true, () => false);
  soft(auto, `the phone did not sync by itself on reconnect within 20 s (line: ${await line(page)})`);
  if (!auto) {
    await page.getByRole('button', { name: 'Sync now' }).click();
    await until('synced after Sync now', async () => (await line(page)).startsWith('Synced'));
  }
  await screen(page, '12-back-online-synced');
  const pushes = server.requests('/api/v1/sync/push') - pushesBefore;
  // One sync: a push request per kind recorded offline (logs, the check-in), not one per thing or a retry storm.
  soft(pushes >= 1 && pushes <= 2, `one sync sends everything (${pushes} push requests)`);

  step('back online: the clinic has each log exactly once');
  const { byOccurrence, twice } = await ctx.maya.logsToday(ctx.childId, ctx.titles);
  check(twice.length === 0, `no log twice in the clinic's timeline (${twice})`);
  const want = {
    'crab#0': ['done by Mum'],
    'bear#0': ['done by Mum', 'done undone by Mum'],
    'bear#1': ['not_done:sick by Mum'],
    'crab#1': ['done by kid_mode'],
  };
  check(JSON.stringify(sortKeys(byOccurrence)) === JSON.stringify(sortKeys(want)), `the clinic's logs: ${JSON.stringify(sortKeys(byOccurrence))}, want ${JSON.stringify(sortKeys(want))}`);
  const progress = await ctx.maya.get(`/api/v1/children/${ctx.childId}/goals/progress`);
  const row = progress.goals.find((g) => g.goal_id === ctx.goalId);
  check(row?.check_ins?.length === 1 && row.check_ins[0].face === 'good' && row.check_ins[0].answered_by === 'Mum', `the week's answer arrived once, as given (${JSON.stringify(row?.check_ins)})`);
}

export function sortKeys(o) {
  return Object.fromEntries(Object.entries(o).sort(([a], [b]) => a.localeCompare(b)));
}
