// Clinic settings (admins): maya sets US dates, pain advice from 4 and a contact text; a wrong threshold and an
// over-long contact text show beside their fields at once, the first focused; a date on Leo's page switches
// format; sam (not an admin) has no link, cannot open the page, and the API refuses his save. The settings are
// put back at the end, for the sections after this one.
import { axe, check, shot, step } from '../harness.mjs';

/** On maya's page; leaves the clinic's settings as the demo had them, and sam's page where it was. */
export async function clinicSettings(ctx) {
  const { page, base, leoId, samPage } = ctx;
  const leoPage = `${base}/#/children/${encodeURIComponent(leoId)}`;
  const todayLine = () => page.getByText(/today is .* there/).textContent();

  step('clinic settings: Leo\'s page in en-GB first');
  await page.goto(leoPage);
  await page.getByRole('heading', { name: /Leo/, level: 1 }).waitFor();
  const before = await todayLine();
  check(/today is \w{3} \d{1,2} \w{3} there/.test(before), `en-GB writes "Thu 28 Nov": ${before}`);

  step('clinic settings: the page, from the navigation');
  await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Clinic settings' }).click();
  await page.getByRole('heading', { name: 'Clinic settings', level: 1 }).waitFor();
  const form = page.getByTestId('clinic-settings-form');
  await form.waitFor();
  const saved = await page.evaluate(async () => (await fetch('/api/v1/clinic/settings')).json());

  step('clinic settings: every problem beside its field, the first focused');
  await page.getByLabel('Pain advice from score').fill('11');
  await page.getByLabel(/How families reach you/).fill('x'.repeat(301));
  await page.getByRole('button', { name: 'Save settings' }).click();
  await page.locator('#settings-pain_advice_at-error').waitFor();
  await page.locator('#settings-family_contact-error').waitFor();
  check((await page.getByLabel('Pain advice from score').getAttribute('aria-describedby')).includes('settings-pain_advice_at-error'), 'the threshold error is tied to its field');
  check((await page.getByLabel(/How families reach you/).getAttribute('aria-describedby')).includes('settings-family_contact-error'), 'the contact error is tied to its field');
  check(await page.evaluate(() => document.activeElement?.getAttribute('name') === 'pain_advice_at'), 'the first field at fault has the focus');
  await axe(page, 'clinic settings with errors');
  await shot(page, 'clinic-settings-01-errors');

  step('clinic settings: US dates, advice from 4, a contact text');
  const contact = 'Call Riverside on 555-0100, Mon–Fri 8–5';
  await page.getByLabel('Date format').selectOption('en-US');
  await page.getByLabel('Pain advice from score').fill('4');
  await page.getByLabel(/How families reach you/).fill(contact);
  await page.getByRole('button', { name: 'Save settings' }).click();
  await page.getByRole('status').filter({ hasText: 'Saved' }).waitFor();
  check((await page.locator('.field-error').count()) === 0, 'no errors left');
  const now = await page.evaluate(async () => (await fetch('/api/v1/clinic/settings')).json());
  check(now.locale === 'en-US' && now.pain_advice_at === 4 && now.family_contact === contact, `saved: ${JSON.stringify(now)}`);
  await axe(page, 'clinic settings saved');
  await shot(page, 'clinic-settings-02-saved');

  step('clinic settings: Leo\'s page in en-US');
  await page.goto(leoPage);
  await page.getByRole('heading', { name: /Leo/, level: 1 }).waitFor();
  const after = await todayLine();
  check(/today is \w{3}, \w{3} \d{1,2} there/.test(after), `en-US writes "Thu, Nov 28": ${after}`);
  await shot(page, 'clinic-settings-03-child-us-dates');

  step('clinic settings: not for a therapist who is not an admin');
  check((await samPage.getByRole('link', { name: 'Clinic settings' }).count()) === 0, 'no settings link for sam');
  await samPage.goto(`${base}/#/clinic/settings`);
  await samPage.getByText('Only a clinic administrator can change the clinic’s settings').waitFor();
  await axe(samPage, 'clinic settings, not an admin');
  const refused = await samPage.evaluate(async () => {
    const me = await (await fetch('/api/v1/auth/me')).json();
    const r = await fetch('/api/v1/clinic/settings', {
      method: 'PUT', headers: { 'content-type': 'application/json', 'x-csrf-token': me.csrf_token },
      body: JSON.stringify({ locale: 'en-GB', pain_advice_at: 6 }),
    });
    return r.status;
  });
  check(refused === 403, `sam's save is refused (${refused})`);
  // Back where the password section left sam: the idle section's click on Overview must load a page.
  await samPage.goto(`${base}/#/password`);
  await samPage.getByRole('heading', { name: 'Change password', level: 1 }).waitFor();

  step('clinic settings: back as they were');
  const restored = await page.evaluate(async (body) => {
    const me = await (await fetch('/api/v1/auth/me')).json();
    const r = await fetch('/api/v1/clinic/settings', {
      method: 'PUT', headers: { 'content-type': 'application/json', 'x-csrf-token': me.csrf_token }, body: JSON.stringify(body),
    });
    return r.status;
  }, saved);
  check(restored === 200, `restored (${restored})`);
  await page.goto(`${base}/#/`);
  await page.reload();
  await page.getByRole('heading', { name: 'Overview', level: 1 }).waitFor();
}
