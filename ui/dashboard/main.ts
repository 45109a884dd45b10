import { mount } from 'svelte';
import App from './App.svelte';
import { setLocale, startLocale } from './i18n.svelte';
import './app.css';

const target = document.getElementById('app');
if (!target) throw new Error('no #app element');
// The first page opens in the language this browser chose before, or its own: that catalogue (a chunk of its own
// for any language but English) is loaded before anything is drawn, so no page flashes in English first.
void setLocale(startLocale()).finally(() => mount(App, { target }));
