import { describe, expect, it } from 'vitest';
import { startFailure } from './startFailure';

describe('the message when the app cannot open its data', () => {
  it('says a newer app left the data, not that the clinic speaks another version', () => {
    const text = startFailure({ kind: 'wrong_version', message: 'This phone has data from a newer homeplay; reload to update.' });
    expect(text).toMatch(/newer/);
    expect(text).not.toMatch(/clinic server/);
  });

  it("keeps the engine's own words for its other failures (a full phone)", () => {
    const message = 'This phone is out of storage space, so this was not saved.';
    expect(startFailure({ kind: 'internal', message })).toBe(message);
  });

  it("never shows a programmer's error", () => {
    const text = startFailure(new TypeError("Cannot read properties of undefined (reading 'open')"));
    expect(text).not.toMatch(/TypeError|undefined|Cannot read/);
    expect(text.length).toBeGreaterThan(10);
  });
});
