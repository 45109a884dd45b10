// Installable: Chromium's own installability check over the DevTools protocol finds nothing missing, and the
// manifest it read is the family app's.
import { check, soft, step } from './harness.mjs';
import { mumsPage } from './phones.mjs';

/** What headless Chromium cannot do whatever the app does (none known so far): reported, not failed. */
const HEADLESS_ONLY = new Set([]);

export async function installable(ctx) {
  const { mum, server } = ctx;
  const page = await mumsPage(ctx);
  step('install: Page.getInstallabilityErrors');
  const cdp = await mum.cdp();
  const { installabilityErrors } = await cdp.send('Page.getInstallabilityErrors');
  const errors = installabilityErrors.map((e) => `${e.errorId}${e.errorArguments?.length ? ` (${e.errorArguments.map((a) => `${a.name}=${a.value}`).join(', ')})` : ''}`);
  for (const e of installabilityErrors.filter((x) => HEADLESS_ONLY.has(x.errorId))) console.log(`  installability, headless only: ${e.errorId}`);
  check(installabilityErrors.every((e) => HEADLESS_ONLY.has(e.errorId)), `Chromium says the app is not installable: ${errors.join('; ')}`);

  step('install: the manifest');
  const manifest = await cdp.send('Page.getAppManifest');
  check(manifest.url?.startsWith(`${server.base}/family/`), `a manifest under /family/ (${manifest.url})`);
  soft((manifest.errors ?? []).length === 0, `the manifest parses cleanly: ${JSON.stringify(manifest.errors)}`);
  const parsed = JSON.parse(manifest.data ?? '{}');
  soft(['standalone', 'fullscreen', 'minimal-ui'].includes(parsed.display), `display is an app's (${parsed.display})`);
  const sizes = (parsed.icons ?? []).map((i) => i.sizes);
  soft(sizes.some((s) => /192x192/.test(s)) && sizes.some((s) => /512x512/.test(s)), `192 and 512 px icons (${sizes.join(', ')})`);
  check(await page.evaluate(() => !!navigator.serviceWorker.controller), 'the page is controlled by the app’s service worker');
  await cdp.detach();
}
