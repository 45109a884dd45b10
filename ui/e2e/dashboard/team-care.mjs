// A child's care team: a member made lead and back.
import { check, step } from '../harness.mjs';

/** On Leo's page, with ctx.team from the goals section. */
export async function careTeam(ctx) {
  const { page, leoId, team } = ctx;
  step('care team: change a role');
  // A member is made a lead and back (a team always keeps a lead, so the lead is not demoted).
  const memberRow = team.locator('li').filter({ has: page.locator('.badge', { hasText: /^member$/ }) }).first();
  const memberName = (await memberRow.locator('strong').textContent()).trim();
  const teamRow = team.locator('li').filter({ has: page.locator('strong', { hasText: memberName }) });
  await teamRow.getByRole('button', { name: /^Make lead/ }).click();
  await page.getByRole('status').filter({ hasText: `${memberName} is now lead` }).waitFor();
  await teamRow.locator('.badge', { hasText: 'lead' }).waitFor();
  const storedTeam = await page.evaluate(async (child) => (await (await fetch(`/api/v1/children/${encodeURIComponent(child)}/care-team`)).json()), leoId);
  check(storedTeam.members.filter((m) => m.role === 'lead').length === 2, `the server has two leads now: ${JSON.stringify(storedTeam.members)}`);
  await teamRow.getByRole('button', { name: /^Make member/ }).click();
  await page.getByRole('status').filter({ hasText: `${memberName} is now member` }).waitFor();
}
