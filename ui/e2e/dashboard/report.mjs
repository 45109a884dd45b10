// The progress report: calendar, period, goals, the parent's note as text; printed to a PDF that says what
// the screen says, without the screen's chrome.
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import ts from 'typescript';
import { artifacts, axe, check, root, shot, step, ui } from '../harness.mjs';
import { pdfText } from './shared.mjs';

/** The report's words in a family language (ui/dashboard/i18n/report/<tag>.ts), its types stripped. */
async function reportWords(tag) {
  const source = readFileSync(join(ui, 'dashboard/i18n/report', `${tag}.ts`), 'utf8');
  const js = ts.transpileModule(source, { compilerOptions: { module: ts.ModuleKind.ESNext, target: ts.ScriptTarget.ES2022 } }).outputText;
  return (await import(`data:text/javascript;charset=utf-8,${encodeURIComponent(js)}`)).default;
}

/** A built-in exercise's parent title in a family language (shared/library/i18n/<tag>.json). */
function libraryTitle(tag, slug) {
  return JSON.parse(readFileSync(join(root, 'shared/library/i18n', `${tag}.json`), 'utf8'))[slug].title;
}

/** From Leo's page and back to it. */
export async function report(ctx) {
  const { page, markupNote } = ctx;
  step('progress report');
  // Leo's family reads English, and Grandma Spanish: the child's page says whom the therapist writes for, and the
  // report opens in the language of the family's first device.
  const familyReads = await page.getByTestId('family-languages').textContent();
  check(familyReads.includes('English') && familyReads.includes('Español'), `the child’s page names the family’s languages (${familyReads})`);
  await page.getByRole('link', { name: 'Progress report' }).click();
  await page.waitForURL(/#\/children\/[^/]+\/report$/);
  const report = page.getByTestId('report');
  await report.getByRole('heading', { name: 'Home program progress report' }).waitFor();
  await report.locator('.plot svg').first().waitFor();
  const reportCells = await report.locator('.heatmap [data-status]').evaluateAll((els) => els.map((e) => e.getAttribute('data-status')));
  check(reportCells.length >= 80 && reportCells.includes('done') && reportCells.includes('not_done'), `the report has the calendar (${reportCells.length} days)`);
  check((await report.locator('.heatmap button').count()) === 0, 'the report calendar is not interactive');
  await page.getByLabel('Period').selectOption({ label: 'Last 4 weeks' });
  await page.waitForFunction(() => document.querySelectorAll('[data-testid="report"] .heatmap [data-status]').length <= 28);
  check((await report.locator('.report-facts').textContent()).includes('(4 weeks)'), 'the report covers the chosen period');
  await page.getByLabel('Period').selectOption({ label: 'Last 12 weeks' });
  await page.waitForFunction(() => document.querySelectorAll('[data-testid="report"] .heatmap [data-status]').length >= 80);
  const clinicName = (await report.locator('.report-clinic').textContent()).trim();
  check(clinicName.length > 0, 'the report names the clinic');
  const reportNote = report.locator('.report-note').filter({ hasText: 'Wobbly' });
  check((await reportNote.textContent()).includes(markupNote) && (await reportNote.locator('img, b').count()) === 0, 'the report shows the note as text');
  check(!(await page.evaluate(() => '__pwned' in window)), 'no parent\'s markup ran');
  const reportGoals = await page.getByTestId('report-goals').textContent();
  check(reportGoals.includes('T-score') && reportGoals.includes('Does up his coat buttons by himself') && reportGoals.includes('−1 Pushes a big button through'), `the report has the goals with their scores: ${reportGoals}`);
  await axe(page, 'progress report');
  await shot(page, '03b-report');
  await page.emulateMedia({ media: 'print' });
  const pdfPath = join(artifacts, 'leo-report.pdf');
  await page.pdf({ path: pdfPath, format: 'A4', printBackground: true, preferCSSPageSize: true });
  await page.emulateMedia({ media: 'screen' });
  const printed = await pdfText(pdfPath);
  writeFileSync(join(artifacts, 'leo-report.txt'), printed.text);
  step('progress report PDF');
  check(printed.pages >= 1 && printed.pages <= 3, `the report prints on 1–3 A4 pages (${printed.pages})`);
  for (const expected of [
    clinicName, 'Home program progress report', 'Leo', 'Period', '12 weeks', 'Adherence summary', 'Day by day',
    'Completion by exercise', 'Playdough snakes', 'Remote monitoring data days', 'Flags and notes',
    'Said his wrists hurt a bit', markupNote, 'Current program', 'Signature: Maya', 'Occupational therapist',
    'Goals', 'T-score', 'Stands on one foot to pull on his trousers',
  ]) check(printed.flat.includes(expected), `the PDF says “${expected}”`);
  for (const chrome of ['Program builder', 'Sign out', 'Print or save as PDF', 'Skip to content', 'Audit log']) {
    check(!printed.flat.includes(chrome), `the PDF has no screen chrome (“${chrome}”)`);
  }

  // Printed for a family that reads French, then Arabic (right to left): the report's words and the built-in
  // exercises' titles in the family's language, the therapist's own words (notes, goals) as written, and the
  // dashboard's frame still in the therapist's language.
  for (const tag of ['fr', 'ar']) {
    step(`progress report in ${tag}`);
    const words = await reportWords(tag);
    await page.getByTestId('report-language').selectOption(tag);
    await report.getByRole('heading', { name: words['report.title'] }).waitFor();
    const facts = await report.evaluate((el) => ({ lang: el.lang, dir: getComputedStyle(el).direction }));
    check(facts.lang === tag && facts.dir === (tag === 'ar' ? 'rtl' : 'ltr'), `the report is marked ${tag}, ${tag === 'ar' ? 'right to left' : 'left to right'} (${JSON.stringify(facts)})`);
    const snakes = libraryTitle(tag, 'playdough-snakes');
    await report.getByRole('rowheader', { name: snakes }).first().waitFor();
    const text = await report.textContent();
    check(!text.includes('Home program progress report') && !text.includes('Playdough snakes'), `no English left of the report's own words in ${tag}`);
    check(text.includes('Does up his coat buttons by himself') && text.includes(markupNote), `what the therapist and the family wrote stays as written in ${tag}`);
    check((await page.getByLabel('Printed in').count()) === 1 && (await page.getByRole('link', { name: 'Overview' }).count()) >= 1, `the frame stays in the therapist's language (${tag})`);
    await axe(page, `progress report (${tag})`);
    await shot(page, `03b-report-${tag}`);
  }
  await page.getByTestId('report-language').selectOption('en');
  await report.getByRole('heading', { name: 'Home program progress report' }).waitFor();

  // Leaving the report while a language's words are still on their way: the dashboard stays the therapist's.
  step('leaving the report while its language loads');
  let release;
  const held = new Promise((resolve) => (release = resolve));
  await page.route('**/library/exercises?language=pl', async (route) => {
    await held;
    await route.continue();
  });
  await page.getByTestId('report-language').selectOption('pl');
  await page.getByRole('link', { name: 'Leo', exact: true }).first().click();
  await page.waitForURL(/#\/children\/[^/]+$/);
  await page.getByRole('heading', { name: 'Completion by exercise' }).waitFor();
  release();
  await page.waitForResponse('**/library/exercises?language=pl');
  await page.evaluate(() => new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r))));
  // A heading the report shares with the child's page, and has in Polish ("Wykonanie poszczególnych ćwiczeń").
  check((await page.getByRole('heading', { name: 'Completion by exercise' }).count()) === 1, 'the child’s page stays in English after the report’s Polish arrived');
  await page.unroute('**/library/exercises?language=pl');
  await page.getByRole('link', { name: 'Progress report' }).click();
  await report.getByRole('heading', { name: 'Home program progress report' }).waitFor();

  // A page that fails while drawing says so, and comes back when asked. The data is made as the server sent
  // it before reviews became one per goal and day: the same review twice, which hung the report forever.
  step('a page that fails while drawing shows an error state');
  await page.route('**/goals/progress', async (route) => {
    const response = await route.fetch();
    const body = await response.json();
    const row = body.goals.find((g) => g.reviews.length > 0);
    row.reviews.push({ ...row.reviews[0] });
    await route.fulfill({ response, json: body });
  });
  await page.reload();
  ctx.pageFailures = (ctx.pageFailures ?? 0) + 1;
  const failed = page.getByTestId('page-failed');
  await failed.waitFor();
  check(await page.getByRole('heading', { name: 'This page could not be shown' }).isVisible(), 'the failed page says so in a heading');
  check((await page.getByRole('alert').filter({ hasText: 'Nothing you saved is lost' }).count()) === 1, 'and in an alert');
  await axe(page, 'a page that failed');
  await shot(page, '03c-page-failed');
  await page.unroute('**/goals/progress');
  await page.getByRole('button', { name: 'Try again' }).click();
  await report.getByRole('heading', { name: 'Home program progress report' }).waitFor();
  check((await failed.count()) === 0, '"Try again" draws the report afresh');

  await page.goBack();
  await page.getByRole('heading', { name: /^(Last 12 weeks|Since the program began)/ }).waitFor();
}
