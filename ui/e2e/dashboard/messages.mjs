// Messages with the family on a child's page: the therapist's message (sent in the child section) reaches a
// paired device by pull, the family's answer pushed by that device shows as new with an unread count, the
// therapist marks it read, and the family's read mark shows as "Seen by".
import { axe, check, shot, step } from '../harness.mjs';
import { uuidv7 } from './shared.mjs';

export async function messages(ctx) {
  const { browser, page, base, leoId } = ctx;
  step('messages with the family');
  await page.goto(`${base}/#/children/${encodeURIComponent(leoId)}`);
  const thread = page.getByTestId('message-thread');
  await thread.waitFor();
  await page.getByRole('button', { name: 'Pairing code' }).click();
  const code = (await page.getByTestId('pairing-code').textContent()).trim();
  await page.getByRole('button', { name: 'Close' }).click();

  // A device of Leo's family pairs, pulls the therapist's message, answers, and marks it read.
  const deviceApi = await browser.newContext();
  const paired = await deviceApi.request.post(`${base}/api/v1/sync/pair`, { data: { protocol: 1, code, device_label: 'Messages laptop' } });
  check(paired.ok(), `the device pairs (${paired.status()})`);
  const { token, device_id: deviceId } = await paired.json();
  const headers = { authorization: `Bearer ${token}` };
  const changes = [];
  let cursor;
  for (;;) {
    const page_ = await (await deviceApi.request.post(`${base}/api/v1/sync/pull`, { headers, data: cursor ? { protocol: 1, cursor } : { protocol: 1 } })).json();
    changes.push(...page_.changes);
    cursor = page_.cursor;
    if (!page_.more) break;
  }
  const fromClinic = changes.filter((c) => c.type === 'message').map((c) => c.data);
  const buttons = fromClinic.find((m) => m.text?.startsWith('Super buttons!'));
  check(buttons && buttons.sticker === 'star' && buttons.from.endsWith('(OT)'), `the therapist's message reaches the device: ${JSON.stringify(fromClinic)}`);
  const reply = { id: uuidv7(), child_id: leoId, text: 'Thank you! He wants to do it again tomorrow.', written_by: 'Grandma', device_id: deviceId, hlc: { wall_ms: Date.now(), counter: 0 } };
  const read = { id: uuidv7(), child_id: leoId, up_to: buttons.id, read_by: 'Grandma', device_id: deviceId, hlc: { wall_ms: Date.now(), counter: 1 } };
  const pushed = await (await deviceApi.request.post(`${base}/api/v1/sync/push`, { headers, data: { protocol: 1, logs: [], messages: [reply], message_reads: [read] } })).json();
  check(pushed.messages_accepted?.length === 1 && pushed.message_reads_accepted?.length === 1, `the family's message and read mark are accepted: ${JSON.stringify(pushed)}`);
  await deviceApi.close();

  // The therapist sees it, new, with the count; the family has seen the therapist's message.
  await page.reload();
  const answer = thread.getByTestId('message').filter({ hasText: 'He wants to do it again' });
  await answer.waitFor();
  check((await answer.textContent()).includes('new'), 'the family message is marked new');
  check((await thread.getByTestId('unread-count').textContent()).includes('1 unread'), 'one unread message');
  check((await thread.getByTestId('seen-by-family').textContent()).includes('Seen by Grandma'), 'the family has seen the therapist message');
  await axe(page, 'child messages');
  await thread.scrollIntoViewIfNeeded();
  await shot(page, '03b-child-messages');
  await thread.getByRole('button', { name: 'Mark as read' }).click();
  await thread.getByRole('status').filter({ hasText: 'Marked as read' }).waitFor();
  check((await thread.getByTestId('unread-count').count()) === 0, 'no unread once read');

  // A double click sends one message.
  const before = await thread.getByTestId('message').count();
  await thread.getByLabel('Message', { exact: true }).fill('See you on Tuesday!');
  await thread.getByRole('button', { name: 'Send message' }).dblclick();
  await thread.getByTestId('message').filter({ hasText: 'See you on Tuesday!' }).waitFor();
  const listed = await page.evaluate(async (child) => (await (await fetch(`/api/v1/children/${encodeURIComponent(child)}/messages`)).json()), leoId);
  check(listed.messages.filter((m) => m.text === 'See you on Tuesday!').length === 1, 'a double click sends one message');
  check((await thread.getByTestId('message').count()) === before + 1, 'one more message in the thread');
}
