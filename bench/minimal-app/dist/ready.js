// After the first paint (the frame after the one that drew the page), as the family app reports its own.
requestAnimationFrame(() => requestAnimationFrame(() => window.__TAURI__.core.invoke('ready')));
