// End to end: the real server binary with a fresh demo clinic, the built dashboard, Debian's chromium
// driven by playwright-core, and axe-core on every page. Screenshots (and the printed report) go to
// artifacts/dashboard/ at the repository's root.
//
//   npm run build && npm run e2e
//   HOMEPLAY_SERVER_BIN=…  (default: ../target/debug/homeplay-server)   CHROMIUM=…  (default: /usr/bin/chromium)
//
// This file starts everything, signs maya (an admin) in and out, and runs each page's section from
// e2e/dashboard/ in turn; the sections build on each other (the builder assigns the exercises the library
// made, the report shows the note a paired device logged), so their order is part of the test.
import { axe, check, dist, launchBrowser, runSuite, shot, startServer, step } from './harness.mjs';
import { assignMany } from './dashboard/assign-many.mjs';
import { audit } from './dashboard/audit.mjs';
import { builder } from './dashboard/builder.mjs';
import { clinicExport } from './dashboard/clinic-export.mjs';
import { enrol } from './dashboard/enrol.mjs';
import { assignments, childPage } from './dashboard/child.mjs';
import { exportFiles } from './dashboard/exports.mjs';
import { goals } from './dashboard/goals.mjs';
import { idle } from './dashboard/idle.mjs';
import { library } from './dashboard/library.mjs';
import { messages } from './dashboard/messages.mjs';
import { monday } from './dashboard/monday.mjs';
import { myChildren, overview } from './dashboard/overview.mjs';
import { pairing } from './dashboard/pairing.mjs';
import { pain } from './dashboard/pain.mjs';
import { ownPassword, therapistPassword } from './dashboard/password.mjs';
import { report } from './dashboard/report.mjs';
import { routines } from './dashboard/routines.mjs';
import { tablet } from './dashboard/tablet.mjs';
import { careTeam } from './dashboard/team-care.mjs';
import { clinicSettings } from './dashboard/clinic-settings.mjs';
import { lifecycle } from './dashboard/lifecycle.mjs';
import { spanish } from './dashboard/spanish.mjs';

const sections = [
  overview, childPage, pairing, pain, messages, exportFiles, clinicExport, report, library, builder, assignments, goals, careTeam,
  myChildren, routines, tablet, ownPassword, audit, therapistPassword, enrol, assignMany, lifecycle, monday,
  clinicSettings, spanish, idle,
];

async function run() {
  step('server');
  const base = await startServer();
  console.log(`e2e: server on ${base}, dashboard from ${dist}`);
  const browser = await launchBrowser();
  // bypassCSP lets axe-core be injected; the dashboard itself runs under the server's CSP otherwise.
  const context = await browser.newContext({ viewport: { width: 1280, height: 800 }, bypassCSP: true, acceptDownloads: true });
  const page = await context.newPage();
  const consoleErrors = [];
  page.on('console', (m) => { if (m.type() === 'error') consoleErrors.push(m.text()); });
  page.on('pageerror', (e) => consoleErrors.push(String(e)));
  page.setDefaultTimeout(10_000);

  step('login page');
  await page.goto(base);
  await page.waitForURL(/#\/login$/);
  await page.getByRole('heading', { name: 'Sign in to the clinic dashboard' }).waitFor();
  await axe(page, 'login');
  await shot(page, '01-login');
  await page.getByLabel('Email').fill('maya@demo.homeplay');
  await page.getByLabel('Password').fill('wrong-password');
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.getByRole('alert').waitFor();
  await page.getByLabel('Password').fill('homeplay-demo');
  await page.getByRole('button', { name: 'Sign in' }).click();

  // What the sections share: maya's page, the browser (for other sessions), the server's URL; sections add
  // what later ones need (ctx.leoId, ctx.markupNote, ctx.team, ctx.sam and ctx.samPage).
  const ctx = { browser, page, base };
  for (const section of sections) await section(ctx);

  step('sign out');
  await page.getByRole('button', { name: 'Sign out' }).click();
  await page.waitForURL(/#\/login$/);
  const me = await page.evaluate(async () => (await fetch('/api/v1/auth/me')).status);
  check(me === 401, `signed out on the server too (${me})`);

  // 401s (signed out) and 422s (the wrong current password, shown by its field) are expected answers, and so
  // are the page failures and refusals (409: the same practice twice, a taken record number) a section
  // provoked on purpose (ctx.pageFailures, ctx.expectedConflicts), but no other.
  const failures = consoleErrors.filter((e) => e.startsWith('page failed'));
  check(failures.length === (ctx.pageFailures ?? 0), `pages failed while drawing: ${failures.join(' | ')}`);
  const conflicts = consoleErrors.filter((e) => e.includes('status of 409'));
  check(conflicts.length === (ctx.expectedConflicts ?? 0), `409 answers: ${conflicts.length}`);
  const unexpected = consoleErrors.filter(
    (e) => !e.includes('401') && !e.includes('status of 422') && !e.includes('status of 409') && !e.startsWith('page failed'),
  );
  check(unexpected.length === 0, `console errors: ${unexpected.join(' | ')}`);
}

await runSuite('dashboard', run);
