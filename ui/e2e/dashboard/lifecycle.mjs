// A child's lifecycle: discharge (the dialog says what happens; the page becomes read-only with a banner; the
// overview lists the child apart), re-admit, discharge again and erase with a typed confirmation. The E2E
// server keeps discharged records 0 days (harness.mjs), so maya, an admin, may erase at once.
import { axe, check, shot, step } from '../harness.mjs';

export async function lifecycle(ctx) {
  const { page } = ctx;
  step('lifecycle: a child to discharge');
  const id = await page.evaluate(async () => {
    const me = await (await fetch('/api/v1/auth/me')).json();
    const made = await fetch('/api/v1/children', {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-csrf-token': me.csrf_token },
      body: JSON.stringify({ display_name: 'Noa', time_zone: 'Europe/London', age_years: 6, caregivers: ['Mum'] }),
    });
    return (await made.json()).child.id;
  });
  await page.goto(`${ctx.base}/#/children/${id}`);
  await page.getByRole('heading', { level: 1, name: /Noa/ }).waitFor();

  step('lifecycle: discharge dialog');
  await page.getByRole('button', { name: 'Discharge…' }).click();
  const dialog = page.getByRole('dialog', { name: 'Discharge Noa' });
  await dialog.waitFor();
  check((await dialog.textContent()).includes('read-only'), 'the dialog says the record becomes read-only');
  await dialog.getByLabel(/Reason/).fill('Goals met');
  await axe(page, 'discharge dialog');
  await shot(page, 'lifecycle-01-discharge-dialog');
  await dialog.getByRole('button', { name: 'Discharge Noa' }).click();

  step('lifecycle: discharged banner, read-only page');
  const banner = page.getByTestId('discharged-banner');
  await banner.waitFor();
  check((await banner.textContent()).includes('Goals met'), 'the banner gives the reason');
  check((await page.getByRole('link', { name: 'Assign exercises' }).count()) === 0, 'no Assign exercises once discharged');
  check((await page.getByRole('button', { name: 'Pairing code' }).count()) === 0, 'no pairing code once discharged');
  check((await page.getByRole('button', { name: 'Edit child' }).count()) === 0, 'no Edit child once discharged');
  check((await page.getByRole('button', { name: 'Send feedback' }).count()) === 0, 'no feedback form once discharged');
  await axe(page, 'discharged child');
  await shot(page, 'lifecycle-02-discharged');

  step('lifecycle: the overview lists the child apart');
  await page.goto(`${ctx.base}/#/`);
  const apart = page.getByTestId('discharged-list');
  await apart.getByRole('link', { name: 'Noa', exact: true }).waitFor();
  const noa = page.getByRole('link', { name: 'Noa', exact: true });
  check((await page.getByTestId('overview-row').filter({ has: noa }).count()) === 0, 'not among the children in care');
  await axe(page, 'overview with discharged');
  await shot(page, 'lifecycle-03-overview');

  step('lifecycle: re-admit');
  await apart.getByRole('link', { name: 'Noa', exact: true }).click();
  await page.getByRole('button', { name: 'Re-admit Noa' }).click();
  await page.getByRole('status').filter({ hasText: 're-admitted' }).waitFor();
  await page.getByRole('button', { name: 'Discharge…' }).waitFor();
  check((await page.getByTestId('discharged-banner').count()) === 0, 'no banner once re-admitted');

  step('lifecycle: discharge again and erase');
  await page.getByRole('button', { name: 'Discharge…' }).click();
  await page.getByRole('dialog', { name: 'Discharge Noa' }).getByRole('button', { name: 'Discharge Noa' }).click();
  await page.getByTestId('discharged-banner').waitFor();
  await page.getByRole('button', { name: 'Erase record…' }).click();
  const erase = page.getByRole('dialog', { name: "Erase Noa's record" });
  await erase.waitFor();
  await erase.getByLabel(/Type/).fill('Noah');
  await erase.getByRole('button', { name: 'Erase for good' }).click();
  await erase.getByRole('alert').filter({ hasText: 'Type Noa exactly' }).waitFor();
  await axe(page, 'erase dialog');
  await shot(page, 'lifecycle-04-erase-dialog');
  await erase.getByLabel(/Type/).fill('Noa');
  await erase.getByRole('button', { name: 'Erase for good' }).click();
  await page.waitForURL(/#\/$/);
  await page.getByRole('heading', { name: 'Overview' }).waitFor();
  await page.getByTestId('overview-row').first().waitFor();
  const listed = await page.evaluate(async (child) => (await (await fetch('/api/v1/children')).json()).some((c) => c.id === child), id);
  check(!listed, 'the erased child is gone');
  check((await page.getByRole('link', { name: 'Noa', exact: true }).count()) === 0, 'the overview no longer lists the erased child');
  await shot(page, 'lifecycle-05-erased');
}
