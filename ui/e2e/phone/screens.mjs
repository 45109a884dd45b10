// What is on a phone's screen: screenshots (artifacts/phone-*.png), axe-core, the family screens' own handles (the
// same data-testids the desktop app's E2E uses), kid mode's gate, and the phone-size measure.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { artifacts, axeFindings, check, failures, measures, soft, ui, until } from './harness.mjs';

const axeSource = readFileSync(join(ui, 'node_modules/axe-core/axe.min.js'), 'utf8');

/** Two animation frames, so a screenshot shows the DOM as it is now. */
export async function settle(page) {
  await page.evaluate(() => new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r))));
}

export async function shot(page, name) {
  await settle(page);
  await page.screenshot({ path: join(artifacts, `phone-${name}.png`), fullPage: true });
}

/**
 * axe-core on the page as it is. Injected through the DevTools protocol (not a script tag), so the app's
 * strict CSP stays on and any violation of it is a console error that fails the suite.
 */
export async function axe(page, name) {
  if (!(await page.evaluate(() => 'axe' in window))) await page.evaluate(axeSource);
  const violations = await page.evaluate(async () => {
    const result = await window.axe.run(document, { resultTypes: ['violations'] });
    return result.violations.map((v) => ({ id: v.id, impact: v.impact, help: v.help, nodes: v.nodes.slice(0, 3).map((n) => n.target.join(' ')) }));
  });
  for (const v of violations) {
    const line = `${name}: [${v.impact}] ${v.id}: ${v.help} (${v.nodes.join(', ')})`;
    axeFindings.push(line);
    if (v.impact === 'serious' || v.impact === 'critical') failures.push(`axe ${line}`);
  }
}

/** A screen a parent sees: axe-checked and photographed. */
export async function screen(page, name) {
  await axe(page, name);
  await shot(page, name);
}

// The family screens' own handles (ui/family/*.svelte), the same as the desktop app's E2E uses.
export const BEAR = 'Walk like a bear!';
export const CRAB = 'Scuttle like a crab!';

export const cards = (page) => page.getByTestId('activity');
/** Every card whose text includes `title`. */
export const cardsOf = (page, title) => cards(page).filter({ hasText: title });
/** The `nth` card (0-based) whose text includes `title`. */
export const card = (page, title, nth = 0) => cardsOf(page, title).nth(nth);
export const logged = (page) => page.locator('[data-testid=activity] [data-testid=logged]');
export const syncLine = (page) => page.getByTestId('sync-line');

/** Today's list with `n` cards and every picture loaded. */
export async function waitForToday(page, n) {
  await until(`today's ${n} activities`, async () => (await cards(page).count()) === n);
  await until('the pictures', () =>
    page.evaluate((n) => {
      const imgs = [...document.querySelectorAll('img.picture')];
      return imgs.length === n && imgs.every((i) => i.complete && i.naturalWidth > 0);
    }, n),
  );
}

export async function cardButton(page, title, nth, words) {
  await card(page, title, nth).getByRole('button', { name: words, exact: true }).click();
}

export async function loggedCount(page) {
  return logged(page).count();
}

export async function waitLogged(page, n, what) {
  await until(`${what} (${n} logged)`, async () => (await loggedCount(page)) === n);
}

/** Opens a screen from the app's navigation and waits until it is the current one. */
export async function nav(page, screenName) {
  await page.evaluate(() => window.scrollTo(0, 0));
  await page.getByTestId(`nav-${screenName}`).click();
  await until(`the ${screenName} screen`, async () => (await page.getByTestId(`nav-${screenName}`).getAttribute('aria-current')) === 'page');
}

/** A finger on "Grown-ups" (a real touch through the DevTools protocol), kept down until the grown-ups' question
 *  shows, then lifted. */
export async function holdGate(page) {
  const box = await page.getByTestId('parent-gate').boundingBox();
  check(box, 'the grown-ups button is on screen');
  const cdp = await page.context().newCDPSession(page);
  const point = [{ x: box.x + box.width / 2, y: box.y + box.height / 2 }];
  await cdp.send('Input.dispatchTouchEvent', { type: 'touchStart', touchPoints: point });
  try {
    await page.getByTestId('gate-question').waitFor({ timeout: 10_000 });
  } finally {
    await cdp.send('Input.dispatchTouchEvent', { type: 'touchEnd', touchPoints: [] });
    await cdp.detach();
  }
}

