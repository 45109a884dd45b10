// The dashboard at a tablet's width (768 px, the narrowest the issue names, and 820 px): no sideways scrolling
// on any page; and on a phone (390 px) the overview's flags stay in view beside each child's name.
import { check, shot, step } from '../harness.mjs';

/** Leaves the viewport as it found it. */
export async function tablet(ctx) {
  const { page, base, leoId } = ctx;
  const leo = encodeURIComponent(leoId);
  const pages = [
    ['#/', 'overview'], [`#/children/${leo}`, 'child'], [`#/children/${leo}/report`, 'report'], ['#/routines', 'routines'],
    ['#/library', 'library'], [`#/builder?child=${leo}`, 'builder'], ['#/team', 'team'], ['#/audit', 'audit'],
    ['#/children/new', 'new-child'], ['#/security', 'security'],
  ];
  for (const width of [768, 820]) {
    step(`tablet width ${width}`);
    await page.setViewportSize({ width, height: 1180 });
    for (const [hash, name] of pages) {
      await page.goto(`${base}/${hash}`);
      await page.locator('main h1').first().waitFor();
      await page.waitForLoadState('networkidle');
      const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
      check(overflow <= 1, `${name} at ${width} px: no sideways scrolling (${overflow}px too wide)`);
      if (width === 820 && ['overview', 'child', 'report', 'routines'].includes(name)) await shot(page, `09-tablet-${name}`);
    }
  }

  step('phone width: the overview keeps its flags in view');
  await page.setViewportSize({ width: 390, height: 844 });
  await page.goto(`${base}/#/`);
  await page.getByTestId('overview-row').first().waitFor();
  const flagged = page.getByTestId('overview-row').filter({ has: page.locator('li.flag') }).first();
  await flagged.waitFor();
  const box = await flagged.locator('li.flag').first().boundingBox();
  check(box && box.x >= 0 && box.x + box.width <= 390, `the first flag is within the screen (${JSON.stringify(box)})`);
  const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
  check(overflow <= 1, `the overview at 390 px: no sideways scrolling (${overflow}px too wide)`);
  await shot(page, '09-phone-overview');
  await page.setViewportSize({ width: 1280, height: 800 });
}
