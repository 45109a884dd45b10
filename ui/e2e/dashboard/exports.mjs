// The child page's downloads: the logs and the goals as CSV, and the FHIR bundle.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { artifacts, check, step } from '../harness.mjs';

/** On Leo's page; the files are kept in artifacts/dashboard/. */
export async function exportFiles(ctx) {
  const { page } = ctx;
  step('CSV export');
  const [download] = await Promise.all([page.waitForEvent('download'), page.getByRole('button', { name: 'Export CSV' }).click()]);
  const csvPath = join(artifacts, 'leo-logs.csv');
  await download.saveAs(csvPath);
  const csv = readFileSync(csvPath, 'utf8');
  check(csv.startsWith('date,exercise,outcome,reason'), 'CSV header');
  check(csv.trim().split('\r\n').length > 10, 'CSV rows');
  check(csv.split('\r\n')[0].endsWith(',goals') && csv.includes('Does up his coat buttons by himself'), 'each log names the goals its item serves');
  const [goalsDownload] = await Promise.all([page.waitForEvent('download'), page.getByRole('button', { name: 'Export goals CSV' }).click()]);
  const goalsCsvPath = join(artifacts, 'leo-goals.csv');
  await goalsDownload.saveAs(goalsCsvPath);
  const goalsCsv = readFileSync(goalsCsvPath, 'utf8').trim().split('\r\n');
  check(goalsCsv[0].startsWith('goal,discipline,areas,status'), `goals CSV header: ${goalsCsv[0]}`);
  check(goalsCsv.filter((l) => l.startsWith('Does up his coat buttons by himself,OT,')).length === 3, 'a row per review of the buttons goal');
  check(goalsCsv.some((l) => l.includes(',-1,Pushes a big button through')), 'scores with the level words');

  step('FHIR export');
  const [fhirDownload] = await Promise.all([page.waitForEvent('download'), page.getByRole('button', { name: 'Export FHIR' }).click()]);
  const fhirPath = join(artifacts, 'leo-fhir.json');
  await fhirDownload.saveAs(fhirPath);
  const bundle = JSON.parse(readFileSync(fhirPath, 'utf8'));
  check(bundle.resourceType === 'Bundle', 'a FHIR Bundle');
  const kinds = new Set(bundle.entry.map((e) => e.resource.resourceType));
  for (const k of ['Patient', 'CarePlan', 'Goal', 'Observation', 'RelatedPerson']) check(kinds.has(k), `bundle has a ${k}`);
  const fhirGoals = bundle.entry.map((e) => e.resource).filter((r) => r.resourceType === 'Goal');
  const plan = bundle.entry.find((e) => e.resource.resourceType === 'CarePlan').resource;
  check(fhirGoals.some((g) => g.description.text === 'Does up his coat buttons by himself' && g.lifecycleStatus === 'active'), 'the goals are Goal resources');
  check(plan.goal?.length === fhirGoals.length, 'the CarePlan references every goal');
  check(plan.activity.some((a) => a.detail.goal?.length), 'an activity names the goal it serves');
  const urls = new Set(bundle.entry.map((e) => e.fullUrl));
  const refs = JSON.stringify(bundle).match(/"reference":"[^"]+"/g) ?? [];
  check(refs.every((r) => urls.has(r.slice(13, -1))), 'every reference resolves inside the bundle');
}
