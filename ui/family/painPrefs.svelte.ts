// What the pain question needs from the app's frame, set once by App.svelte: the family's chosen scale (from
// Settings) and the clinic's name for the advice. Global like the language, so cards need no extra props.
import type { PainScale } from './bindings';

export const painPrefs = $state<{ scale: PainScale; clinic: string }>({ scale: 'faces', clinic: '' });
