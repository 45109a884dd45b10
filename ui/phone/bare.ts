// The benchmark's bare page: one painted line, then the same ready mark as the app (see engine/ready.ts).
import { markReady } from './engine/ready';

const main = document.getElementById('bare');
if (main) main.textContent = 'homeplay';
requestAnimationFrame(() => requestAnimationFrame(markReady));
