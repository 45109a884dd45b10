import { mount } from 'svelte';
import { withBackend } from './api';
import App from './App.svelte';
import { tauriBackend } from './tauri';
import './family.css';

const target = document.getElementById('app');
if (!target) throw new Error('no #app element');
// The one place the backend is chosen: the screens see only the `FamilyBackend` interface (api.ts).
export default mount(App, { target, context: withBackend(tauriBackend) });
