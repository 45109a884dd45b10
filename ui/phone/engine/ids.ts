// Ids the phone makes for what it records: UUIDv7 (RFC 9562), so a thread's ids sort in the order its messages
// were written and a log needs no round trip to be born.

export function uuidv7(nowMs: number): string {
  const b = new Uint8Array(16);
  crypto.getRandomValues(b);
  let ms = Math.max(0, Math.floor(nowMs));
  for (let i = 5; i >= 0; i--) {
    b[i] = ms % 256;
    ms = Math.floor(ms / 256);
  }
  b[6] = (b[6]! & 0x0f) | 0x70;
  b[8] = (b[8]! & 0x3f) | 0x80;
  const hex = [...b].map((x) => x.toString(16).padStart(2, '0')).join('');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

/** A UUID as the protocol writes it (lowercase), or null when `s` is not one. */
export function parseUuid(s: string): string | null {
  const t = s.trim().toLowerCase();
  return UUID.test(t) ? t : null;
}