/** Kid mode's way out for a grown-up: holding "Grown-ups" opens a sum (unless it is open already), answered on its
 *  number pad. */
export async function answerGate(page) {
  if (!(await page.getByTestId('gate-question').isVisible())) await holdGate(page);
  const q = page.getByTestId('gate-question');
  const m = /(\d+)\s*\+\s*(\d+)/.exec(await q.textContent());
  check(m, `the gate asks a sum (${await q.textContent()})`);
  for (const digit of String(Number(m[1]) + Number(m[2]))) {
    await page.getByTestId('gate-panel').getByRole('button', { name: digit, exact: true }).click();
  }
  await page.getByTestId('gate-ok').click();
}

/** Taps kid mode's big counter until the celebration shows. */
export async function tapToCelebration(page) {
  for (let i = 0; i < 30; i++) {
    if (await page.getByTestId('celebration').isVisible()) return;
    await page.getByTestId('kid-counter').click();
  }
  await page.getByTestId('celebration').waitFor();
}

/**
 * One screen measured (ui/family's phone rule, as src-tauri/tests/e2e/phone.rs measures the desktop app): the page
 * no wider than the viewport, nothing scrolling sideways, every target at least `min` px and on screen.
 */
export const MEASURE = (min) => {
  const vw = window.innerWidth;
  const shown = (el) => {
    const r = el.getBoundingClientRect();
    const st = getComputedStyle(el);
    return r.width > 0 && r.height > 0 && st.visibility !== 'hidden' && !el.closest('.visually-hidden');
  };
  const name = (el) => {
    const words = (el.getAttribute('data-testid') || el.getAttribute('aria-label') || el.textContent || '').trim().replace(/\s+/g, ' ');
    return `${el.tagName.toLowerCase()} "${words.slice(0, 32) || el.name || el.id}"`;
  };
  const targets = [...document.querySelectorAll('button, a[href], input, select, textarea, [role=button], label')].filter((el) => {
    if (el.tagName === 'LABEL') return !!el.querySelector('input[type=radio], input[type=checkbox]') && shown(el);
    if (el.matches('input[type=hidden]')) return false;
    if (el.matches('input[type=radio], input[type=checkbox]') && el.closest('label')) return false;
    return shown(el);
  });
  const small = [];
  const off = [];
  for (const el of targets) {
    const r = el.getBoundingClientRect();
    if (r.width < min - 0.5 || r.height < min - 0.5) small.push(`${name(el)} ${Math.round(r.width)}x${Math.round(r.height)}`);
    if (!el.closest('nav') && (r.left < -0.5 || r.right > vw + 0.5)) off.push(`${name(el)} at ${Math.round(r.left)}..${Math.round(r.right)}`);
  }
  const sideways = [...document.querySelectorAll('body *')].filter((el) => {
    if (el.closest('nav')) return false;
    const st = getComputedStyle(el);
    return ['auto', 'scroll'].includes(st.overflowX) && el.scrollWidth > el.clientWidth + 1;
  }).map((el) => `${el.tagName.toLowerCase()}.${[...el.classList].join('.')} ${el.scrollWidth} > ${el.clientWidth}`);
  const wide = [...document.querySelectorAll('body *')].filter((el) => !el.closest('nav') && el.getBoundingClientRect().right > vw + 0.5)
    .slice(-4).map((el) => `${el.tagName.toLowerCase()}.${[...el.classList].join('.')} to ${Math.round(el.getBoundingClientRect().right)}`);
  return { vw, page: document.documentElement.scrollWidth, targets: targets.length, small, off, sideways, wide };
};

/** Measures the screen, fails softly on each problem, and axe-checks and photographs it. */
export async function measured(page, name, min) {
  await settle(page);
  const m = await page.evaluate(MEASURE, min);
  measures.push(`${name}: page ${m.page}/${m.vw} px wide, ${m.targets} targets, ${m.small.length} under ${min} px`);
  soft(m.page <= m.vw, `${name}: the page is ${m.page} px wide in a ${m.vw} px window (sideways scroll): ${m.wide.join(', ')}`);
  for (const s of m.small) soft(false, `${name}: a target under ${min} px: ${s}`);
  for (const o of m.off) soft(false, `${name}: a target not fully on screen: ${o}`);
  for (const s of m.sideways) soft(false, `${name}: scrolls sideways: ${s}`);
  await screen(page, name);
  return m;
}
