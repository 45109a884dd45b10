// The main screens at a common phone (412×915), a small phone (360×640) and a phone turned sideways (915×412):
// nothing scrolls sideways and every target a finger meets is at least 48 px, 64 px in kid mode for a child's hand.
import { step, until } from './harness.mjs';
import { mumsPage } from './phones.mjs';
import { answerGate, card, cardButton, CRAB, measured, nav, tapToCelebration, waitForToday } from './screens.mjs';
import { CARDS } from './pairing.mjs';

const SIZES = [
  ['412x915', { width: 412, height: 915 }],
  ['360x640', { width: 360, height: 640 }],
  ['landscape', { width: 915, height: 412 }],
];

const SCREENS = [
  ['week', (p) => p.getByTestId('week').waitFor()],
  ['goals', (p) => p.getByTestId('goal').first().waitFor()],
  ['messages', (p) => p.getByTestId('messages').waitFor()],
  ['print', (p) => p.getByTestId('print-activity').first().waitFor()],
  ['settings', (p) => p.getByTestId('settings').waitFor()],
];

export async function sizes(ctx) {
  const page = await mumsPage(ctx);
  for (const [size, viewport] of SIZES) {
    step(`sizes: ${size} today`);
    await page.setViewportSize(viewport);
    await nav(page, 'today');
    await waitForToday(page, CARDS);
    await measured(page, `${size}-today`, 48);

    for (const [name, ready] of SCREENS) {
      step(`sizes: ${size} ${name}`);
      await nav(page, name);
      await ready(page);
      await measured(page, `${size}-${name}`, 48);
    }

    step(`sizes: ${size} kid mode`);
    await nav(page, 'today');
    await waitForToday(page, CARDS);
    // Kid mode opens on an activity still to do: the wake-up crab walk is undone for it if need be.
    const crab = card(page, CRAB, 0);
    if ((await crab.getByTestId('logged').count()) > 0) {
      // Undo right after a tick; later, "Change" offers to clear it.
      const undo = crab.getByRole('button', { name: 'Undo', exact: true });
      if (await undo.isVisible()) await undo.click();
      else {
        await crab.getByRole('button', { name: 'Change', exact: true }).click();
        await crab.getByTestId('clear').click();
      }
      await until('the crab walk to do again', async () => (await card(page, CRAB, 0).getByTestId('logged').count()) === 0);
    }
    await cardButton(page, CRAB, 0, 'Play time');
    await page.getByTestId('kid-counter').waitFor();
    await measured(page, `${size}-kid-mode`, 64);
    await tapToCelebration(page);
    await measured(page, `${size}-celebration`, 64);
    await answerGate(page);
    await waitForToday(page, CARDS);
  }
  await page.setViewportSize({ width: 412, height: 915 });
}
