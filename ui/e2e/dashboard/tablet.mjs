// The dashboard at a tablet's width: no sideways scrolling on the overview, the child, the report, routines.
import { check, shot, step } from '../harness.mjs';

/** Leaves the viewport as it found it. */
export async function tablet(ctx) {
  const { page, base, leoId } = ctx;
  step('tablet width');
  await page.setViewportSize({ width: 820, height: 1180 });
  for (const [hash, name] of [
    ['#/', '09-tablet-overview'], [`#/children/${encodeURIComponent(leoId)}`, '10-tablet-child'],
    [`#/children/${encodeURIComponent(leoId)}/report`, '10b-tablet-report'], ['#/routines', '10c-tablet-routines'],
  ]) {
    await page.goto(`${base}/${hash}`);
    await page.locator('main h1').first().waitFor();
    await page.waitForLoadState('networkidle');
    const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
    check(overflow <= 1, `${name}: no sideways scrolling (${overflow}px too wide)`);
    await shot(page, name);
  }
  await page.setViewportSize({ width: 1280, height: 800 });
}
