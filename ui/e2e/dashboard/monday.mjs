// The therapist's Monday, one child from start to end, as issue #14's "Done means" tells it: Mila is enrolled
// with her brother Jonas, gets a 3-exercise program from the Library in one submit, her family's device pairs
// with a code from her page, reports a pain 8 and writes a message; the therapist sees both, answers, marks the
// pain seen; the device pulls the answer. Both children are discharged: the device is told, then refused.
// Maya (an admin; the E2E server keeps discharged records 0 days) erases Mila's record, and the audit log keeps
// its tombstone. Everything the therapist does is clicks and typing; the family's device is the real device
// engine (homeplay-device), driven step by step through the `family_device` binary.
import { join } from 'node:path';
import { DeviceEngine } from '../device.mjs';
import { axe, check, root, shot, step, work } from '../harness.mjs';

const deviceBin = process.env.HOMEPLAY_DEVICE_BIN ?? join(root, 'target/debug/family_device');

const PICKS = ['Bear walk', 'Crab walk', 'Flamingo stand'];

/** The family's device, with the checks this story makes of its answers. */
class Device extends DeviceEngine {
  constructor(dir) {
    super(deviceBin, dir);
  }

  async pair(base, code, label, caregiver) {
    const paired = await this.run('pair', base, code, label, caregiver);
    check(!paired.error, `the device pairs with the code (${JSON.stringify(paired)})`);
    this.id = paired.device_id;
  }

  sync() {
    return this.run('sync');
  }

  /** The device's today list, child by child. */
  today() {
    return this.run('today');
  }
}

async function enrolChild(page, name) {
  const form = page.getByTestId('child-form');
  await form.getByLabel('Name the family uses').fill(name);
  await form.getByLabel('Age in years').fill('7');
  return form;
}

async function dischargeFromPage(page, name) {
  await page.getByRole('button', { name: 'Discharge…' }).click();
  const dialog = page.getByRole('dialog', { name: `Discharge ${name}` });
  await dialog.waitFor();
  await dialog.getByLabel(/Reason/).fill('Goals met, moving to school-based therapy');
  await axe(page, `discharge ${name}`);
  await dialog.getByRole('button', { name: `Discharge ${name}` }).click();
  await page.getByTestId('discharged-banner').waitFor();
}

