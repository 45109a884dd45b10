// Goals on a child's page (GAS levels): the demo's reviewed goal, a goal set (its 422 shown by the field),
// linked to two program items, reviewed, charted, edited as a new version, settled as changed.
import { join } from 'node:path';
import { artifacts, axe, check, settle, step } from '../harness.mjs';

/** On Leo's page; leaves his care team's list in ctx.team. */
export async function goals(ctx) {
  const { page } = ctx;
  step('care team and demo goals');
  const team = page.getByTestId('care-team');
  ctx.team = team;
  await team.waitFor();
  const teamText = await team.textContent();
  check(teamText.includes('Maya') && teamText.includes('Sam') && teamText.includes('lead'), `Leo's team names Maya and Sam with a lead: ${teamText}`);
  const buttonsGoal = page.getByTestId('goal').filter({ hasText: 'Does up his coat buttons by himself' });
  await buttonsGoal.waitFor();
  check((await buttonsGoal.getByTestId('goal-latest').textContent()).includes('−1 Pushes a big button through'), 'the latest review shows with its words');
  const TRENDS = ['Progress with regular practice', 'Progress, little practice', 'No progress, little practice', 'No progress despite regular practice'];
  const demoTrend = await buttonsGoal.getByTestId('goal-trend').textContent();
  check(TRENDS.some((t) => demoTrend.includes(t)), `a reviewed goal names its trend: ${demoTrend}`);
  check((await page.getByTestId('t-score').textContent()).startsWith('T-score '), 'the T-score shows');

  step('set a goal');
  const goalsSection = page.locator('section.goals');
  await goalsSection.getByRole('button', { name: 'Set a goal' }).click();
  const goalForm = goalsSection.locator('form.goal-form');
  await goalForm.waitFor();
  await goalForm.getByLabel('Goal, in plain words for the family').fill('Puts on his socks by himself');
  await goalForm.getByLabel('Self-care').check();
  await goalForm.getByLabel('Fine motor').check();
  await goalForm.getByLabel(/^Baseline/).fill('Needs hand-over-hand help');
  await goalForm.getByLabel(/^Baseline/).blur();
  const muchLess = goalForm.getByLabel(/^−2 Much less than expected/);
  check((await muchLess.inputValue()) === 'Needs hand-over-hand help', 'the −2 level is suggested from the baseline');
  await goalForm.getByLabel(/^−1 Less than expected/).fill('Pulls socks up once they are on his toes');
  await goalForm.getByLabel(/^0 Expected outcome/).fill('Puts on socks with one verbal prompt');
  await goalForm.getByLabel(/^\+1 More than expected/).fill('Puts on socks without prompts');
  await goalForm.getByLabel(/^\+2 Much more than expected/).fill('Puts on socks and shoes alone');
  // A target date before the start: the server's 422 is shown by the field it names.
  await goalForm.getByLabel('Target date').fill('2020-01-01');
  await goalForm.getByRole('button', { name: 'Set goal' }).click();
  const targetError = goalForm.locator('[id$="-target-error"]');
  await targetError.waitFor();
  check((await goalForm.getByLabel('Target date').getAttribute('aria-invalid')) === 'true', 'the target date is marked invalid');
  const target = new Date(Date.now() + 90 * 86_400_000).toISOString().slice(0, 10);
  await goalForm.getByLabel('Target date').fill(target);
  await axe(page, 'goal form');
  await goalForm.getByRole('button', { name: 'Set goal' }).click();
  await page.getByRole('status').filter({ hasText: 'Goal “Puts on his socks by himself” set.' }).waitFor();
  const socksGoal = page.getByTestId('goal').filter({ hasText: 'Puts on his socks by himself' });
  await socksGoal.waitFor();
  check((await socksGoal.textContent()).includes('Not reviewed yet'), 'a new goal is not reviewed yet');

  step('link two exercises to the goal');
  const editable = page.getByTestId('assignment').filter({ has: page.getByRole('button', { name: /^Edit/ }) });
  const linkedTitles = [];
  for (const i of [0, 1]) {
    // Found again by its title: once its editor opens, the item has no Edit button and leaves `editable`.
    const title = (await editable.nth(i).locator('strong').first().textContent()).trim();
    const item = page.getByTestId('assignment').filter({ has: page.locator('strong', { hasText: title }) });
    linkedTitles.push(title);
    await item.getByRole('button', { name: /^Edit/ }).click();
    const form = item.locator('form.assignment-edit');
    await form.getByLabel('Puts on his socks by himself').check();
    await form.getByRole('button', { name: 'Save changes' }).click();
    await form.waitFor({ state: 'detached' });
    await item.filter({ hasText: 'serves: ' }).filter({ hasText: 'Puts on his socks by himself' }).waitFor();
    check((await item.textContent()).includes('Assigned by'), 'a program item says who assigned it');
  }
  // The goals reload after each link: wait until both items are listed.
  for (const t of linkedTitles) await socksGoal.filter({ has: page.getByText(`Served by:`, { exact: false }).filter({ hasText: t }) }).waitFor();
  const served = await socksGoal.textContent();
  check(linkedTitles.every((t) => served.includes(t)), `the goal lists both items (${linkedTitles}): ${served}`);

  step('record a review');
  await socksGoal.getByRole('button', { name: /^Record a review/ }).click();
  const reviewForm = socksGoal.locator('form.goal-review');
  await reviewForm.waitFor();
  check((await reviewForm.getByRole('radio').count()) === 5, 'five GAS levels to pick from');
  await reviewForm.getByRole('button', { name: 'Save review' }).click();
  await reviewForm.locator('[id$="-score-error"]').waitFor();
  await reviewForm.getByLabel(/Pulls socks up once they are on his toes/).check();
  await reviewForm.getByLabel(/^Note/).fill('Tried at the session');
  await axe(page, 'goal review form');
  await reviewForm.getByRole('button', { name: 'Save review' }).click();
  await page.getByRole('status').filter({ hasText: 'Review of “Puts on his socks by himself” saved.' }).waitFor();
  await socksGoal.getByTestId('goal-latest').filter({ hasText: '−1 Pulls socks up once they are on his toes' }).waitFor();

  step('goal progress chart');
  const progress = socksGoal.getByTestId('goal-progress');
  check((await progress.locator('.plot svg').count()) >= 1, 'the GAS score is charted');
  check((await progress.getByTestId('goal-trend').textContent()).includes('Not enough reviews yet'), 'one review: no trend yet');
  await progress.locator('summary').click();
  const tableText = await progress.getByTestId('goal-progress-table').textContent();
  check(tableText.includes('−1 on'), `the table has the review: ${tableText}`);
  const demoProgress = buttonsGoal.getByTestId('goal-progress');
  check((await demoProgress.locator('.plot svg').count()) === 2, 'a demo goal charts scores beside practice');
  await demoProgress.locator('summary').click();
  const demoTable = await demoProgress.getByTestId('goal-progress-table').textContent();
  check(/\d+%/.test(demoTable) && demoTable.includes('−2 on') && demoTable.includes('−1 on'), `the demo table has practice and reviews: ${demoTable}`);
  await socksGoal.getByRole('button', { name: /^History/ }).click();
  const history = socksGoal.getByTestId('goal-history');
  await history.waitFor();
  const historyText = await history.textContent();
  check(historyText.includes('Goal set') && historyText.includes('Tried at the session'), `the history has the version and the review: ${historyText}`);
  await axe(page, 'goals');
  await settle(page);
  await goalsSection.screenshot({ path: join(artifacts, 'goals.png') });

  step('edit a goal (a new version)');
  await socksGoal.getByRole('button', { name: /^Edit/ }).click();
  const editGoal = socksGoal.locator('form.goal-form');
  await editGoal.waitFor();
  check((await editGoal.getByLabel(/^0 Expected outcome/).inputValue()) === 'Puts on socks with one verbal prompt', 'the editor starts from the goal');
  await editGoal.getByLabel(/^0 Expected outcome/).fill('Puts on both socks with one verbal prompt');
  await editGoal.getByRole('button', { name: 'Save as a new version' }).click();
  await page.getByRole('status').filter({ hasText: 'saved as version 2' }).waitFor();
  await socksGoal.getByRole('button', { name: /^History/ }).click();
  const history2 = socksGoal.getByTestId('goal-history');
  await history2.filter({ hasText: 'Version 2' }).waitFor();
  check((await history2.textContent()).includes('Reworded level 0'), 'the history says what the version changed');

  step('settle a goal as changed, writing the new one');
  await socksGoal.getByRole('button', { name: /^Met, changed or dropped/ }).click();
  const settleForm = socksGoal.locator('.goal-settle');
  await settleForm.getByLabel('Changed (replaced by another goal)').check();
  await settleForm.getByRole('button', { name: 'Save status' }).click();
  await settleForm.locator('[id$="-replaced-error"]').waitFor();
  await settleForm.getByRole('button', { name: 'Write the new goal' }).click();
  const replacement = settleForm.locator('form.goal-form');
  await replacement.getByLabel('Goal, in plain words for the family').fill('Puts on socks and shoes by himself');
  await replacement.getByLabel('Self-care').check();
  await replacement.getByLabel(/^Baseline/).fill('Puts on socks with a prompt');
  await replacement.getByLabel(/^Baseline/).blur();
  await replacement.getByLabel(/^−1 Less than expected/).fill('Socks alone, shoes with help');
  await replacement.getByLabel(/^0 Expected outcome/).fill('Socks and shoes with one prompt');
  await replacement.getByLabel(/^\+1 More than expected/).fill('Socks and shoes without prompts');
  await replacement.getByLabel(/^\+2 Much more than expected/).fill('Socks, shoes and laces alone');
  await replacement.getByLabel('Target date').fill(target);
  await replacement.getByRole('button', { name: 'Set goal' }).click();
  await replacement.waitFor({ state: 'detached' });
  check((await settleForm.locator('select[name="replaced_by"] option:checked').textContent()) === 'Puts on socks and shoes by himself', 'the new goal is picked as the replacement');
  await axe(page, 'settle a goal');
  await settleForm.getByRole('button', { name: 'Save status' }).click();
  await page.getByRole('status').filter({ hasText: 'marked changed' }).waitFor();
  await socksGoal.locator('.badge', { hasText: 'Changed' }).waitFor();
  check((await socksGoal.getByRole('button', { name: /^Record a review/ }).count()) === 0, 'a settled goal is not reviewed any more');
  await page.getByTestId('goal').filter({ hasText: 'Puts on socks and shoes by himself' }).locator('.badge', { hasText: 'Active' }).waitFor();
}
