import { afterEach, describe, expect, it, vi } from 'vitest';
import { canSpeak, speak } from './speech';

class FakeUtterance {
  voice: unknown = null;
  lang = '';
  constructor(public text: string) {}
}

function fakeSynth(voices: { name: string; lang: string }[]) {
  const spoken: FakeUtterance[] = [];
  return {
    spoken,
    getVoices: () => voices,
    speak: (u: FakeUtterance) => spoken.push(u),
    cancel: () => undefined,
    addEventListener: () => undefined,
    removeEventListener: () => undefined,
  };
}

afterEach(() => vi.unstubAllGlobals());

describe('speak', () => {
  it("reads the caption with a voice of the family's language", () => {
    const s = fakeSynth([{ name: 'Mónica', lang: 'es-ES' }, { name: 'Daniel', lang: 'en-GB' }]);
    vi.stubGlobal('speechSynthesis', s);
    vi.stubGlobal('SpeechSynthesisUtterance', FakeUtterance);
    expect(canSpeak('es')).toBe(true);
    expect(speak('Manos atrás', 'es')).toBe(true);
    expect(s.spoken.map((u) => [u.text, u.lang, (u.voice as { name: string }).name])).toEqual([['Manos atrás', 'es-ES', 'Mónica']]);
  });
  it('stays silent, without an error, with no voice of the language or no synthesis at all', () => {
    const s = fakeSynth([{ name: 'Daniel', lang: 'en-GB' }]);
    vi.stubGlobal('speechSynthesis', s);
    vi.stubGlobal('SpeechSynthesisUtterance', FakeUtterance);
    expect(canSpeak('es')).toBe(false);
    expect(speak('Manos atrás', 'es')).toBe(false);
    expect(s.spoken).toEqual([]);
    vi.stubGlobal('speechSynthesis', undefined);
    expect(canSpeak('en')).toBe(false);
    expect(speak('Hands behind', 'en')).toBe(false);
    vi.stubGlobal('speechSynthesis', { getVoices: () => { throw new Error('refused'); } });
    expect(speak('Hands behind', 'en')).toBe(false);
  });
});
