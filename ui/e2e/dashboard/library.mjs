// The exercise library: search, a custom exercise with a photo, a built-in exercise copied and edited.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { axe, check, shot, step, work } from '../harness.mjs';

/** Makes the two exercises the builder assigns next. */
export async function library(ctx) {
  const { page } = ctx;
  step('library');
  await page.getByRole('link', { name: 'Library' }).click();
  await page.getByRole('heading', { name: 'Library', level: 1 }).waitFor();
  await page.getByTestId('exercise').nth(10).waitFor();
  const firstImg = page.getByTestId('exercise').first().locator('ol.steps img').first();
  await firstImg.scrollIntoViewIfNeeded();
  await page.waitForFunction((el) => el.complete && el.naturalWidth > 0, await firstImg.elementHandle());
  await page.getByLabel('Search').fill('playdough');
  await page.waitForFunction(() => document.querySelectorAll('[data-testid="exercise"]').length < 5);
  check((await page.getByTestId('exercise').first().textContent()).includes('Playdough'), 'search finds playdough');
  await axe(page, 'library');
  await shot(page, '05-library');

  step('custom exercise with a photo');
  const png = await page.evaluate(() => {
    const c = document.createElement('canvas');
    c.width = 200;
    c.height = 200;
    const g = c.getContext('2d');
    g.fillStyle = '#fde68a';
    g.fillRect(0, 0, 200, 200);
    g.fillStyle = '#92400e';
    g.beginPath();
    g.arc(100, 100, 60, 0, Math.PI * 2);
    g.fill();
    return c.toDataURL('image/png').split(',')[1];
  });
  const photo = join(work, 'teddy.png');
  writeFileSync(photo, Buffer.from(png, 'base64'));
  await page.getByRole('button', { name: 'New custom exercise' }).click();
  const form = page.locator('form.exercise-form');
  // Sent empty: every problem beside its field at once, the first (the title) focused and described by it.
  await form.getByRole('button', { name: 'Create exercise' }).click();
  await form.locator('#exercise-title-error').waitFor();
  const shown = await form.locator('.field-error').count();
  check(shown >= 6, `every problem shows at once (${shown})`);
  const titleField = form.getByLabel('Title (for parents)');
  check(await titleField.evaluate((el) => el === document.activeElement), 'the title takes focus');
  check((await titleField.getAttribute('aria-describedby')) === 'exercise-title-error', 'the title is described by its error');
  await form.locator('#exercise-steps-0-caption-error').waitFor();
  await axe(page, 'exercise form errors');
  await shot(page, '06b-exercise-errors');
  // Near the limit a counter shows how much is left, rather than cutting silently.
  await titleField.fill('x'.repeat(75));
  await form.getByText('75/80').waitFor();
  await form.getByLabel('Title (for parents)').fill("Button Leo's teddy");
  await form.getByLabel('Title for the child').fill('Dress teddy!');
  await form.getByLabel('Fine motor').check();
  await form.getByLabel('Self-care').check();
  await form.getByLabel('Instructions for the family').fill('Leo buttons his own teddy\'s coat, top button first.');
  await form.getByLabel('Reps').fill('3');
  await form.getByLabel('Caption for step 1').fill('Find the top button');
  await form.getByLabel('Photo for step 1').setInputFiles(photo);
  await form.locator('.step-thumb img').waitFor();
  await page.waitForFunction(() => { const i = document.querySelector('.step-thumb img'); return i && i.complete && i.naturalWidth === 200; });
  // Step 2 needs no photo: a card from the starter set, found by its caption, fills the caption too.
  await form.getByRole('button', { name: 'Add a step' }).click();
  await form.getByRole('button', { name: 'Choose a starter picture for step 2' }).click();
  const picker = form.getByTestId('picture-picker');
  await picker.getByLabel('Search the starter pictures for step 2').fill('stand up tall');
  await picker.getByRole('button', { name: /Stand up tall.*from Flamingo stand/ }).waitFor();
  await axe(page, 'starter pictures');
  await shot(page, '06a-starter-pictures');
  await picker.getByRole('button', { name: /Stand up tall.*from Flamingo stand/ }).click();
  check((await form.getByLabel('Caption for step 2').inputValue()) === 'Stand up tall', 'the picture brings its caption');
  await form.locator('.step-thumb img').nth(1).waitFor();
  await axe(page, 'exercise form');
  await shot(page, '06-new-exercise');
  await form.getByRole('button', { name: 'Create exercise' }).click();
  await page.getByRole('status').filter({ hasText: 'saved in the clinic library' }).waitFor();
  await page.getByLabel('Search').fill('');
  const custom = page.getByTestId('exercise').filter({ hasText: "Button Leo's teddy" });
  await custom.waitFor();
  check((await custom.textContent()).includes('Clinic'), 'the new exercise is the clinic\'s');
  const saved = await page.evaluate(async () => (await (await fetch('/api/v1/library/exercises?q=teddy')).json()).find((e) => e.title === "Button Leo's teddy"));
  check(saved.steps[1].picture === 'builtin:flamingo-stand-1', `step 2 is the starter card (${saved.steps[1].picture})`);

  step('clone');
  await page.getByLabel('Source').selectOption('builtin');
  await page.getByLabel('Search').fill('clothespin');
  await page.getByTestId('exercise').filter({ hasText: 'Clothespin' }).first().getByRole('button', { name: /Copy and edit/ }).click();
  await page.getByRole('heading', { name: 'Edit exercise' }).waitFor();
  await page.locator('form.exercise-form').getByLabel('Title (for parents)').fill('Clothespin crocodile (Leo)');
  await page.locator('form.exercise-form').getByRole('button', { name: 'Save changes' }).click();
  await page.getByRole('status').filter({ hasText: 'Clothespin crocodile (Leo)' }).waitFor();
}