/** On maya's page (any page); ends on the audit log. */
export async function monday(ctx) {
  const { page, base } = ctx;
  const get = (path) => page.evaluate(async (p) => (await fetch(p)).json(), path);

  step('monday: enrol Mila');
  await page.goto(`${base}/#/`);
  await page.getByRole('heading', { name: 'Overview', level: 1 }).waitFor();
  await page.getByRole('link', { name: 'New child' }).click();
  await page.getByRole('heading', { name: 'New child', level: 1 }).waitFor();
  const form = await enrolChild(page, 'Mila');
  await form.getByLabel('Caregivers').fill('Mum, Dad');
  await axe(page, 'monday: new child');
  await shot(page, 'monday-01-new-child');
  await form.getByRole('button', { name: 'Add child' }).click();
  await page.waitForURL(/#\/children\/[0-9a-f-]{36}$/);
  const milaId = decodeURIComponent(page.url().split('/').pop());
  const milaPage = `${base}/#/children/${encodeURIComponent(milaId)}`;
  await page.getByRole('heading', { name: /^Mila/, level: 1 }).waitFor();

  step('monday: and her brother Jonas');
  await page.getByRole('button', { name: 'Add a sibling' }).click();
  await enrolChild(page, 'Jonas');
  await axe(page, 'monday: add a sibling');
  await shot(page, 'monday-02-sibling');
  await page.getByTestId('child-form').getByRole('button', { name: 'Add sibling' }).click();
  await page.getByRole('heading', { name: /^Jonas/, level: 1 }).waitFor();
  const jonasId = decodeURIComponent(page.url().split('/').pop());
  check(jonasId !== milaId, 'Jonas is a child of his own');
  const mila = await get(`/api/v1/children/${milaId}`);
  const jonas = await get(`/api/v1/children/${jonasId}`);
  check(jonas.child.family_id === mila.child.family_id, 'Jonas joins Mila’s family');

  step('monday: three exercises from the Library, one submit');
  // The Library reads the exercise list once; the search narrows it in the page.
  const listReads = [];
  const countListReads = (r) => { if (new URL(r.url()).pathname === '/api/v1/library/exercises') listReads.push(r.url()); };
  page.on('request', countListReads);
  await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Library' }).click();
  await page.getByRole('heading', { name: 'Library', level: 1 }).waitFor();
  for (const title of PICKS) {
    await page.getByLabel('Search').fill(title);
    const card = page.getByTestId('exercise').filter({ has: page.getByRole('heading', { name: title, exact: true }) });
    await card.getByTestId('select-exercise').check();
  }
  const bar = page.getByTestId('selection-bar');
  await bar.filter({ hasText: '3 selected' }).waitFor();
  await bar.getByRole('button', { name: 'Assign to a child…' }).click();
  const assign = page.getByTestId('assign-selected');
  await assign.getByRole('heading', { name: 'Assign 3 exercises' }).waitFor();
  await assign.getByLabel('Child').selectOption(milaId);
  // Every day of the week, so that "today" (whatever weekday the run falls on) is a day of her program.
  for (const day of ['Sat', 'Sun']) await assign.getByLabel(day).check();
  await assign.getByLabel('Reps').fill('8');
  await axe(page, 'monday: assign three');
  await shot(page, 'monday-03-assign');
  await assign.getByRole('button', { name: 'Assign 3 to Mila' }).click();
  await page.getByTestId('assigned-notice').filter({ hasText: '3 exercises assigned to Mila' }).waitFor();
  page.off('request', countListReads);
  check(listReads.length === 1, `the Library read the exercise list once while searching (${listReads.length}: ${listReads})`);
  const program = await get(`/api/v1/children/${milaId}/assignments`);
  check(program.length === 3 && program.every((a) => a.days.length === 7 && a.dosage?.reps === 8), `Mila's program has the three, every day, 8 reps (${JSON.stringify(program.map((a) => [a.days.length, a.dosage]))})`);

  step('monday: a pairing code, and the family device pairs with it');
  await page.goto(milaPage);
  await page.getByRole('heading', { name: /^Mila/, level: 1 }).waitFor();
  await page.getByRole('button', { name: 'Pairing code' }).click();
  const codeEl = page.getByTestId('pairing-code');
  await codeEl.waitFor();
  const code = (await codeEl.textContent()).trim();
  await axe(page, 'monday: pairing code');
  await shot(page, 'monday-04-pairing-code');
  await page.getByRole('button', { name: 'Close' }).click();
  const device = new Device(join(work, 'monday-device'));
  await device.pair(base, code, 'Family tablet', 'Mum');
  const first = await device.today();
  const milaToday = first.find((c) => c.child.id === milaId);
  const onDevice = new Set(milaToday?.groups.flatMap((g) => g.items.map((i) => i.expected.assignment_id)));
  check(onDevice.size === 3, `the device has Mila's three exercises for today (${onDevice.size})`);
  check(first.some((c) => c.child.id === jonasId), 'the device knows both children of the family');

  step('monday: the device reports a pain 8 and writes a message');
  const familyText = 'Mila said her knee hurt after the bear walk today.';
  const tick = await device.run('tick', milaId, 'partly', '8');
  check(tick.pain_score === 8 && !tick.error, `the device records the tick with pain 8 (${JSON.stringify(tick)})`);
  const written = await device.run('message', milaId, familyText);
  check(written.text === familyText, `the device keeps the message to send (${JSON.stringify(written)})`);
  const sent = await device.sync();
  check(sent.report?.pushed >= 1 && sent.report.rejected === 0 && sent.state?.state === 'synced', `the device sends them (${JSON.stringify(sent)})`);

  step('monday: the flag and the message on Mila\'s page');
  await page.goto(`${base}/#/`);
  await page.getByRole('heading', { name: 'Overview', level: 1 }).waitFor();
  await page.getByTestId('overview-row').filter({ hasText: 'Mila' }).locator('.flag-pain').filter({ hasText: 'highest 8/10' }).waitFor();
  await page.getByTestId('overview-row').filter({ hasText: 'Mila' }).getByRole('link', { name: 'Mila', exact: true }).click();
  await page.getByRole('heading', { name: /^Mila/, level: 1 }).waitFor();
  const flag = page.getByTestId('flag-pain');
  await flag.filter({ hasText: 'highest 8/10' }).waitFor();
  const thread = page.getByTestId('message-thread');
  const fromFamily = thread.getByTestId('message').filter({ hasText: familyText });
  await fromFamily.waitFor();
  check((await fromFamily.textContent()).includes('new'), 'the family message is marked new');
  await axe(page, 'monday: child with a pain flag and a message');
  await shot(page, 'monday-05-flag-and-message');

  step('monday: the therapist answers and marks the pain seen');
  const answer = 'Thank you for telling me. Skip the bear walk until Thursday; I will call you tomorrow.';
  await thread.getByRole('button', { name: 'Mark as read' }).click();
  await thread.getByRole('status').filter({ hasText: 'Marked as read' }).waitFor();
  await thread.getByLabel('Message', { exact: true }).fill(answer);
  await thread.getByRole('button', { name: 'Send message' }).click();
  await thread.getByTestId('message').filter({ hasText: 'Skip the bear walk' }).waitFor();
  await flag.getByRole('button', { name: 'Mark seen' }).click();
  await page.getByRole('status').filter({ hasText: 'Pain marked seen' }).waitFor();
  await page.waitForFunction(() => !document.querySelector('[data-testid="flag-pain"]'));
  await axe(page, 'monday: answered, pain seen');
  await shot(page, 'monday-06-answered');
  const auditAfterSeen = await get('/api/v1/audit?limit=50');
  check(auditAfterSeen.entries.some((e) => e.action === 'mark_pain_seen' && e.child_id === milaId), 'marking the pain seen is audited');

  step('monday: the device pulls the answer');
  check((await device.sync()).state?.state === 'synced', 'the device syncs');
  const onThread = await device.run('thread', milaId);
  check(onThread.messages?.some((m) => m.message.text === answer && !m.waiting), `the therapist's answer reaches the device: ${JSON.stringify(onThread)}`);

  step('monday: discharge Mila, then Jonas');
  await dischargeFromPage(page, 'Mila');
  await shot(page, 'monday-07-mila-discharged');
  // One child still in care keeps the family's devices: the device pulls the notice and stays connected.
  const told = await device.sync();
  const milaNotice = (await device.today()).find((c) => c.child.id === milaId);
  check(told.state?.state === 'synced' && milaNotice?.child.discharged_on, `the device is told Mila's program ended (${JSON.stringify(milaNotice?.child)})`);
  check((await device.sync()).state?.state === 'synced', 'with Jonas in care, the device stays connected');
  await page.goto(`${base}/#/children/${encodeURIComponent(jonasId)}`);
  await page.getByRole('heading', { name: /^Jonas/, level: 1 }).waitFor();
  await dischargeFromPage(page, 'Jonas');
  await shot(page, 'monday-08-jonas-discharged');

  step('monday: the device is told, then refused');
  await device.sync();
  const jonasNotice = (await device.today()).find((c) => c.child.id === jonasId);
  check(jonasNotice?.child.discharged_on, `the device is told Jonas's program ended (${JSON.stringify(jonasNotice?.child)})`);
  // Told first, then refused: the server turns the device away (401 device_revoked) and the engine stops,
  // keeping what it holds, in the state the family app puts in words.
  const refused = await device.sync();
  check(refused.state?.state === 'ended' && refused.state.message, `then it is refused, and the device says its program ended (${JSON.stringify(refused)})`);
  await page.goto(milaPage);
  await page.getByTestId('discharged-banner').waitFor();
  const devices = await get(`/api/v1/children/${milaId}/devices`);
  check(devices.some((d) => d.id === device.id && d.revoked_at), 'the dashboard lists the device as disconnected');

  step('monday: an admin erases Mila\'s record');
  await page.getByRole('button', { name: 'Erase record…' }).click();
  const erase = page.getByRole('dialog', { name: "Erase Mila's record" });
  await erase.waitFor();
  await erase.getByLabel(/Type/).fill('Mila');
  await axe(page, 'monday: erase dialog');
  await shot(page, 'monday-09-erase');
  await erase.getByRole('button', { name: 'Erase for good' }).click();
  await page.waitForURL(/#\/$/);
  await page.getByRole('heading', { name: 'Overview', level: 1 }).waitFor();
  const listed = await get('/api/v1/children');
  check(!listed.some((c) => c.id === milaId) && listed.some((c) => c.id === jonasId), 'Mila is gone, Jonas (discharged) is kept');

  step('monday: the audit keeps a tombstone');
  await page.getByRole('link', { name: 'Audit log' }).click();
  await page.getByRole('heading', { name: 'Audit log', level: 1 }).waitFor();
  const tombstone = page.getByTestId('audit-row').filter({ hasText: 'Erase child' }).first();
  await tombstone.waitFor();
  const tombText = await tombstone.textContent();
  check(tombText.includes(`family ${mila.child.family_id}`) && tombText.includes('Maya'), `the tombstone names the family and who erased (${tombText})`);
  const entries = (await get('/api/v1/audit?limit=500')).entries;
  const erased = entries.find((e) => e.action === 'erase_child' && e.child_id === milaId);
  check(erased && !erased.detail.includes('Mila'), `the audit keeps the erasure by id, without the name (${JSON.stringify(erased)})`);
  check(entries.some((e) => e.action === 'mark_pain_seen' && e.child_id === milaId), 'the earlier lines about Mila are kept');
  await axe(page, 'monday: audit with the tombstone');
  await shot(page, 'monday-10-audit-tombstone');
}
