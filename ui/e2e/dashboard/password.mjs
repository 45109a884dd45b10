// Changing a password: maya's errors tied to their fields, the change made and undone (the new session's
// CSRF token taken); sam, a therapist, has no audit log, and changing his password ends his other session.
import { axe, check, shot, step } from '../harness.mjs';

/** Fills in the Change password form on page `p` and sends it. */
async function changePassword(p, current, next, again = next) {
  const form = p.locator('main form');
  await form.getByLabel('Current password').fill(current);
  await form.getByLabel('New password', { exact: true }).fill(next);
  await form.getByLabel('New password again').fill(again);
  await form.getByRole('button', { name: 'Change password' }).click();
}

/** Maya's, from any page. */
export async function ownPassword(ctx) {
  const { page } = ctx;
  // Every sign-in and password change counts against the account's limit (5 per window): maya has used 2.
  step('change password');
  await page.getByRole('link', { name: 'Change password' }).click();
  await page.getByRole('heading', { name: 'Change password', level: 1 }).waitFor();
  await axe(page, 'change password');
  await changePassword(page, 'homeplay-demo', 'a-new-password-1', 'a-new-password-2');
  await page.locator('#confirm-error').waitFor();
  await changePassword(page, 'not-my-password', 'a-new-password-1');
  await page.locator('#current-error').waitFor();
  check((await page.getByLabel('Current password').getAttribute('aria-invalid')) === 'true', 'the wrong current password is marked');
  check((await page.getByLabel('Current password').getAttribute('aria-describedby')) === 'current-error', 'its error is tied to the field');
  check((await page.locator('#confirm-error').count()) === 0, 'the old error is gone');
  await axe(page, 'change password with an error');
  await shot(page, '11-change-password-error');
  await changePassword(page, 'homeplay-demo', 'a-new-password-1');
  await page.getByRole('status').filter({ hasText: 'Your password is changed' }).waitFor();
  // A write with the new session's CSRF token: changing it back works only if the client took the new token.
  await changePassword(page, 'a-new-password-1', 'homeplay-demo');
  await page.getByRole('status').filter({ hasText: 'Your password is changed' }).waitFor();
  check(await page.evaluate(async () => (await fetch('/api/v1/auth/me')).status) === 200, 'still signed in after the changes');
  await shot(page, '12-change-password');
}

/** Sam's, in a browser context of his own, left in ctx.sam and ctx.samPage for the idle timeout. */
export async function therapistPassword(ctx) {
  const { browser, base } = ctx;
  step("sam's password (a therapist, not an admin)");
  const sam = await browser.newContext({ bypassCSP: true });
  const samPage = await sam.newPage();
  await samPage.goto(`${base}/#/login`);
  await samPage.getByLabel('Email').fill('sam@demo.homeplay');
  await samPage.getByLabel('Password').fill('homeplay-demo');
  await samPage.getByRole('button', { name: 'Sign in' }).click();
  await samPage.getByRole('heading', { name: 'Overview', level: 1 }).waitFor();
  check((await samPage.getByRole('link', { name: 'Audit log' }).count()) === 0, 'no audit link for a therapist');
  await samPage.goto(`${base}/#/audit`);
  await samPage.getByText('Only a clinic administrator can see the audit log').waitFor();
  const samElsewhere = await browser.newContext();
  const otherLogin = await samElsewhere.request.post(`${base}/api/v1/auth/login`, { data: { email: 'sam@demo.homeplay', password: 'homeplay-demo' } });
  check(otherLogin.ok(), `a second session of sam's signs in (${otherLogin.status()})`);
  await samPage.getByRole('link', { name: 'Change password' }).click();
  await samPage.getByRole('heading', { name: 'Change password', level: 1 }).waitFor();
  await changePassword(samPage, 'homeplay-demo', 'short');
  await samPage.locator('#new-error').waitFor();
  check((await samPage.locator('#new-error').textContent()).includes('10'), 'the too-short error shows by the new password');
  check((await samPage.getByLabel('New password', { exact: true }).getAttribute('aria-describedby')).includes('new-error'), 'tied to the field');
  await changePassword(samPage, 'homeplay-demo', 'sams-new-password');
  await samPage.getByRole('status').filter({ hasText: 'Your password is changed' }).waitFor();
  check((await samElsewhere.request.get(`${base}/api/v1/auth/me`)).status() === 401, 'the other session was ended');
  check(await samPage.evaluate(async () => (await fetch('/api/v1/auth/me')).status) === 200, 'this session goes on');
  await samElsewhere.close();
  Object.assign(ctx, { sam, samPage });
}
