// Two more families end to end, each on a phone of its own (issue #18): one reads Arabic, right to left, one reads
// Simplified Chinese. Each chooses its language on the pairing screen and pairs by the clinic's link, ticks two
// activities, undoes one, marks one not done with a reason, reads the week, answers the weekly question about a goal,
// opens messages, the printable week and settings, and plays an activity in kid mode to the celebration and back
// through the grown-ups' gate. Every screen is axe-checked and photographed (artifacts/phone-ar-*.png,
// phone-zh-*.png). Right to left, the layout must really mirror and a step picture with an arrow must show its
// mirrored view; in Chinese the words are the Chinese catalogue's and the dates are Intl's for Chinese. Both stories
// make the same layout checks, so each is the other's control.
import { check, step, TIME_ZONE, until } from './harness.mjs';
import { Therapist, todayIn } from './clinic.mjs';
import { Phone } from './phones.mjs';
import { answerGate, BEAR, card, cardsOf, CRAB, holdGate, measured, nav, tapToCelebration, waitForToday, waitLogged } from './screens.mjs';
import { intlTag, library, plain, words } from './words.mjs';
const CARDS = 3;

const FAMILIES = {
  ar: { tag: 'ar', shots: 'ar', dir: 'rtl', child: 'Noor', caregiver: 'ماما', device: 'هاتف ماما' },
  'zh-Hans': { tag: 'zh-Hans', shots: 'zh', dir: 'ltr', child: '小林', caregiver: '妈妈', device: '妈妈的手机' },
};

export const arabic = (ctx) => family(ctx, FAMILIES.ar);
export const chinese = (ctx) => family(ctx, FAMILIES['zh-Hans']);

/** A child with three activities today (crab walk at wake-up for a goal, bear walk after school, the basket push at
 *  bedtime), and a pairing link for the family. */
async function enrol(ctx, f) {
  // The clinic is up, whatever a part before left it in.
  if (!ctx.server.proc) await ctx.server.start(ctx.server.uiDir);
  const maya = (ctx.maya ??= await Therapist.login(ctx.server.base));
  const child = await maya.post('/api/v1/children', { display_name: f.child, time_zone: TIME_ZONE, age_years: 5, caregivers: [f.caregiver] });
  const childId = child.child.id;
  const library = await maya.get('/api/v1/library/exercises');
  const byTitle = (title) => {
    const e = library.find((x) => x.title === title);
    check(e, `the library has "${title}"`);
    return e;
  };
  const today = todayIn(TIME_ZONE);
  const target = new Date(Date.now() + 60 * 86_400_000).toISOString().slice(0, 10);
  const goal = await maya.post(`/api/v1/children/${childId}/goals`, {
    text: 'Walks on hands and feet across the room', discipline: 'pt', areas: ['gross_motor'], baseline: 'Two steps',
    start_date: today, target_date: target,
    scale: { much_less: 'One step', less: 'Two steps', expected: 'Across the room', more: 'There and back', much_more: 'Twice there and back' },
  });
  const assign = (title, moment, goalIds = []) =>
    maya.post(`/api/v1/children/${childId}/assignments`, {
      goal_ids: goalIds,
      target: { kind: 'exercise', exercise_id: byTitle(title).id },
      start_date: today,
      days: ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'],
      slots: [{ kind: 'moment', moment }],
    });
  const crab = await assign('Crab walk', 'wake_up', [goal.id]);
  const bear = await assign('Bear walk', 'after_school');
  const basket = await assign('Laundry basket push', 'bedtime');
  const titles = { [crab.id]: 'crab', [bear.id]: 'bear', [basket.id]: 'basket' };
  const link = `${ctx.server.base}/family/#pair=${encodeURIComponent(await maya.pairingCode(childId))}`;
  return { maya, childId, titles, link };
}

/** A button by the words it shows (without the isolates), within `scope`. */
async function tap(scope, text) {
  const buttons = scope.locator('button');
  const shown = await buttons.evaluateAll((bs) => bs.map((b) => b.textContent.replace(/[\u2066-\u2069]/g, '').replace(/\s+/g, ' ').trim()));
  const i = shown.indexOf(text);
  check(i >= 0, `a button "${text}" (the buttons say: ${shown.join(' | ')})`);
  await buttons.nth(i).click();
}

async function textOf(locator) {
  return plain(await locator.textContent());
}

/**
 * Where things are, for the mirror checks: which side of an activity card its picture is on, which edge of the
 * card's words its first button starts from, which side the first tab and the first day of the week are on, and how
 * the card's title is aligned.
 */
