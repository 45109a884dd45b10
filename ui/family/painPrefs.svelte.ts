// What the pain question needs from the app's frame, set once by App.svelte: the family's chosen scale (from
// Settings), the clinic's name, threshold and contact text for the advice. Global like the language, so cards
// need no extra props.
import type { PainScale } from './bindings';
import { PAIN_ADVICE_AT } from './pain';

export const painPrefs = $state<{ scale: PainScale; clinic: string; adviceAt: number; contact: string }>({
  scale: 'faces',
  clinic: '',
  adviceAt: PAIN_ADVICE_AT,
  contact: '',
});
