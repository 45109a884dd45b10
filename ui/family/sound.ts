// Kid mode's sounds, synthesised with Web Audio so the app ships no audio files. Every call is best effort: a
// machine without audio (or a webview that refuses it) just stays quiet, and kid mode carries on.

type Note = { freq: number; at: number; dur: number };

/** A rising C-major arpeggio with a held top note: a short "ta-da". */
export const CHEER: readonly Note[] = [
  { freq: 523.25, at: 0, dur: 0.14 },
  { freq: 659.25, at: 0.12, dur: 0.14 },
  { freq: 783.99, at: 0.24, dur: 0.14 },
  { freq: 1046.5, at: 0.36, dur: 0.5 },
];

/** A soft blip per tap, rising a semitone each count so progress can be heard (wrapping after an octave). */
export function tapNote(count: number): Note {
  return { freq: 440 * 2 ** ((count % 12) / 12), at: 0, dur: 0.09 };
}

let context: AudioContext | null = null;

function audio(): AudioContext | null {
  if (context) return context;
  const Ctor = globalThis.AudioContext ?? (globalThis as { webkitAudioContext?: typeof AudioContext }).webkitAudioContext;
  if (!Ctor) return null;
  try {
    context = new Ctor();
  } catch {
    return null;
  }
  return context;
}

function play(notes: readonly Note[], volume: number): void {
  const ctx = audio();
  if (!ctx) return;
  try {
    if (ctx.state === 'suspended') void ctx.resume().catch(() => undefined);
    const t0 = ctx.currentTime + 0.02;
    for (const n of notes) {
      const osc = ctx.createOscillator();
      const gain = ctx.createGain();
      osc.type = 'triangle';
      osc.frequency.value = n.freq;
      // Ramps, not steps: a sudden start or stop clicks.
      gain.gain.setValueAtTime(0.0001, t0 + n.at);
      gain.gain.exponentialRampToValueAtTime(volume, t0 + n.at + 0.02);
      gain.gain.exponentialRampToValueAtTime(0.0001, t0 + n.at + n.dur);
      osc.connect(gain).connect(ctx.destination);
      osc.start(t0 + n.at);
      osc.stop(t0 + n.at + n.dur + 0.05);
    }
  } catch {
    // Quiet is fine.
  }
}

export function playCheer(): void {
  play(CHEER, 0.25);
}

export function playTap(count: number): void {
  play([tapNote(count)], 0.12);
}
