// Pairing a family's device: the code on the child's page, a device that pairs with it through the sync
// API and logs a parent's note full of markup, and revoking the device.
import { axe, check, shot, step } from '../harness.mjs';
import { uuidv7 } from './shared.mjs';

/** On Leo's page; leaves the parent's note in ctx.markupNote for the report. */
export async function pairing(ctx) {
  const { browser, page, base, leoId } = ctx;
  step('pairing code');
  await page.getByRole('button', { name: 'Pairing code' }).click();
  const code = page.getByTestId('pairing-code');
  await code.waitFor();
  const codeText = (await code.textContent()).trim();
  check(/^[0-9A-Z]{4}-[0-9A-Z]{4}$/.test(codeText), `code looks like XXXX-XXXX: ${codeText}`);
  const fontPx = await code.evaluate((el) => parseFloat(getComputedStyle(el).fontSize));
  check(fontPx >= 48, `code readable across a desk (${fontPx}px)`);
  await axe(page, 'pairing dialog');
  await shot(page, '04-pairing-code');
  await page.getByRole('button', { name: 'Close' }).click();

  step('revoke a paired device');
  // A real device pairs with the code through the sync API, and can pull; revoked, it is refused.
  const deviceApi = await browser.newContext();
  const paired = await deviceApi.request.post(`${base}/api/v1/sync/pair`, { data: { protocol: 1, code: codeText, device_label: 'Grandma tablet <i>2</i>' } });
  check(paired.ok(), `the device pairs with the code (${paired.status()}: ${await paired.text()})`);
  const { token, device_id: deviceId } = await paired.json();
  const pull = () => deviceApi.request.post(`${base}/api/v1/sync/pull`, { data: { protocol: 1 }, headers: { authorization: `Bearer ${token}` } });
  check((await pull()).status() === 200, 'the paired device can pull');
  // The device logs today's flamingo stand with a parent's note full of markup: it must stay text everywhere.
  const program = await page.evaluate(async (child) => (await (await fetch(`/api/v1/children/${encodeURIComponent(child)}/assignments`)).json()), leoId);
  const everyDay = program.find((a) => a.status === 'active' && a.target.kind === 'exercise' && a.days.length === 7);
  check(everyDay, 'Leo has an everyday exercise');
  const leoToday = (await page.evaluate(async (child) => (await (await fetch(`/api/v1/children/${encodeURIComponent(child)}/adherence`)).json()), leoId)).today;
  const markupNote = 'Wobbly <img src=x onerror="window.__pwned=1"> but <b>proud</b>';
  const pushed = await deviceApi.request.post(`${base}/api/v1/sync/push`, {
    headers: { authorization: `Bearer ${token}` },
    data: { protocol: 1, logs: [{
      id: uuidv7(), child_id: leoId, assignment_id: everyDay.id, exercise_id: everyDay.target.exercise_id,
      occurrence: { date: leoToday, slot: 0 }, outcome: { status: 'done' }, pain: true, note: markupNote,
      recorded_by: { kind: 'caregiver', name: 'Grandma' }, device_id: deviceId, hlc: { wall_ms: Date.now(), counter: 0 },
    }] },
  });
  const pushReply = await pushed.json();
  check(pushed.ok() && pushReply.accepted.length === 1, `the device's log is accepted: ${JSON.stringify(pushReply)}`);
  await page.reload();
  const noteShown = page.getByTestId('timeline').locator('blockquote.note').filter({ hasText: 'Wobbly' });
  await noteShown.waitFor();
  check((await noteShown.textContent()) === markupNote, `the parent's note shows as text: ${await noteShown.textContent()}`);
  check((await noteShown.locator('img, b').count()) === 0, 'the parent\'s note is never markup');
  const deviceItem = page.locator('.devices li').filter({ hasText: 'Grandma tablet <i>2</i>' });
  await deviceItem.waitFor();
  check((await deviceItem.locator('i').count()) === 0, 'the device label shows as text');
  page.once('dialog', (d) => void d.accept());
  await deviceItem.getByRole('button', { name: /^Revoke/ }).click();
  await page.getByRole('status').filter({ hasText: 'revoked' }).waitFor();
  await deviceItem.locator('.badge', { hasText: 'revoked' }).waitFor();
  check((await deviceItem.getByRole('button', { name: /^Revoke/ }).count()) === 0, 'no revoke button once revoked');
  const refused = await pull();
  check(refused.status() === 401, `the revoked device is refused (${refused.status()})`);
  const devices = await page.evaluate(async (child) => (await (await fetch(`/api/v1/children/${encodeURIComponent(child)}/devices`)).json()), leoId);
  check(devices.some((d) => d.id === deviceId && d.revoked_at), 'the server records the revocation');
  await deviceApi.close();
  ctx.markupNote = markupNote;
}
