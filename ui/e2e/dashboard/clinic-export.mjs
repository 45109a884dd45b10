// The whole clinic's export (admins): maya cancels one export while its reads are held, then exports the clinic;
// the ZIP she downloads is unpacked here with the same library the dashboard packs it with, and every child of
// the seeded clinic has its folder with a FHIR Bundle (with the child's Patient) and both CSVs. Both exports
// are in the audit log with their counts. Sam (not an admin) is not offered it.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { strFromU8, unzipSync } from 'fflate';
import { artifacts, axe, check, shot, step } from '../harness.mjs';

/** From Leo's page and back to it. */
export async function clinicExport(ctx) {
  const { page, base, browser, leoId } = ctx;
  step('clinic export: the action, on the clinic settings page');
  await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Clinic settings' }).click();
  await page.getByRole('heading', { name: 'Export the whole clinic', level: 2 }).waitFor();
  const children = await page.evaluate(async () => (await fetch('/api/v1/children')).json());
  check(children.length >= 3, `the seeded clinic's children are listed (${children.length})`);

  step('clinic export: cancelled while the children are read');
  // The reads are held until the export is cancelled, so the cancel lands mid-export whatever the machine's speed.
  const held = [];
  let allHeld;
  const heldAll = new Promise((resolve) => { allHeld = resolve; });
  await page.route('**/api/v1/children/*/adherence', (route) => {
    held.push(route);
    if (held.length === Math.min(children.length, 3)) allHeld();
  });
  await page.getByRole('button', { name: 'Export the whole clinic' }).click();
  await page.getByTestId('clinic-export-progress').filter({ hasText: `0 of ${children.length} children` }).waitFor();
  await page.waitForFunction(() => document.querySelector('progress') !== null);
  await axe(page, 'clinic export, running');
  await shot(page, '31-clinic-export-running');
  await heldAll;
  await page.getByRole('button', { name: 'Cancel export' }).click();
  for (const route of held) await route.continue();
  await page.unroute('**/api/v1/children/*/adherence');
  await page.getByTestId('clinic-export-status').filter({ hasText: 'The export was cancelled' }).waitFor();

  step('clinic export: the archive');
  const [download] = await Promise.all([page.waitForEvent('download'), page.getByRole('button', { name: 'Export the whole clinic' }).click()]);
  check(/^riverside-pediatric-therapy-export-\d{4}-\d{2}-\d{2}\.zip$/.test(download.suggestedFilename()), `a ZIP named for the clinic and day: ${download.suggestedFilename()}`);
  const zipPath = join(artifacts, 'clinic-export.zip');
  await download.saveAs(zipPath);
  await page.getByTestId('clinic-export-status').filter({ hasText: `${children.length} of ${children.length} children exported` }).waitFor();
  const files = unzipSync(new Uint8Array(readFileSync(zipPath)));
  const manifest = JSON.parse(strFromU8(files['manifest.json']));
  check(strFromU8(files['README.txt']).includes(`${children.length} of ${children.length} children exported`), 'the README says what is in it');
  check(manifest.children_count === children.length && manifest.exported_count === children.length, `every child counted (${manifest.children_count}, ${manifest.exported_count})`);
  check(manifest.not_exported.length === 0, 'none left out: maya is on every seeded child\'s team');
  check([...manifest.files].sort().join() === Object.keys(files).sort().join(), 'the manifest lists every file');
  for (const child of children) {
    const entry = manifest.children.find((c) => c.id === child.id);
    check(entry && entry.folder.endsWith(`-${child.id}`), `${child.display_name} has a folder named with the id`);
    const bundle = JSON.parse(strFromU8(files[`${entry.folder}/fhir-bundle.json`]));
    check(bundle.resourceType === 'Bundle', `${child.display_name}: a FHIR Bundle`);
    const patient = bundle.entry.find((e) => e.resource.resourceType === 'Patient')?.resource;
    check(patient?.id === child.id && patient.name[0].text === child.display_name, `${child.display_name}: the bundle's Patient is the child`);
    check(strFromU8(files[`${entry.folder}/logs.csv`]).startsWith('date,exercise,outcome,reason'), `${child.display_name}: logs CSV`);
    check(strFromU8(files[`${entry.folder}/goals.csv`]).startsWith('goal,discipline,areas,status'), `${child.display_name}: goals CSV`);
  }
  const leo = manifest.children.find((c) => c.id === leoId);
  check(strFromU8(files[`${leo.folder}/logs.csv`]).trim().split('\r\n').length > 10, 'Leo\'s logs are all there');

  step('clinic export: audited');
  const audit = await page.evaluate(async () => (await fetch('/api/v1/audit?limit=200')).json());
  const exports = audit.entries.filter((e) => e.action === 'export_clinic').map((e) => e.detail);
  const n = children.length;
  check(exports.includes(`finished: ${n} of ${n} children exported`), `the export is in the audit log: ${exports}`);
  check(exports.filter((d) => d === `started: ${n} children listed`).length === 2, 'both starts are');
  check(exports.some((d) => d.startsWith('cancelled: ')), 'and the cancelled one');
  for (const child of children) {
    check(audit.entries.some((e) => e.action === 'read_adherence' && e.child_id === child.id), `${child.display_name}'s read is audited`);
  }

  step('clinic export: not for a therapist who is not an admin');
  const samContext = await browser.newContext({ bypassCSP: true });
  const sam = await samContext.newPage();
  await sam.goto(`${base}/#/login`);
  await sam.getByLabel('Email').fill('sam@demo.homeplay');
  await sam.getByLabel('Password').fill('homeplay-demo');
  await sam.getByRole('button', { name: 'Sign in' }).click();
  await sam.getByRole('heading', { name: 'Overview', level: 1 }).waitFor();
  await sam.goto(`${base}/#/clinic/settings`);
  await sam.getByText('Only a clinic administrator can change the clinic’s settings').waitFor();
  check((await sam.getByRole('button', { name: 'Export the whole clinic' }).count()) === 0, 'sam is not offered the export');
  await sam.getByRole('button', { name: 'Sign out' }).click();
  await sam.waitForURL(/#\/login$/);
  await samContext.close();

  await page.goto(`${base}/#/children/${encodeURIComponent(leoId)}`);
  await page.getByRole('heading', { name: /Leo/, level: 1 }).waitFor();
}
