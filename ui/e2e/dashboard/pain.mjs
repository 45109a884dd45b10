// Pain on the 0–10 scale: a family's device reports an 8, the flag shows on the overview and on Leo's page
// with the highest score, the graph and its table show it, and "Mark seen" clears the flag.
import { axe, check, shot, step } from '../harness.mjs';
import { uuidv7 } from './shared.mjs';

/** On Leo's page; ends there. */
export async function pain(ctx) {
  const { browser, page, base, leoId } = ctx;
  const leoPage = `${base}/#/children/${encodeURIComponent(leoId)}`;
  step('pain: a device reports an 8');
  await page.getByRole('button', { name: 'Pairing code' }).click();
  const code = (await page.getByTestId('pairing-code').textContent()).trim();
  await page.getByRole('button', { name: 'Close' }).click();
  const deviceApi = await browser.newContext();
  const paired = await deviceApi.request.post(`${base}/api/v1/sync/pair`, { data: { protocol: 1, code, device_label: 'Kitchen laptop' } });
  check(paired.ok(), `the device pairs (${paired.status()})`);
  const { token, device_id: deviceId } = await paired.json();
  const get = (path) => page.evaluate(async (p) => (await fetch(p)).json(), path);
  const program = await get(`/api/v1/children/${encodeURIComponent(leoId)}/assignments`);
  const everyDay = program.find((a) => a.status === 'active' && a.target.kind === 'exercise' && a.days.length === 7);
  const leoToday = (await get(`/api/v1/children/${encodeURIComponent(leoId)}/adherence`)).today;
  const pushed = await deviceApi.request.post(`${base}/api/v1/sync/push`, {
    headers: { authorization: `Bearer ${token}` },
    data: { protocol: 1, logs: [{
      id: uuidv7(), child_id: leoId, assignment_id: everyDay.id, exercise_id: everyDay.target.exercise_id,
      occurrence: { date: leoToday, slot: 0 }, outcome: { status: 'partly' }, pain: true, pain_score: 8,
      recorded_by: { kind: 'caregiver', name: 'Dad' }, device_id: deviceId, hlc: { wall_ms: Date.now(), counter: 0 },
    }] },
  });
  const reply = await pushed.json();
  check(pushed.ok() && reply.accepted.length === 1, `the pain score is accepted: ${JSON.stringify(reply)}`);
  await deviceApi.close();

  step('pain: flagged on the overview');
  await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Overview' }).click();
  await page.getByRole('heading', { name: 'Overview', level: 1 }).waitFor();
  const leoRow = page.getByTestId('overview-row').filter({ hasText: 'Leo' });
  await leoRow.locator('.flag-pain').filter({ hasText: 'highest 8/10' }).waitFor();
  await shot(page, 'pain-01-overview');

  step('pain: flag, graph and table on the child page');
  await page.goto(leoPage);
  const flag = page.getByTestId('flag-pain');
  await flag.filter({ hasText: 'highest 8/10' }).waitFor();
  const chart = page.getByTestId('pain-chart');
  await chart.locator('.plot svg').waitFor();
  await chart.getByText('Table of pain reports').click();
  check((await chart.getByTestId('pain-table').textContent()).includes('8/10'), 'the table lists the 8');
  await axe(page, 'child page with a pain flag');
  await shot(page, 'pain-02-child');

  step('pain: marked seen');
  await flag.getByRole('button', { name: 'Mark seen' }).click();
  await page.getByRole('status').filter({ hasText: 'Pain marked seen' }).waitFor();
  await page.waitForFunction(() => !document.querySelector('[data-testid="flag-pain"]'));
  const audit = await get('/api/v1/audit');
  check(audit.entries.some((e) => e.action === 'mark_pain_seen' && e.child_id === leoId), 'the mark is audited');
  await axe(page, 'child page, pain seen');
  await shot(page, 'pain-03-seen');
  check((await chart.locator('.plot svg').count()) === 1, 'the graph stays once the flag is seen');
  await page.goto(leoPage);
  await page.getByRole('heading', { name: /^(Last 12 weeks|Since the program began)/ }).waitFor();
}
