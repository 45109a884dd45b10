// Two clients of the protocol on one occurrence: Dad's phone (a second profile, paired with its own code) and the
// family's desktop device engine (homeplay-device, through the family_device binary) both log the flamingo stand
// at bath time, neither having seen the other's log. The clinic keeps both logs and counts the occurrence once.
import { join } from 'node:path';
import { check, step, until, work } from './harness.mjs';
import { Device } from './clinic.mjs';
import { pairFromLink, Phone } from './phones.mjs';
import { card, cardButton, cardsOf, screen, waitForToday, waitLogged } from './screens.mjs';
import { CARDS } from './pairing.mjs';

export async function caregivers(ctx) {
  const { server, maya, childId } = ctx;
  const flamingo = ctx.flamingoTitle;

  step('caregivers: the desktop device pairs');
  if (!server.proc) await server.start(server.uiDir);
  check((await maya.logsToday(childId, ctx.titles)).byOccurrence['flamingo#0'] === undefined, 'nobody has logged the flamingo stand yet');
  const device = new Device(join(work, 'desktop-device'));
  const paired = await device.run('pair', server.base, await maya.pairingCode(childId), 'Family laptop', 'Grandma');
  check(!paired.error, `the desktop device pairs (${JSON.stringify(paired)})`);

  step('caregivers: Dad’s phone pairs by its own link');
  const dad = new Phone('dad');
  ctx.dad = dad;
  const code = await maya.pairingCode(childId);
  ctx.codes.push(code);
  const page = await dad.launch();
  await page.goto(`${server.base}/family/#pair=${encodeURIComponent(code)}`);
  const shown = await pairFromLink(page, 'Dad’s phone', 'Dad');
  if (shown.form) await shown.connect();
  await waitForToday(page, CARDS);
  // Mum's logs came with the pairing's first pull (an undone one is not shown as logged).
  const before = await maya.logsToday(childId, ctx.titles);
  const mumsLogs = loggedOccurrences(before.byOccurrence);
  await waitLogged(page, mumsLogs, 'Mum’s logs on Dad’s phone');
  await screen(page, '13-second-phone');

  step('caregivers: the desktop device logs the flamingo stand, not synced yet');
  const tick = await device.run('tick', childId, 'done', '', ctx.flamingoAssignment);
  check(!tick.error && tick.assignment_id === ctx.flamingoAssignment, `the device logs the flamingo stand (${JSON.stringify(tick)})`);

  step('caregivers: Dad logs the same flamingo stand on his phone');
  check((await card(page, flamingo).getByTestId('logged').count()) === 0, 'Dad’s phone has not seen the device’s log');
  await cardButton(page, flamingo, 0, 'Done');
  await waitLogged(page, mumsLogs + 1, 'Dad’s tick');
  await until('Dad’s phone synced', async () => (await page.getByTestId('sync-line').textContent()).startsWith('Synced'));

  step('caregivers: the device syncs');
  const sent = await device.run('sync');
  check(sent.report?.pushed >= 1 && sent.report.rejected === 0, `the device sends its log (${JSON.stringify(sent)})`);

  step('caregivers: the clinic counts the occurrence once');
  const { byOccurrence, twice, tally } = await maya.logsToday(childId, ctx.titles);
  check(twice.length === 0, `no log twice (${twice})`);
  check(JSON.stringify(byOccurrence['flamingo#0']) === JSON.stringify(['done by Dad', 'done by Grandma']), `both logs kept, once each (${JSON.stringify(byOccurrence['flamingo#0'])})`);
  // Two logs of one occurrence: one more done, nothing extra.
  check(
    tally?.expected === CARDS && tally.done === before.tally.done + 1 && tally.not_done === before.tally.not_done && tally.extra === 0,
    `today's tally counts the flamingo stand once (${JSON.stringify(before.tally)} then ${JSON.stringify(tally)})`,
  );

  step('caregivers: Dad’s phone shows the occurrence once');
  await page.getByRole('button', { name: 'Sync now' }).click();
  await until('synced', async () => (await page.getByTestId('sync-line').textContent()).startsWith('Synced'));
  await waitForToday(page, CARDS);
  check((await cardsOf(page, flamingo).count()) === 1 && (await card(page, flamingo).getByTestId('logged').count()) === 1, 'one flamingo card, logged once');
  await dad.close();
}

/** Occurrences with a log that stands (not undone): what a phone shows as logged. */
export function loggedOccurrences(byOccurrence) {
  return Object.values(byOccurrence).filter((entries) => entries.some((e) => !/ undone /.test(e))).length;
}
