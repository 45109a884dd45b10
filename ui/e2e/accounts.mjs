// End to end, accounts: two-factor sign-in (set up, sign in with a code, with a recovery code), a forced
// second factor, an admin disabling and re-enabling a signed-in therapist, an invitation whose first-sign-in link
// (shown to copy: the e2e server sends no email) sets the new therapist's password, and the clinic's two-factor
// policy. Same harness as dashboard.mjs: the real server with a fresh demo clinic, chromium, axe on every new
// screen, screenshots into artifacts/dashboard/.
//
//   npm run build && node e2e/accounts.mjs
import { createHmac } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { axe, check, launchBrowser, runSuite, shot, startServer, step } from './harness.mjs';

const PASSWORD = 'homeplay-demo';
const MAYA = 'maya@demo.homeplay';
const SAM = 'sam@demo.homeplay';

/** RFC 4648 base32 (spaces and padding ignored) to bytes. */
function base32(text) {
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';
  const clean = text.replace(/[\s=]/g, '').toUpperCase();
  let bits = 0;
  let value = 0;
  const out = [];
  for (const ch of clean) {
    const v = alphabet.indexOf(ch);
    if (v < 0) throw new Error(`not base32: ${ch}`);
    value = (value << 5) | v;
    bits += 5;
    if (bits >= 8) {
      out.push((value >>> (bits - 8)) & 0xff);
      bits -= 8;
    }
  }
  return Buffer.from(out);
}

/** RFC 6238 TOTP: HMAC-SHA1, 30-second steps, `digits` digits, at `seconds` since the epoch. */
function totp(secret, seconds = Date.now() / 1000, digits = 6) {
  const counter = Buffer.alloc(8);
  counter.writeBigUInt64BE(BigInt(Math.floor(seconds / 30)));
  const mac = createHmac('sha1', base32(secret)).update(counter).digest();
  const offset = mac[mac.length - 1] & 0x0f;
  const n = (mac.readUInt32BE(offset) & 0x7fffffff) % 10 ** digits;
  return String(n).padStart(digits, '0');
}

// RFC 6238 appendix B (SHA-1, secret "12345678901234567890"): the function is right before the server is asked.
if (totp('GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ', 59, 8) !== '94287082' || totp('GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ', 1111111109, 8) !== '07081804') {
  throw new Error('totp() does not match RFC 6238');
}

async function signIn(page, email, password) {
  await page.getByLabel('Email').fill(email);
  await page.getByLabel('Password').fill(password);
  await page.getByRole('button', { name: 'Sign in' }).click();
}

