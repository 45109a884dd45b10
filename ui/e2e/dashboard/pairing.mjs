// Pairing a family's device: the code on the child's page with the phone link and its QR code, a device that
// pairs with it through the sync API and logs a parent's note full of markup, and revoking the device.
import jsQR from 'jsqr';
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

  step('pairing link and QR code for a phone');
  const expectedLink = `${base}/family/#pair=${encodeURIComponent(codeText)}`;
  const linkText = (await page.getByTestId('pairing-link').textContent()).trim();
  check(linkText === expectedLink, `the phone link is this server's family app with the code in the fragment: ${linkText}`);
  await page.getByText("Scan with the phone's camera, or open the link on the phone.").waitFor();
  const qr = page.getByTestId('pairing-qr');
  check((await qr.getAttribute('role')) === 'img' && /QR code/.test(await qr.getAttribute('aria-label')), 'the QR code is a named picture');
  const qrBox = await qr.boundingBox();
  check(qrBox && qrBox.width >= 160, `the QR code is big enough for a camera (${qrBox?.width}px)`);
  // What a camera would read: the QR code as the page draws it, rasterised in the page, decoded here.
  const side = 400;
  const rgba = await qr.evaluate(async (svg, side) => {
    const copy = svg.cloneNode(true);
    copy.setAttribute('xmlns', 'http://www.w3.org/2000/svg');
    copy.setAttribute('width', String(side));
    copy.setAttribute('height', String(side));
    const url = URL.createObjectURL(new Blob([new XMLSerializer().serializeToString(copy)], { type: 'image/svg+xml' }));
    const img = new Image();
    img.src = url;
    await img.decode();
    const canvas = document.createElement('canvas');
    canvas.width = canvas.height = side;
    const c = canvas.getContext('2d');
    c.drawImage(img, 0, 0, side, side);
    URL.revokeObjectURL(url);
    return Array.from(c.getImageData(0, 0, side, side).data);
  }, side);
  const decoded = jsQR(Uint8ClampedArray.from(rgba), side, side);
  check(decoded?.data === expectedLink, `the QR code reads as the link: ${decoded?.data}`);
  await page.context().grantPermissions(['clipboard-read', 'clipboard-write'], { origin: base });
  await page.getByRole('button', { name: 'Copy link' }).click();
  const copyStatus = page.locator('.copy-status');
  await copyStatus.filter({ hasText: /./ }).waitFor();
  const copied = (await copyStatus.textContent()).trim();
  if (copied === 'Copied.') {
    check((await page.evaluate(() => navigator.clipboard.readText())) === expectedLink, 'Copy link puts the link on the clipboard');
  } else {
    check(/select the link/.test(copied), `without a clipboard, plain words: ${copied}`);
  }
  // This server sends no email: the dialog offers no address field, only the link to copy.
  check((await page.getByLabel("Family's email").count()) === 0, 'no email field on a server without email');
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
