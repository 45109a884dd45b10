// A child's thread with the clinic: `Engine::thread` / `unread_messages` (device/src/messages.rs) shaped as
// `ThreadView` / `UnreadView` (src-tauri/src/dto/messages.rs).
import type { MessageView, ThreadView, UnreadView } from '../../../family/bindings';
import type { Snapshot } from '../snapshot';
import { type Feedback, type Message, program, records } from './read';

/** `MessageText::MAX_CHARS`. */
export const MAX_MESSAGE_CHARS = 1000;

/** `Message::from(&Feedback)`: feedback on a day, read as the therapist's message it now is (same id). */
function fromFeedback(f: Feedback): Message {
  return {
    id: f.id,
    child_id: f.child_id,
    side: 'clinic',
    from: f.from,
    therapist_id: f.therapist_id,
    device_id: null,
    text: f.comment ?? null,
    sticker: f.sticker ?? null,
    sent_at: f.created_at,
  };
}

/** `message::thread`: messages and feedback together, oldest (lowest id) first, each id once. */
function threadOf(messages: Message[], feedback: Feedback[]): Message[] {
  const all = [...messages, ...feedback.map(fromFeedback)].sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  return all.filter((m, i) => i === 0 || all[i - 1]!.id !== m.id);
}

/** `message::unread` for the family: the clinic's messages after the family's mark. */
function unreadOf(messages: Message[], familyMark: string | null): number {
  return messages.filter((m) => m.side !== 'family' && (familyMark === null || m.id > familyMark)).length;
}

function parts(snap: Snapshot, childId: string) {
  const messages = snap.messages
    .filter((m) => m.child_id === childId)
    .sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0))
    .map((m) => m.doc);
  const feedback = records<Feedback>(snap, 'feedback').filter((f) => f.child_id === childId);
  const marks = snap.threadReads.filter((r) => r.child_id === childId);
  const familyMark = marks.find((m) => m.doc.side === 'family')?.doc.up_to ?? null;
  const clinicMark = marks.find((m) => m.doc.side === 'clinic')?.doc ?? null;
  return { thread: threadOf(messages, feedback), familyMark, clinicMark };
}

/** `messages`: the child's thread as it is on this device ("waiting" while in the outbox, refused ones too). */
export function thread(snap: Snapshot, childId: string): ThreadView {
  const { thread, familyMark, clinicMark } = parts(snap, childId);
  const waiting = new Set(snap.outbox.filter((o) => o.kind === 'messages').map((o) => o.id));
  return {
    child_id: childId,
    messages: thread.map(
      (m): MessageView => ({
        message_id: m.id,
        side: m.side,
        from: m.from,
        text: m.text ?? null,
        sticker: m.sticker ?? null,
        sent_at_ms: Date.parse(m.sent_at),
        waiting: waiting.has(m.id),
      }),
    ),
    unread: unreadOf(thread, familyMark),
    seen_up_to: clinicMark?.up_to ?? null,
    seen_by: clinicMark?.by ?? null,
    max_chars: MAX_MESSAGE_CHARS,
  };
}

/** `unread_messages`: per child of the family, the clinic's messages nobody here has read. */
export function unread(snap: Snapshot): UnreadView[] {
  return program(snap).children.map((c) => {
    const { thread, familyMark } = parts(snap, c.id);
    return { child_id: c.id, unread: unreadOf(thread, familyMark) };
  });
}
