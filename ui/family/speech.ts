// The system's speech synthesis, for a step that has no recorded voice prompt: the caption read aloud in the
// family's language. Best effort, like the sounds: no synthesis, no voice of the language, or a webview that
// refuses, and kid mode stays silent with its pictures.
import { chooseVoice } from './kid';

function synth(): SpeechSynthesis | null {
  return (globalThis as { speechSynthesis?: SpeechSynthesis }).speechSynthesis ?? null;
}

/** Whether a caption can be spoken in `language` now (the voice list may fill in later: see `onVoicesChanged`). */
export function canSpeak(language: string): boolean {
  try {
    const s = synth();
    return !!s && typeof globalThis.SpeechSynthesisUtterance === 'function' && chooseVoice(s.getVoices(), language) !== null;
  } catch {
    return false;
  }
}

/** Speaks `text` with a voice of `language`; false (and silence) when there is none. */
export function speak(text: string, language: string): boolean {
  try {
    const s = synth();
    if (!s || !text.trim()) return false;
    const voice = chooseVoice(s.getVoices(), language);
    if (!voice || typeof globalThis.SpeechSynthesisUtterance !== 'function') return false;
    const u = new SpeechSynthesisUtterance(text);
    u.voice = voice;
    u.lang = voice.lang;
    // A new step cuts the last one short rather than queueing behind it.
    s.cancel();
    s.speak(u);
    return true;
  } catch {
    return false;
  }
}

export function stopSpeaking(): void {
  try {
    synth()?.cancel();
  } catch {
    // Nothing was speaking that could be stopped.
  }
}

/** Calls `listener` when the system's voice list changes (some engines fill it in after start-up). */
export function onVoicesChanged(listener: () => void): () => void {
  const s = synth();
  if (!s || typeof s.addEventListener !== 'function') return () => undefined;
  try {
    s.addEventListener('voiceschanged', listener);
  } catch {
    return () => undefined;
  }
  return () => {
    try {
      s.removeEventListener('voiceschanged', listener);
    } catch {
      // Already gone with the page.
    }
  };
}