const LAYOUT = () => {
  const side = (a, b) => (a.left > b.left ? 'right' : 'left');
  const card = document.querySelector('[data-testid=activity]');
  const pic = card.querySelector('.picture').getBoundingClientRect();
  const body = card.querySelector('.body').getBoundingClientRect();
  const first = card.querySelector('.actions button').getBoundingClientRect();
  const tabs = [...document.querySelectorAll('.app-nav button')].map((b) => b.getBoundingClientRect());
  const edge = Math.abs(first.right - body.right) < 2 ? 'right' : Math.abs(first.left - body.left) < 2 ? 'left' : `neither (${first.left}..${first.right} in ${body.left}..${body.right})`;
  return {
    picture: side(pic, body),
    firstButton: edge,
    firstTab: side(tabs[0], tabs[1]),
    title: getComputedStyle(card.querySelector('h3')).textAlign,
    direction: getComputedStyle(card).direction,
  };
};

/** Kid mode's step, arrows and corners: which side the "next" arrow is on, whether its glyph is mirrored, and which
 *  bottom corner the grown-ups' button and the sound button are in. */
const KID_LAYOUT = () => {
  const [prev, next] = [...document.querySelectorAll('.kid-nav')];
  const figure = document.querySelector('.kid-step figure').getBoundingClientRect();
  const half = window.innerWidth / 2;
  const centre = (el) => { const r = el.getBoundingClientRect(); return r.left + r.width / 2 < half ? 'left' : 'right'; };
  return {
    next: next.getBoundingClientRect().left >= figure.right ? 'right' : next.getBoundingClientRect().right <= figure.left ? 'left' : 'overlapping',
    prev: prev.getBoundingClientRect().right <= figure.left ? 'left' : 'right',
    glyph: getComputedStyle(next.querySelector('.flip-rtl')).transform,
    gate: centre(document.querySelector('[data-testid=parent-gate]')),
    sound: centre(document.querySelector('.kid-sound')),
  };
};

/**
 * The kid-mode picture as drawn, against the same picture without a view asked for: the share of sample points (below
 * the step badge) that match it as it is, and mirrored. Both are drawn on a canvas the size of the picture's box.
 */
const PICTURE_DRAWN = async () => {
  const img = document.querySelector('img.pic-kid');
  const [address, view = ''] = img.src.split('#');
  const plainImg = new Image();
  plainImg.src = address;
  await plainImg.decode();
  const [w, h] = [120, 90];
  const draw = (im) => {
    const c = document.createElement('canvas');
    c.width = w;
    c.height = h;
    const g = c.getContext('2d');
    g.drawImage(im, 0, 0, w, h);
    return g.getImageData(0, 0, w, h).data;
  };
  const shown = draw(img);
  const base = draw(plainImg);
  const near = (i, j) => Math.abs(shown[i] - base[j]) + Math.abs(shown[i + 1] - base[j + 1]) + Math.abs(shown[i + 2] - base[j + 2]) < 48;
  let same = 0;
  let mirrored = 0;
  let n = 0;
  for (let y = 24; y < h - 4; y += 2) {
    for (let x = 4; x < w - 4; x += 2) {
      const i = (y * w + x) * 4;
      n += 1;
      if (near(i, i)) same += 1;
      if (near(i, (y * w + (w - 1 - x)) * 4)) mirrored += 1;
    }
  }
  return { view, same: same / n, mirrored: mirrored / n };
};

