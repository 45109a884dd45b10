// The audit log (an admin's page): the changes made so far, paged with Load more and by before=.
import { axe, check, shot, step } from '../harness.mjs';

/** After the goal, assignment and password changes it looks for. */
export async function audit(ctx) {
  const { page } = ctx;
  step('audit log');
  await page.getByRole('link', { name: 'Audit log' }).click();
  await page.getByRole('heading', { name: 'Audit log', level: 1 }).waitFor();
  const auditRows = page.getByTestId('audit-row');
  await auditRows.first().waitFor();
  // Reading goals and progress is audited too, so older changes may sit a page or two back.
  const auditHas = async (words) => {
    while (!(await page.getByTestId('audit').textContent()).includes(words)) {
      const more = page.getByRole('button', { name: 'Load more' });
      if (!(await more.count())) return false;
      const n = await auditRows.count();
      await more.click();
      await page.waitForFunction((k) => document.querySelectorAll('[data-testid="audit-row"]').length > k, n);
    }
    return true;
  };
  check(await auditHas('Settle goal'), 'settling a goal is in the log');
  check(await auditHas('Create goal review'), 'the goal review is in the log');
  check(await auditHas('Update assignment'), 'the assignment edit is in the log');
  const auditText = await page.getByTestId('audit').textContent();
  check(auditText.includes('Maya'), 'entries name the therapist');
  await axe(page, 'audit log');
  await shot(page, '13-audit');
  const firstCount = await auditRows.count();
  if (await page.getByRole('button', { name: 'Load more' }).count()) {
    await page.getByRole('button', { name: 'Load more' }).click();
    await page.waitForFunction((n) => document.querySelectorAll('[data-testid="audit-row"]').length > n, firstCount);
  }
  const ids = await page.evaluate(async () => {
    const first = await (await fetch('/api/v1/audit?limit=2')).json();
    const second = await (await fetch(`/api/v1/audit?limit=2&before=${first.next_before}`)).json();
    return [...first.entries, ...second.entries].map((e) => e.id);
  });
  check(ids.length === 4 && new Set(ids).size === 4, `the log pages by before= (${ids})`);
}
