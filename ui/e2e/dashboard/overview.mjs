// The overview: the children sorted and flagged, with a sparkline each, searched and filtered; later, the
// care-team filters (my care teams' children, the ones I lead).
import { axe, check, shot, step } from '../harness.mjs';

/** Right after signing in. */
export async function overview(ctx) {
  const { page } = ctx;
  step('overview');
  await page.getByRole('heading', { name: 'Overview', level: 1 }).waitFor();
  const rows = page.getByTestId('overview-row');
  await rows.nth(2).waitFor();
  const names = await rows.locator('th a').allTextContents();
  check(names.length === 3 && ['Leo', 'Mia', 'Noah'].every((n) => names.includes(n)), `children ${names}`);
  check(names[0] === 'Noah', `Noah (no logs for days) sorts first: ${names}`);
  check((await rows.first().textContent()).includes('No logs for'), 'Noah shows his no-logs flag');
  check((await rows.first().getAttribute('class')).includes('flagged'), 'the flagged row is marked');
  check((await page.locator('.plot svg').count()) === 3, 'a sparkline per child');
  await axe(page, 'overview');
  await shot(page, '02-overview');
  await page.getByLabel('Search').fill('mi');
  await page.waitForFunction(() => document.querySelectorAll('[data-testid="overview-row"]').length === 1);
  check((await rows.first().locator('th a').textContent()) === 'Mia', 'search narrows to Mia');
  await page.getByLabel('Search').fill('');
  await page.getByLabel('Flag').selectOption('any');
  await page.waitForFunction(() => document.querySelectorAll('[data-testid="overview-row"]').length === 2);
  await page.getByLabel('Flag').selectOption('');
  await rows.nth(2).waitFor();
}

/** Once maya has changed roles on a care team; ends back on Leo's page. */
export async function myChildren(ctx) {
  const { page, base, leoId } = ctx;
  step('overview: my children');
  await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Overview' }).click();
  await page.getByRole('heading', { name: 'Overview', level: 1 }).waitFor();
  await page.getByTestId('overview-row').nth(2).waitFor();
  check((await page.getByTestId('overview-team').first().textContent()).startsWith('Team: '), 'each child shows its team');
  const mine = await page.evaluate(async () => (await (await fetch('/api/v1/overview?team=mine')).json()).children.length);
  await page.locator('select[name="team"]').selectOption('mine');
  await page.waitForFunction((n) => document.querySelectorAll('[data-testid="overview-row"]').length === n, mine);
  check(mine >= 1, `maya is on some care team (${mine})`);
  check(!(await page.locator('[data-testid="overview-team"]').allTextContents()).some((t) => t.includes('not on my team')), 'my children are all on my team');
  const led = await page.evaluate(async () => (await (await fetch('/api/v1/overview?team=lead')).json()).children.length);
  check(led >= 1 && led <= mine, `maya leads some of her teams' children (${led} of ${mine})`);
  await page.locator('select[name="team"]').selectOption('lead');
  await page.waitForFunction((n) => document.querySelectorAll('[data-testid="overview-row"]').length === n, led);
  await page.locator('select[name="team"]').selectOption('all');
  await page.getByTestId('overview-row').nth(2).waitFor();
  await page.goto(`${base}/#/children/${encodeURIComponent(leoId)}`);
  await page.getByRole('heading', { name: /^(Last 12 weeks|Since the program began)/ }).waitFor();
}