async function family(ctx, f) {
  const T = await words(f.tag);
  // The built-in activities come in the family's language: the library's translation, as the server sends it.
  const L = library(f.tag);
  const [bear, crab, basket] = [L('bear-walk').kid_title, L('crab-walk').kid_title, L('laundry-basket-push').kid_title];
  check(bear !== BEAR && crab !== CRAB, `the library has its own words in ${f.tag}`);
  /** The basket push's second picture: an arrow (push it that way), composed with a mirrored view. */
  const basketArrowStep = L('laundry-basket-push').steps[1];
  const rtl = f.dir === 'rtl';
  // Each screen measured as the phone-size part measures it (nothing scrolls sideways, right to left too; targets of
  // 48 px, 64 in kid mode), axe-checked and photographed.
  const shot = (page, name, min = 48) => measured(page, `${f.shots}-${name}`, min);

  step(`${f.shots}: the therapist enrols ${f.child}`);
  const { maya, childId, titles, link } = await enrol(ctx, f);

  step(`${f.shots}: the pairing link, the language chosen on the pairing screen`);
  const phone = new Phone(`family-${f.shots}`);
  (ctx.more ??= []).push(phone);
  ctx.current = phone;
  const page = await phone.launch();
  await page.goto(link);
  await page.getByTestId('pair-language').selectOption(f.tag);
  await until(`the pairing screen in ${f.tag}`, () =>
    page.evaluate(([lang, dir]) => document.documentElement.lang === lang && document.documentElement.dir === dir, [f.tag, f.dir]));
  await until('the pairing screen’s words', async () => (await textOf(page.locator('h1'))) === T('pair.title'));
  await page.locator('input[name=device_name]').fill(f.device);
  await page.locator('input[name=caregiver]').fill(f.caregiver);
  await shot(page, '01-pairing');
  await page.locator('form button[type=submit]').click();

  step(`${f.shots}: today, in ${f.tag}`);
  await waitForToday(page, CARDS);
  check(await page.evaluate((dir) => document.documentElement.dir === dir, f.dir), `document.documentElement.dir is ${f.dir}`);
  const menu = await textOf(page.getByTestId('nav-today'));
  check(menu === T('nav.today'), `the menu says ${T('nav.today')} (it says ${menu})`);
  const heading = page.locator('section.child h2');
  const day = await textOf(heading.locator('.date'));
  check((await textOf(heading)).startsWith(T('today.day', { name: f.child })), `the day is named in ${f.tag}: ${await textOf(heading)}`);
  // The date as Intl writes it for the language (in the phone's own engine), and not as English would.
  const intlDate = (lang) =>
    page.evaluate(([l, iso]) => {
      const [y, m, d] = iso.split('-').map(Number);
      return new Intl.DateTimeFormat(l, { weekday: 'long', day: 'numeric', month: 'long', timeZone: 'UTC' }).format(Date.UTC(y, m - 1, d));
    }, [lang, todayIn(TIME_ZONE)]);
  const [expected, english] = [await intlDate(intlTag(f.tag)), await intlDate('en')];
  check(day === expected && day !== english, `today's date by Intl for ${f.tag}: "${day}" (expected "${expected}", not "${english}")`);
  await until('synced', async () => (await textOf(page.getByTestId('sync-line'))) === T('sync.synced'));
  const layout = await page.evaluate(LAYOUT);
  const start = rtl ? 'right' : 'left';
  check(
    layout.direction === f.dir && layout.picture === start && layout.firstButton === start && layout.firstTab === start && layout.title === 'start',
    `the card and menu start on the ${start} (${JSON.stringify(layout)})`,
  );
  await shot(page, '02-today');

  step(`${f.shots}: tick two, undo one, one not done: sick`);
  await tap(card(page, crab), T('card.done'));
  await waitLogged(page, 1, 'the first tick');
  await tap(card(page, bear), T('card.done'));
  await waitLogged(page, 2, 'the second tick');
  await tap(card(page, bear), T('card.undo'));
  await waitLogged(page, 1, 'the undo');
  await tap(card(page, bear), T('card.not_done_menu'));
  const sick = T('outcome.not_done', { reason: T('reason.sick') });
  await tap(card(page, bear), sick);
  await waitLogged(page, 2, 'not done: sick');
  const line = await textOf(card(page, bear).getByTestId('logged'));
  check(line.includes(sick) && line.includes(f.caregiver), `the card says what and who in ${f.tag} (${line})`);
  await shot(page, '03-ticked');

  step(`${f.shots}: the week`);
  await nav(page, 'week');
  await page.getByTestId('week').waitFor();
  check((await textOf(page.locator('#week-title'))) === T('week.title'), `the week's title in ${f.tag}`);
  // The section shows at once, its days once the week is read: measure them only once two are there.
  await page.getByTestId('week-day').nth(1).waitFor();
  const days = await page.getByTestId('week-day').evaluateAll((ds) => ds.slice(0, 2).map((d) => d.getBoundingClientRect().left));
  check(days.length === 2 && (rtl ? days[0] > days[1] : days[0] < days[1]), `the week starts on the ${start} (${days})`);
  // Numbers in Western digits, as on the number pad and the counter (Intl's Arabic digits are not used).
  const digits = await page.evaluate(() => document.querySelector('main').innerText.match(/[\u0660-\u0669\u06f0-\u06f9]/g));
  check(digits === null, `the week's numbers are 0–9 (found ${digits})`);
  await shot(page, '04-week');

  step(`${f.shots}: the weekly question about the goal`);
  await nav(page, 'goals');
  const goal = page.getByTestId('goal').first();
  await goal.waitFor();
  const good = T('goals.face.good');
  await goal.getByTestId('check-in').getByRole('button').filter({ hasText: new RegExp(`${good.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}$`) }).click();
  await goal.getByTestId('check-in-answer').waitFor();
  const answered = await textOf(goal.getByTestId('check-in-answer'));
  check(answered.includes(T('goals.answered', { face: good })), `the answer in ${f.tag} (${answered})`);
  await shot(page, '05-goals');

  step(`${f.shots}: messages, the printable week, settings`);
  await nav(page, 'messages');
  await page.getByTestId('messages').waitFor();
  await shot(page, '06-messages');
  await nav(page, 'print');
  await page.getByTestId('print-activity').first().waitFor();
  const printed = await page.getByTestId('print-program').textContent();
  check([bear, crab, basket].every((title) => printed.includes(title)), `the printable week names the activities in ${f.tag}`);
  await shot(page, '07-print');
  await nav(page, 'settings');
  await page.getByTestId('settings').waitFor();
  check(await page.getByTestId(`settings-language-${f.tag}`).isChecked(), `settings show ${f.tag} as the language`);
  await shot(page, '08-settings');
  // The language (and its direction) is the device's: the app opens in it again.
  await page.reload();
  await waitForToday(page, CARDS);
  check(await page.evaluate(([lang, dir]) => document.documentElement.lang === lang && document.documentElement.dir === dir, [f.tag, f.dir]), `reopened in ${f.tag}, ${f.dir}`);

  step(`${f.shots}: kid mode, the basket push's arrow`);
  check((await cardsOf(page, basket).count()) === 1, 'the basket push is on today');
  await tap(card(page, basket), T('card.play'));
  await page.getByTestId('kid-counter').waitFor();
  await page.getByRole('button', { name: T('kid.next'), exact: true }).click();
  await until('the arrow picture', () => page.evaluate((alt) => {
    const img = document.querySelector('img.pic-kid');
    return img?.alt === alt && img.complete && img.naturalWidth > 0;
  }, basketArrowStep));
  const drawn = await page.evaluate(PICTURE_DRAWN);
  if (rtl) check(drawn.view === 'rtl' && drawn.mirrored > 0.97 && drawn.same < 0.9, `the arrow picture shows mirrored (${JSON.stringify(drawn)})`);
  else check(drawn.view === '' && drawn.same > 0.99, `the arrow picture shows as it is (${JSON.stringify(drawn)})`);
  const kid = await page.evaluate(KID_LAYOUT);
  const end = rtl ? 'left' : 'right';
  check(
    kid.next === end && kid.prev === start && kid.glyph === (rtl ? 'matrix(-1, 0, 0, 1, 0, 0)' : 'none') && kid.gate === end && kid.sound === start,
    `kid mode mirrors: next on the ${end}, its arrow ${rtl ? 'mirrored' : 'as it is'}, the gate in the bottom ${end} (${JSON.stringify(kid)})`,
  );
  await shot(page, '09-kid-mode', 64);
  await tapToCelebration(page);
  await shot(page, '10-celebration', 64);

  step(`${f.shots}: back through the grown-ups' gate`);
  await holdGate(page);
  check((await textOf(page.getByTestId('gate-question'))).startsWith(T('gate.question', { a: 0, b: 0 }).split(/\d/)[0] ?? ''), 'the gate asks in the language');
  await shot(page, '11-parent-gate', 64);
  await answerGate(page);
  await waitForToday(page, CARDS);
  await waitLogged(page, 3, 'the kid-mode activity logged');

  step(`${f.shots}: the clinic has what the family did`);
  await page.locator('button.sync-now').click();
  await until('the clinic has the ticks, the not done and kid mode’s log', async () => {
    const { byOccurrence: logs } = await maya.logsToday(childId, titles);
    const standing = (k) => (logs[k] ?? []).filter((e) => !e.includes(' undone '));
    const ok = JSON.stringify(standing('crab#0')) === JSON.stringify([`done by ${f.caregiver}`])
      && JSON.stringify(standing('bear#0')) === JSON.stringify([`not_done:sick by ${f.caregiver}`])
      && standing('basket#0').length === 1 && standing('basket#0')[0].startsWith('done ');
    // Thrown, the clinic's logs are what a timeout reports.
    if (!ok) throw new Error(JSON.stringify(logs));
    return ok;
  });
  await phone.close();
}
