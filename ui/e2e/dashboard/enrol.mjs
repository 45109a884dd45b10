// Enrolling a child: "New child" from the overview (errors beside their fields, the first one focused), the
// child's page with its record number, an edit (the age from a birth month), a sibling in the family, and both children on the overview.
import { axe, check, shot, step } from '../harness.mjs';

const RECORD = 'MRN-E2E-0042';

async function rowNames(page) {
  await page.getByRole('heading', { name: 'Overview', level: 1 }).waitFor();
  await page.getByTestId('overview-row').first().waitFor();
  return page.getByTestId('overview-row').locator('th a').allTextContents();
}

/** On maya's page (any page); ends on the overview. Adds Ruby (then Rubi) and her brother Theo. */
export async function enrol(ctx) {
  const { page, base } = ctx;
  step('enrol: new child');
  await page.goto(`${base}/#/`);
  await page.getByRole('heading', { name: 'Overview', level: 1 }).waitFor();
  await page.getByRole('link', { name: 'New child' }).click();
  await page.waitForURL(/#\/children\/new$/);
  await page.getByRole('heading', { name: 'New child', level: 1 }).waitFor();
  const form = page.getByTestId('child-form');
  const zone = await form.getByLabel("Family's time zone").inputValue();
  check(zone.length > 0, `the time zone starts as the browser's or the clinic's (${zone})`);

  // Checked before sending: the first problem is focused and described by its message.
  await form.getByLabel('Age in years').fill('30');
  await form.getByRole('button', { name: 'Add child' }).click();
  const nameField = form.getByLabel('Name the family uses');
  await form.locator('[id$="-display_name-error"]').waitFor();
  check(await nameField.evaluate((el) => el === document.activeElement), 'the first invalid field (the name) takes focus');
  check((await nameField.getAttribute('aria-describedby')).includes('-display_name-error'), 'the name error is tied to its field');
  await nameField.fill('Ruby');
  await form.getByRole('button', { name: 'Add child' }).click();
  await form.locator('[id$="-age_years-error"]').waitFor();
  check(await form.getByLabel('Age in years').evaluate((el) => el === document.activeElement), 'then the age takes focus');
  await form.getByLabel('Age in years').fill('4');
  await form.getByLabel('Clinic record number').fill(`  ${RECORD} `);
  await form.getByLabel('Caregivers').fill('Mum, Grandpa');
  await axe(page, 'new child');
  await shot(page, '17-new-child');
  await form.getByRole('button', { name: 'Add child' }).click();

  step('enrol: the child page');
  await page.waitForURL(/#\/children\/[0-9a-f-]{36}$/);
  const rubyId = decodeURIComponent(page.url().split('/').pop());
  await page.getByRole('heading', { name: /^Ruby/, level: 1 }).waitFor();
  await page.getByTestId('record-number').filter({ hasText: RECORD }).waitFor();
  const detail = await page.evaluate(async (id) => (await (await fetch(`/api/v1/children/${id}`)).json()), rubyId);
  check(detail.record_number === RECORD, `the record number is stored trimmed (${detail.record_number})`);
  check(detail.caregivers.map((c) => c.name).join(',') === 'Mum,Grandpa', `the family's caregivers (${JSON.stringify(detail.caregivers)})`);
  check(detail.child.time_zone === zone && detail.child.age_years === 4, `zone and age as entered (${JSON.stringify(detail.child)})`);
  const team = await page.evaluate(async (id) => (await (await fetch(`/api/v1/children/${id}/care-team`)).json()), rubyId);
  const me = await page.evaluate(async () => (await (await fetch('/api/v1/auth/me')).json()).therapist.id);
  check(team.members.length === 1 && team.members[0].therapist_id === me && team.members[0].role === 'lead', `maya leads Ruby's team (${JSON.stringify(team.members)})`);

  step('enrol: edit the child');
  await page.getByRole('button', { name: 'Edit child' }).click();
  const edit = page.getByTestId('child-form');
  await edit.getByLabel('Name the family uses').fill('Rubi');
  // The age from a birth month instead: January five years ago makes five.
  await edit.getByLabel('Age in years').fill('');
  await edit.getByLabel('Or birth month').fill(`${new Date().getFullYear() - 5}-01`);
  await axe(page, 'edit child');
  await shot(page, '18-edit-child');
  await edit.getByRole('button', { name: 'Save changes' }).click();
  await page.getByRole('status').filter({ hasText: 'Rubi: changes saved' }).waitFor();
  await page.getByRole('heading', { name: 'Rubi, 5 years', level: 1 }).waitFor();
  await page.getByTestId('record-number').filter({ hasText: RECORD }).waitFor();

  step('enrol: add a sibling');
  await page.getByRole('button', { name: 'Add a sibling' }).click();
  const sibling = page.getByTestId('child-form');
  await sibling.getByLabel('Name the family uses').fill('Theo');
  // Her number is taken: the server's 409 shows beside the record number, which takes focus.
  await sibling.getByLabel('Clinic record number').fill(RECORD);
  await sibling.getByRole('button', { name: 'Add sibling' }).click();
  await sibling.locator('[id$="-record_number-error"]').waitFor();
  ctx.expectedConflicts = (ctx.expectedConflicts ?? 0) + 1;
  check(await sibling.getByLabel('Clinic record number').evaluate((el) => el === document.activeElement), 'the taken number takes focus');
  check((await sibling.getByLabel('Clinic record number').getAttribute('aria-invalid')) === 'true', 'and is marked invalid');
  await axe(page, 'add a sibling');
  await shot(page, '19-add-sibling');
  await sibling.getByLabel('Clinic record number').fill('');
  await sibling.getByRole('button', { name: 'Add sibling' }).click();
  await page.getByRole('heading', { name: /^Theo/, level: 1 }).waitFor();
  const theoId = decodeURIComponent(page.url().split('/').pop());
  ctx.theoId = theoId;
  ctx.rubiId = rubyId;
  const theo = await page.evaluate(async (id) => (await (await fetch(`/api/v1/children/${id}`)).json()), theoId);
  check(theo.child.family_id === detail.child.family_id, 'Theo joins Rubi’s family');
  check(theo.record_number === undefined || theo.record_number === null, 'Theo has no record number');

  step('enrol: the overview');
  await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Overview' }).click();
  await page.waitForFunction(() => [...document.querySelectorAll('[data-testid="overview-row"] th a')].some((a) => a.textContent === 'Theo'));
  const names = await rowNames(page);
  check(names.includes('Rubi') && names.includes('Theo'), `both children are on the overview (${names})`);
}