async function signOut(page) {
  await page.getByRole('button', { name: 'Sign out' }).click();
  await page.waitForURL(/#\/login$/);
  await page.getByRole('heading', { name: 'Sign in to the clinic dashboard' }).waitFor();
}

const overview = (page) => page.getByRole('heading', { name: 'Overview', level: 1 }).waitFor();
const activeName = (page) => page.evaluate(() => document.activeElement?.getAttribute('name'));

/** Accepts the next confirmation, after checking what it says. */
function acceptNext(page, expected) {
  return new Promise((done, fail) => {
    page.once('dialog', async (d) => {
      try {
        for (const text of expected) check(d.message().includes(text), `the confirmation says "${text}": ${d.message()}`);
        await d.accept();
        done();
      } catch (e) {
        await d.dismiss().catch(() => {});
        fail(e);
      }
    });
  });
}

/** A team row's cells, by email. */
const teamRow = (page, email) => page.locator(`[data-testid="team-row"][data-email="${email}"]`);

/** Sets up two-factor sign-in on an open Security page; answers the secret, the step the confirming code used, and the recovery codes. */
async function setUpTwoFactor(page, { screenshots = false } = {}) {
  await page.getByRole('button', { name: 'Set up two-factor sign-in' }).click();
  const qr = page.getByRole('img', { name: 'QR code for your authenticator app' });
  await qr.waitFor();
  check((await qr.getAttribute('src')).startsWith('data:image/svg+xml;base64,'), 'the QR code is an SVG picture');
  check(await qr.evaluate((img) => img.complete && img.naturalWidth > 0), 'the QR code loads');
  check((await page.locator('.security svg, .security script').count()) === 0, 'the SVG is never put into the page as markup');
  const secretText = (await page.getByTestId('totp-secret').textContent()).trim();
  check(/^([A-Z2-7]{4} )*[A-Z2-7]{1,4}$/.test(secretText), `the secret is grouped in fours: ${secretText}`);
  const secret = secretText.replace(/\s/g, '');
  if (screenshots) {
    await axe(page, 'security: set up');
    await shot(page, 'security-setup');
  }
  const codeField = page.getByLabel('Code from the app');
  check((await codeField.getAttribute('autocomplete')) === 'one-time-code', 'the code field is a one-time code');
  if (screenshots) {
    // A wrong code is answered by the field (a 422), and nothing is turned on.
    let wrong = '000000';
    if (wrong === totp(secret) || wrong === totp(secret, Date.now() / 1000 - 30) || wrong === totp(secret, Date.now() / 1000 + 30)) wrong = '000001';
    await codeField.fill(wrong);
    await page.getByRole('button', { name: 'Turn on two-factor sign-in' }).click();
    await page.locator('#code-error').waitFor();
    check((await codeField.getAttribute('aria-invalid')) === 'true', 'the wrong code is marked');
  }
  const now = Date.now() / 1000;
  await codeField.fill(totp(secret, now));
  await page.getByRole('button', { name: 'Turn on two-factor sign-in' }).click();
  const list = page.getByTestId('recovery-codes');
  await list.waitFor();
  const codes = (await list.locator('li').allTextContents()).map((c) => c.trim());
  check(codes.length === 10 && new Set(codes).size === 10, `ten different recovery codes: ${codes}`);
  return { secret, step: Math.floor(now / 30), codes };
}

async function run() {
  step('server');
  const base = await startServer();
  console.log(`e2e: server on ${base}`);
  const browser = await launchBrowser();
  const consoleErrors = [];
  const newPage = async (context) => {
    const p = await context.newPage();
    p.on('console', (m) => { if (m.type() === 'error') consoleErrors.push(m.text()); });
    p.on('pageerror', (e) => consoleErrors.push(String(e)));
    p.setDefaultTimeout(10_000);
    return p;
  };
  // bypassCSP lets axe-core be injected; the dashboard itself runs under the server's CSP otherwise.
  const mayaContext = await browser.newContext({ viewport: { width: 1280, height: 800 }, bypassCSP: true, acceptDownloads: true });
  await mayaContext.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: base });
  const page = await newPage(mayaContext);

  step('maya signs in');
  await page.goto(`${base}/#/login`);
  await signIn(page, MAYA, PASSWORD);
  await overview(page);

  step('policy: an admin without a second factor cannot require one of admins');
  await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Team' }).click();
  await page.getByRole('heading', { name: 'Team', level: 1 }).waitFor();
  await teamRow(page, SAM).waitFor();
  check((await page.getByRole('radio', { name: 'Nobody' }).isChecked()), 'the demo clinic requires two-factor of nobody');
  await page.getByRole('radio', { name: 'Admins' }).check();
  await page.getByRole('button', { name: 'Save policy' }).click();
  const policyError = page.locator('#policy-error');
  await policyError.waitFor();
  check((await policyError.textContent()).includes('two-factor sign-in for your own account first'), `the server's 422 is shown by the field: ${await policyError.textContent()}`);
  check((await page.getByRole('group', { name: 'Two-factor sign-in is required for' }).getAttribute('aria-describedby')).includes('policy-error'), 'the error is tied to the radio group');
  await page.getByRole('radio', { name: 'Nobody' }).check();

  step('security: set up two-factor sign-in');
  await page.getByRole('link', { name: 'Security' }).click();
  await page.getByRole('heading', { name: 'Security', level: 1 }).waitFor();
  await page.getByRole('heading', { name: 'Two-factor sign-in is off' }).waitFor();
  await axe(page, 'security');
  const maya = await setUpTwoFactor(page, { screenshots: true });
  await axe(page, 'security: recovery codes');
  await shot(page, 'recovery-codes');
  const [download] = await Promise.all([page.waitForEvent('download'), page.getByRole('button', { name: 'Download as a text file' }).click()]);
  const saved = readFileSync(await download.path(), 'utf8');
  check(maya.codes.every((c) => saved.includes(c)), 'the downloaded file holds every code');
  check(download.suggestedFilename().endsWith('.txt'), `a text file: ${download.suggestedFilename()}`);
  const continueButton = page.getByRole('button', { name: 'Continue' });
  check(await continueButton.isDisabled(), 'no going on before the codes are saved');
  await page.getByLabel('I have saved these codes').check();
  await continueButton.click();
  await page.getByRole('heading', { name: 'Two-factor sign-in is on', exact: true }).waitFor();
  check((await page.locator('main').textContent()).includes('admin'), 'it says an admin can reset it');

  step('a second step that ran out of time');
  await signOut(page);
  await signIn(page, MAYA, PASSWORD);
  await page.getByLabel('Enter the 6-digit code from your authenticator app').waitFor();
  // The server's challenge lasts minutes: its answer to a late code is played here.
  await page.route('**/api/v1/auth/login/second-factor', (route) => route.fulfill({ status: 401, json: { error: 'unauthorized', message: 'this sign-in has expired; sign in again' } }), { times: 1 });
  await page.getByLabel('Enter the 6-digit code from your authenticator app').fill('123456');
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.getByRole('alert').filter({ hasText: 'That sign-in took too long' }).waitFor();
  check((await activeName(page)) === 'password', 'back to the first step, at the password');
  check((await page.getByLabel('Password').inputValue()) === '', 'the password was not kept');
  check((await page.getByLabel('Email').inputValue()) === MAYA, 'the email was');

  step('sign in with password and a code');
  await page.getByLabel('Password').fill(PASSWORD);
  await page.getByRole('button', { name: 'Sign in' }).click();
  const codeField = page.getByLabel('Enter the 6-digit code from your authenticator app');
  await codeField.waitFor();
  check((await activeName(page)) === 'code', 'the code field takes focus');
  check((await codeField.getAttribute('autocomplete')) === 'one-time-code' && (await codeField.getAttribute('inputmode')) === 'numeric', 'a one-time numeric code');
  check((await page.getByLabel('Password').count()) === 0, 'the password field is gone');
  await axe(page, 'login: second factor');
  await shot(page, 'login-second-factor');
  // The confirming code's step is spent: the next step's code (within the server's one step of drift) signs in.
  const next = totp(maya.secret, Math.floor(Date.now() / 1000) + 30);
  const spent = totp(maya.secret, maya.step * 30);
  if (spent !== next) {
    await codeField.fill(spent);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.locator('#code-error').waitFor();
    check((await page.locator('#code-error').textContent()).includes('not right'), 'a used code is refused in plain words');
    check((await activeName(page)) === 'code', 'focus back on the code field');
  }
  await codeField.fill(next);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await overview(page);

  step('sign in with password and a recovery code');
  await signOut(page);
  await signIn(page, MAYA, PASSWORD);
  await page.getByRole('button', { name: 'Use a recovery code instead' }).click();
  const recoveryField = page.getByLabel('Enter one of your recovery codes');
  await recoveryField.waitFor();
  check((await activeName(page)) === 'recovery_code', 'the recovery code field takes focus');
  await recoveryField.fill(maya.codes[0].toLowerCase());
  await page.getByRole('button', { name: 'Sign in' }).click();
  await overview(page);

  step('sam is signed in elsewhere');
  const samContext = await browser.newContext({ viewport: { width: 1280, height: 800 }, bypassCSP: true });
  const samPage = await newPage(samContext);
  await samPage.goto(`${base}/#/login`);
  await signIn(samPage, SAM, PASSWORD);
  await overview(samPage);
  // The overview has loaded (its request answered) before Sam's account changes under it.
  await samPage.getByTestId('overview-row').nth(2).waitFor();
  check((await samPage.getByRole('link', { name: 'Team' }).count()) === 0, 'no Team link for a therapist');

  step('maya disables sam');
  await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Team' }).click();
  await page.getByRole('heading', { name: 'Team', level: 1 }).waitFor();
  const samRow = teamRow(page, SAM);
  await samRow.waitFor();
  check((await samRow.getByTestId('status').textContent()) === 'Active', 'Sam is active');
  const mayaRow = teamRow(page, MAYA);
  check(await mayaRow.getByRole('button', { name: 'Disable Maya' }).isDisabled(), "an admin's own Disable is off");
  check((await mayaRow.getByTestId('two-factor').textContent()) === 'On', "Maya's two-factor shows on");
  const confirmed = acceptNext(page, ["Sam's sessions end at once", 'their programs and history stay']);
  await samRow.getByRole('button', { name: 'Disable Sam' }).click();
  await confirmed;
  await page.getByRole('status').filter({ hasText: "Sam's account is disabled." }).waitFor();
  await samRow.getByRole('button', { name: 'Re-enable Sam' }).waitFor();
  check((await samRow.getByTestId('status').textContent()) === 'Disabled', 'Sam shows as disabled');
  await axe(page, 'team');
  await shot(page, 'team');

  step("sam's open page fails");
  await samPage.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Library' }).click();
  await samPage.waitForURL(/#\/login$/);
  await samPage.getByText('Your session ended; please sign in again.').waitFor();
  await signIn(samPage, SAM, PASSWORD);
  const refused = samPage.getByRole('alert');
  await refused.waitFor();
  check((await refused.textContent()).includes('disabled'), `the disabled account is told so: ${await refused.textContent()}`);

  step('maya re-enables sam');
  const reenabled = acceptNext(page, ['Sam can sign in again']);
  await samRow.getByRole('button', { name: 'Re-enable Sam' }).click();
  await reenabled;
  await page.getByRole('status').filter({ hasText: "Sam's account is enabled again." }).waitFor();
  check((await samRow.getByTestId('status').textContent()) === 'Active', 'Sam is active again');
  await signIn(samPage, SAM, PASSWORD);
  await overview(samPage);
  await signOut(samPage);

  step('invite a therapist');
  const invite = page.getByRole('region', { name: 'Invite a therapist' });
  await invite.getByLabel('Email').fill(SAM);
  await invite.getByLabel('Name').fill('Sam again');
  await invite.getByRole('button', { name: 'Invite' }).click();
  const emailError = page.locator('#invite-email-error');
  await emailError.waitFor();
  check((await invite.getByLabel('Email').getAttribute('aria-invalid')) === 'true', `a taken email is refused by the field: ${await emailError.textContent()}`);
  await invite.getByLabel('Email').fill('alex@demo.homeplay');
  await invite.getByLabel('Name').fill('Alex');
  await invite.getByLabel('Discipline').selectOption('pt');
  await invite.getByLabel('Role').selectOption('therapist');
  await invite.getByRole('button', { name: 'Invite' }).click();
  // Without email on this server, the admin gets the first-sign-in link to give (the token in the #fragment).
  const invitationLink = (await page.getByTestId('invitation-link').textContent()).trim();
  check(invitationLink.startsWith(`${base}/#/welcome?token=`), `a first-sign-in link is shown: ${invitationLink}`);
  check(/Give Alex this link/.test(await page.getByTestId('invited-summary').textContent()), 'the admin is told to give the link');
  await page.getByTestId('invited').getByRole('button', { name: 'Copy link' }).click();
  await page.getByTestId('invited').getByRole('status').filter({ hasText: 'Copied.' }).waitFor();
  check((await page.evaluate(() => navigator.clipboard.readText())) === invitationLink, 'Copy link puts the link on the clipboard');
  check((await page.locator('#invite-email-error').count()) === 0, 'the old error is gone');
  await axe(page, 'team: invitation link');
  await shot(page, 'team-invited');
  const alexRow = teamRow(page, 'alex@demo.homeplay');
  await alexRow.waitFor();
  check((await alexRow.getByTestId('status').textContent()) === 'Waiting for first sign-in', 'Alex waits for a first sign-in');
  check((await alexRow.textContent()).includes('PT'), 'Alex is a PT');
  await alexRow.getByRole('button', { name: 'Invite again: Alex' }).waitFor();

  step('alex chooses a password through the link');
  const alexContext = await browser.newContext({ viewport: { width: 1280, height: 800 }, bypassCSP: true });
  const alexPage = await newPage(alexContext);
  await alexPage.goto(invitationLink);
  await alexPage.getByRole('heading', { name: 'Choose your password', level: 1 }).waitFor();
  check((await alexPage.getByRole('navigation', { name: 'Main' }).count()) === 0, 'no main navigation');
  await axe(alexPage, 'welcome');
  await shot(alexPage, 'welcome');
  await alexPage.getByLabel('New password', { exact: true }).fill('short');
  await alexPage.getByLabel('New password again').fill('short');
  await alexPage.getByRole('button', { name: 'Set my password' }).click();
  await alexPage.locator('#new-error').waitFor();
  await alexPage.getByLabel('New password', { exact: true }).fill('alex-own-password');
  await alexPage.getByLabel('New password again').fill('alex-own-password');
  await alexPage.getByRole('button', { name: 'Set my password' }).click();
  await alexPage.getByRole('heading', { name: 'Sign in to the clinic dashboard' }).waitFor();
  await alexPage.getByText('Your password is set. Sign in as alex@demo.homeplay with it.').waitFor();
  check((await alexPage.getByLabel('Email').inputValue()) === 'alex@demo.homeplay', 'the sign-in form has the address');
  await alexPage.getByLabel('Password').fill('alex-own-password');
  await alexPage.getByRole('button', { name: 'Sign in' }).click();
  await overview(alexPage);
  await alexPage.getByText('No child matches these filters.').waitFor();
  check((await alexPage.getByRole('navigation', { name: 'Main' }).count()) === 1, 'the dashboard opens');
  await page.reload();
  await teamRow(page, 'alex@demo.homeplay').getByTestId('status').filter({ hasText: 'Active' }).waitFor();

  step('a clinic that requires two-factor of everyone');
  await page.getByRole('radio', { name: 'Everyone' }).check();
  await page.getByRole('button', { name: 'Save policy' }).click();
  await page.getByRole('status').filter({ hasText: 'required for everyone' }).waitFor();
  // Alex, signed in already, gets a 403 on his next request: the dashboard takes him to set up a second factor.
  await alexPage.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Library' }).click();
  await alexPage.getByRole('heading', { name: 'Set up two-factor sign-in', level: 1 }).waitFor();
  await alexPage.waitForURL(/#\/security$/);
  check((await alexPage.getByRole('navigation', { name: 'Main' }).count()) === 0, 'the rest of the dashboard closes');
  await alexContext.close();
  await signIn(samPage, SAM, PASSWORD);
  await samPage.getByRole('heading', { name: 'Set up two-factor sign-in', level: 1 }).waitFor();
  await samPage.waitForURL(/#\/security$/);
  check((await samPage.getByRole('navigation', { name: 'Main' }).count()) === 0, 'no main navigation until it is set up');
  await axe(samPage, 'forced second factor');
  await setUpTwoFactor(samPage);
  await samPage.getByLabel('I have saved these codes').check();
  await samPage.getByRole('button', { name: 'Continue' }).click();
  await overview(samPage);
  check((await samPage.getByRole('navigation', { name: 'Main' }).count()) === 1, 'the dashboard opens');
  await samContext.close();

  step("maya resets sam's two-factor");
  await page.reload();
  const samAgain = teamRow(page, SAM);
  await samAgain.getByTestId('two-factor').filter({ hasText: 'On' }).waitFor();
  const reset = acceptNext(page, ["Reset Sam's two-factor sign-in?"]);
  await samAgain.getByRole('button', { name: 'Reset two-factor for Sam' }).click();
  await reset;
  await page.getByRole('status').filter({ hasText: "Sam's two-factor sign-in is reset." }).waitFor();
  check((await samAgain.getByTestId('two-factor').textContent()) === 'Off', "Sam's two-factor shows off");
  await page.getByRole('radio', { name: 'Nobody' }).check();
  await page.getByRole('button', { name: 'Save policy' }).click();
  await page.getByRole('status').filter({ hasText: 'required for nobody' }).waitFor();
  await signOut(page);

  // Expected answers: 401 (signed out, wrong codes), 403 (the disabled account), 409 (a taken email), 422 (wrong codes, the policy).
  const unexpected = consoleErrors.filter((e) => !/status of (401|403|409|422)/.test(e));
  check(unexpected.length === 0, `console errors: ${unexpected.join(' | ')}`);
}

await runSuite('accounts', run);
