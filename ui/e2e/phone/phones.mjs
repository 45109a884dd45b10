// Phones: Debian's chromium in phone emulation on persistent profiles (closing and launching again is "the phone
// app was closed and opened again"), offline like a phone in airplane mode.
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { CHROMIUM_ARGS, PIXEL, TIME_ZONE, browserBin, currentStepName, network, until, work } from './harness.mjs';

// Playwright's own switch for seeing (and routing) the service worker's fetches; newer versions see them anyway.
process.env.PW_EXPERIMENTAL_SERVICE_WORKER_NETWORK_EVENTS = '1';
const { chromium } = await import('playwright-core');

/**
 * One phone: a persistent chromium profile in phone emulation, with the family app's page. Console errors and
 * page errors are kept; network failures while the phone is offline are expected and kept apart.
 */
export class Phone {
  constructor(name, options = {}) {
    this.name = name;
    this.profile = join(work, `profile-${name}`);
    mkdirSync(this.profile, { recursive: true });
    this.options = options;
    this.offline = false;
    this.errors = [];
    this.offlineErrors = [];
    this.context = null;
    this.page = null;
  }

  async launch({ offline = false } = {}) {
    this.context = await chromium.launchPersistentContext(this.profile, {
      executablePath: browserBin,
      headless: true,
      args: CHROMIUM_ARGS,
      ...PIXEL,
      ...this.options,
      timezoneId: TIME_ZONE,
      locale: 'en-GB',
      serviceWorkers: 'allow',
      offline,
    });
    this.offline = false;
    if (offline) await this.setOffline(true);
    this.context.setDefaultTimeout(15_000);
    this.page = this.context.pages()[0] ?? (await this.context.newPage());
    this.watch(this.page);
    return this.page;
  }

  watch(page) {
    page.on('console', (m) => {
      if (m.type() !== 'error') return;
      const text = m.text();
      // The expected sound of being offline: fetches that cannot reach the clinic.
      if ((this.offline || network.serverDown) && /ERR_INTERNET_DISCONNECTED|ERR_FAILED|Failed to fetch|NetworkError|ERR_CONNECTION_REFUSED/.test(text)) {
        this.offlineErrors.push(text);
      } else {
        this.errors.push(`${currentStepName()}: console: ${text}`);
      }
    });
    page.on('pageerror', (e) => this.errors.push(`${currentStepName()}: uncaught: ${e}`));
  }

  /**
   * Offline as a phone in airplane mode: the context's offline switch and, because that switch may miss the
   * service worker's own fetches, every request that reaches the network aborted too. Requests the worker answers
   * from its cache never reach a route, so whatever still loads came from the worker.
   */
  async setOffline(on) {
    if (on) this.offline = true;
    await this.context.setOffline(on);
    if (on) {
      this.aborted = [];
      await this.context.route('**/*', (route) => {
        this.aborted.push(route.request().url());
        return route.abort('internetdisconnected');
      });
    } else {
      await this.context.unrouteAll({ behavior: 'ignoreErrors' });
      // Failures of requests aborted while offline may still be on their way as console events: one round trip
      // to the page lets them arrive (counted as offline) before errors count again.
      await this.page?.evaluate(() => 0);
      this.offline = false;
    }
  }

  async close() {
    await this.context?.close();
    this.context = null;
    this.page = null;
  }

  async cdp() {
    return this.context.newCDPSession(this.page);
  }
}

/**
 * Mum's phone on today's list, online, with the clinic up: where a part starts when the one before it failed half
 * way (the server stopped, the phone offline or closed).
 */
export async function mumsPage(ctx) {
  const { server, mum } = ctx;
  if (!server.proc) await server.start(server.uiDir);
  if (!mum.page) {
    await mum.launch();
    await mum.page.goto(`${server.base}/family/`);
  }
  if (mum.offline) await mum.setOffline(false);
  await mum.page.getByTestId('activity').first().waitFor();
  return mum.page;
}

/**
 * Pairs the phone whose page has just opened a pairing link: the link may pair at once, or bring the form with the
 * code (and the clinic's address) filled in, where a parent names the phone and themselves and taps Connect.
 * Answers whether the form was shown, and the code it held.
 */
export async function pairFromLink(page, device, caregiver) {
  const form = page.locator('input[name=code], input[name=caregiver]');
  await until('the pairing form or today', async () => (await form.count()) > 0 || (await page.getByTestId('activity').count()) > 0);
  if ((await form.count()) === 0) return { form: false, code: null };
  const codeInput = page.locator('input[name=code]');
  const code = (await codeInput.count()) > 0 && (await codeInput.isVisible()) ? await codeInput.inputValue() : null;
  const urlInput = page.locator('input[name=server_url]');
  const url = (await urlInput.count()) > 0 && (await urlInput.isVisible()) ? await urlInput.inputValue() : null;
  return { form: true, code, url, async connect() {
    for (const [name, value] of [['device_name', device], ['caregiver', caregiver]]) {
      const input = page.locator(`input[name=${name}]`);
      if ((await input.count()) > 0 && (await input.isVisible()) && !(await input.inputValue())) await input.fill(value);
    }
    await page.getByRole('button', { name: /^connect/i }).click();
  } };
}
