// Pairing by the QR link: the therapist (clinic API) enrols a child with a program and a goal and makes a pairing
// code; Mum's phone opens the dashboard's link `<server>/family/#pair=<code>` and pairs. The code travels only in
// the fragment: the page clears it from the address, and no server log line (requests are logged with their URIs
// here) ever contains it.
import { check, soft, step, TIME_ZONE, until } from './harness.mjs';
import { Therapist, todayIn } from './clinic.mjs';
import { pairFromLink, Phone } from './phones.mjs';
import { BEAR, cardsOf, CRAB, screen, waitForToday } from './screens.mjs';

/** Five activities today: crab walk at wake-up and dinner, bear walk after school and at bedtime, flamingo at bath. */
export const CARDS = 5;

/** The child and program, on the clinic API. Fills ctx.maya, ctx.childId, ctx.titles, ctx.goalId, ctx.flamingo. */
export async function setUp(ctx) {
  step('setup: the therapist enrols Noor with a program and a goal');
  const maya = await Therapist.login(ctx.server.base);
  const child = await maya.post('/api/v1/children', {
    display_name: 'Noor',
    time_zone: TIME_ZONE,
    age_years: 6,
    caregivers: ['Mum', 'Dad'],
  });
  const childId = child.child.id;
  const library = await maya.get('/api/v1/library/exercises');
  const byTitle = (title) => {
    const e = library.find((x) => x.title === title);
    check(e, `the library has "${title}" (${library.map((x) => x.title).join(', ')})`);
    return e;
  };
  const today = todayIn(TIME_ZONE);
  const target = new Date(Date.now() + 90 * 86_400_000).toISOString().slice(0, 10);
  const goal = await maya.post(`/api/v1/children/${childId}/goals`, {
    text: 'Climbs the stairs holding the rail', discipline: 'pt', areas: ['gross_motor', 'balance_coordination'],
    baseline: 'Needs a hand to hold on every step', start_date: today, target_date: target,
    scale: { much_less: 'A hand on every step', less: 'A hand on some steps', expected: 'Holds the rail alone',
      more: 'Alternates feet with the rail', much_more: 'Alternates feet without the rail' },
  });
  const every = ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'];
  const assign = (exercise, moments, goalIds = []) =>
    maya.post(`/api/v1/children/${childId}/assignments`, {
      goal_ids: goalIds,
      target: { kind: 'exercise', exercise_id: exercise.id },
      start_date: today,
      days: every,
      slots: moments.map((moment) => ({ kind: 'moment', moment })),
    });
  const bear = byTitle('Bear walk');
  const crab = byTitle('Crab walk');
  const flamingo = library.find((x) => /flamingo/i.test(x.title)) ?? byTitle('Flamingo stand');
  const a = {
    crab: await assign(crab, ['wake_up', 'dinner'], [goal.id]),
    bear: await assign(bear, ['after_school', 'bedtime']),
    flamingo: await assign(flamingo, ['bath']),
  };
  Object.assign(ctx, {
    maya,
    childId,
    goalId: goal.id,
    flamingoTitle: flamingo.kid_title ?? flamingo.title,
    flamingoExercise: flamingo.id,
    flamingoAssignment: a.flamingo.id,
    titles: { [a.crab.id]: 'crab', [a.bear.id]: 'bear', [a.flamingo.id]: 'flamingo' },
  });
}

export async function pairing(ctx) {
  await setUp(ctx);
  const { server, maya, childId } = ctx;

  step('pairing: a code and its link, as the dashboard shows them');
  const code = await maya.pairingCode(childId);
  ctx.codes = [code];
  const link = `${server.base}/family/#pair=${encodeURIComponent(code)}`;

  step('pairing: Mum’s phone opens the link');
  const mum = new Phone('mum');
  ctx.mum = mum;
  const page = await mum.launch();
  const first = await page.goto(link);
  check(first?.ok(), `the phone app is served at /family/ (${first?.status()} ${first?.url()})`);
  // The link's code is read once and cleared: neither the address bar nor the history keeps it.
  await until('the code gone from the address', () => page.evaluate((c) => !location.href.includes(c) && !location.hash.includes('pair'), code));
  soft(page.url() === `${server.base}/family/` || !page.url().includes('#'), `the address is the app's own (${page.url()})`);

  // Either the link pairs at once, or the form comes filled in and a parent names the phone and themselves.
  const shown = await pairFromLink(page, 'Mum’s phone', 'Mum');
  if (shown.form) {
    check(shown.code === null || shown.code === code, `the link filled in the code (${shown.code})`);
    if (shown.url) soft(shown.url.replace(/\/$/, '') === server.base, `the link filled in this clinic's address (${shown.url})`);
    await screen(page, '01-pairing-from-link');
    await shown.connect();
  }

  step('pairing: today’s program on the phone');
  await waitForToday(page, CARDS);
  check((await cardsOf(page, BEAR).count()) === 2 && (await cardsOf(page, CRAB).count()) === 2, 'bear walk twice and crab walk twice');
  await until('synced after pairing', async () => (await page.getByTestId('sync-line').textContent()).startsWith('Synced'));
  await screen(page, '02-today');

  step('pairing: the code never reached a log');
  check(/\/family\//.test(server.log), 'the server logs requests with their URIs (the check below means something)');
  check(/\/api\/v1\/sync\/pair/.test(server.log), 'the server logged the pairing request');
  check(!server.log.includes(code), `no server log line contains the pairing code: ${server.log.split('\n').filter((l) => l.includes(code)).join(' | ')}`);
  const devices = await maya.get(`/api/v1/children/${childId}/devices`);
  check(devices.length === 1 && !devices[0].revoked_at, `the clinic lists one paired device (${JSON.stringify(devices)})`);
}
