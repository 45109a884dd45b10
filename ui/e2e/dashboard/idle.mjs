// The idle timeout: the warning (focused, and staying keeps the session), then the sign-out it warned of.
import { axe, check, shot, step } from '../harness.mjs';

/** In sam's context from the password section; closes it. */
export async function idle(ctx) {
  const { samPage, sam } = ctx;
  step('idle timeout');
  // The timer is shortened for this tab (only shorter is accepted); the next answered request restarts it.
  await samPage.evaluate(() => sessionStorage.setItem('homeplay.idle-limit-ms', '6000'));
  await samPage.getByRole('link', { name: 'Overview' }).click();
  const idleWarning = samPage.getByTestId('idle-warning');
  await idleWarning.waitFor();
  check((await idleWarning.textContent()).includes('signed out in 3 seconds'), `the warning says when: ${await idleWarning.textContent()}`);
  check(await samPage.evaluate(() => document.activeElement?.textContent === 'Stay signed in'), 'the warning takes focus');
  await axe(samPage, 'idle warning');
  await shot(samPage, '16-idle-warning');
  await samPage.keyboard.press('Enter');
  await idleWarning.waitFor({ state: 'detached' });
  check(await samPage.evaluate(async () => (await fetch('/api/v1/auth/me')).status) === 200, 'staying keeps the session');
  await idleWarning.waitFor();
  await samPage.waitForURL(/#\/login$/, { timeout: 15_000 });
  await samPage.getByText('You were signed out after 6 seconds without activity.').waitFor();
  check(await samPage.evaluate(async () => (await fetch('/api/v1/auth/me')).status) === 401, 'the idle sign-out ended the session on the server');
  await sam.close();
}
