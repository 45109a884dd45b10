// The dashboard in Spanish: a browser whose language is Spanish opens the sign-in page in Spanish; maya signs in
// and walks the main screens (overview, Leo's page, the program builder, team, clinic settings), each with
// Spanish words of known keys, Spanish dates, `<html lang="es">`, none of a list of English words the screen
// would show in English, axe, and a screenshot (artifacts/dashboard-es-*.png). The language picker switches to
// English and back, the choice outlives a reload, and signing out keeps the language.
import { join } from 'node:path';
import { axe, check, root, settle, step } from '../harness.mjs';

/** A screenshot beside the other suites' artifacts: artifacts/dashboard-es-<name>.png. */
async function shotEs(page, name) {
  await settle(page);
  await page.screenshot({ path: join(root, 'artifacts', `dashboard-es-${name}.png`), fullPage: true });
}

/** The English words (whole words, as the English dashboard writes them) found on the page. */
async function english(page, words) {
  const text = await page.evaluate(() => document.body.innerText);
  return words.filter((w) => new RegExp(`(^|[^\\p{L}])${w.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}($|[^\\p{L}])`, 'u').test(text));
}

/** One screen: its Spanish heading, known Spanish words, no English leftovers, the page's language, axe, a screenshot. */
async function screen(page, { name, url, heading, spanish, leftovers }) {
  step(`in Spanish: ${name}`);
  if (url) await page.goto(url);
  await page.getByRole('heading', { level: 1, name: heading }).waitFor();
  for (const words of spanish) await page.getByText(words, { exact: false }).filter({ visible: true }).first().waitFor();
  const found = await english(page, leftovers);
  check(found.length === 0, `no English on ${name}: ${found.join(', ')}`);
  check((await page.evaluate(() => document.documentElement.lang)) === 'es', `${name} says it is in Spanish (<html lang="es">)`);
  await axe(page, `es: ${name}`);
  await shotEs(page, name);
}

/** Maya, in a browser context of her own whose language is Spanish; closes it. */
export async function spanish(ctx) {
  const { browser, base, leoId } = ctx;
  step('in Spanish: the sign-in page follows the browser');
  const context = await browser.newContext({ locale: 'es-ES', viewport: { width: 1280, height: 800 }, bypassCSP: true });
  const page = await context.newPage();
  page.setDefaultTimeout(10_000);
  const errors = [];
  page.on('pageerror', (e) => errors.push(String(e)));
  page.on('console', (m) => { if (m.type() === 'error' && !m.text().includes('401')) errors.push(m.text()); });

  await page.goto(base);
  await page.waitForURL(/#\/login$/);
  await page.getByRole('heading', { name: 'Iniciar sesión en el panel de la clínica' }).waitFor();
  check((await page.evaluate(() => document.documentElement.lang)) === 'es', 'the sign-in page is in Spanish');
  check((await page.title()) === 'Iniciar sesión · homeplay', `the tab's title too: ${await page.title()}`);
  const signIn = await english(page, ['Sign in', 'Email', 'Password', 'Sign in to the clinic dashboard']);
  check(signIn.length === 0, `no English on the sign-in page: ${signIn.join(', ')}`);
  await axe(page, 'es: login');
  await shotEs(page, 'login');
  await page.getByLabel('Correo electrónico').fill('maya@demo.homeplay');
  await page.getByLabel('Contraseña').fill('homeplay-demo');
  await page.getByRole('button', { name: 'Iniciar sesión' }).click();

  await screen(page, {
    name: 'overview',
    heading: 'Resumen',
    spanish: ['Últimos 7 días', 'Tendencia (14 días)', 'Nuevo niño o niña', 'Equipo: '],
    leftovers: ['Overview', 'Last 7 days', 'Last 30 days', 'Trend (14 days)', 'Last activity', 'Flags', 'New child', 'Search', 'Care team', 'Sign out', 'Library', 'Program builder', 'No logs for', 'rising', 'falling', 'steady', 'Never', 'Team:', 'not on my team', 'Discharged'],
  });
  await page.getByTestId('overview-row').nth(2).waitFor();
  const rates = await page.locator('table.overview td.num').allTextContents();
  check(rates.some((r) => /^\d+\s%$/.test(r.trim())), `percentages are written the Spanish way ("45 %"): ${rates.slice(0, 4).join(' | ')}`);

  await screen(page, {
    name: 'child',
    url: `${base}/#/children/${encodeURIComponent(leoId)}`,
    heading: /Leo/,
    spanish: ['Equipo de atención', 'Mensajes con la familia', 'Objetivos', 'Cronología', 'Dispositivos vinculados', 'Cumplimiento por ejercicio', 'Monitorización remota (RTM)'],
    leftovers: ['Assign exercises', 'Progress report', 'Export CSV', 'Care team', 'Messages with the family', 'Goals', 'Last 12 weeks', 'Since the program began', 'Remote monitoring (RTM)', 'Completion by exercise', 'Timeline', 'Paired devices', 'Pairing code', 'Recorded by', 'day streak', 'Mark seen', 'Legend', 'Send message', 'Set a goal', 'Not reviewed yet', 'Wed', 'Thu', 'data days'],
  });
  const today = await page.getByText(/allí hoy es/).textContent();
  check(/allí hoy es (lun|mar|mié|jue|vie|sáb|dom)/.test(today), `the child's day is a Spanish date: ${today}`);

  await screen(page, {
    name: 'builder',
    url: `${base}/#/builder?child=${encodeURIComponent(leoId)}`,
    heading: 'Creador de programas',
    spanish: ['1. Quién', '2. Qué', '3. Cuándo', 'Una rutina nueva', 'Buscar ejercicios', 'Días de la semana', 'Guardar la rutina y asignar'],
    leftovers: ['Program builder', '1. Who', '2. What', '3. When', 'A new routine', 'Routine title', 'Find exercises', 'Days of the week', 'Times a day', 'Note for the family', 'Save routine and assign', 'Mon', 'Fri', 'After school'],
  });

  await screen(page, {
    name: 'team',
    url: `${base}/#/team`,
    heading: 'Equipo',
    spanish: ['Invitar a un terapeuta', 'Política de inicio de sesión en dos pasos', 'Restablecer dos pasos'],
    leftovers: ['Invite a therapist', 'Two-factor sign-in policy', 'Disable', 'Reset two-factor', 'Active', 'Waiting for first sign-in', 'Therapist', 'Admin', 'Nobody', 'Everyone', 'Save policy', 'You get a link to give them', 'Invite again', 'Copy link'],
  });

  // An invitation's first-sign-in page (a token that works nowhere: the page is only read, never sent).
  await screen(page, {
    name: 'welcome',
    url: `${base}/#/welcome?token=not-a-real-token`,
    heading: 'Elija su contraseña',
    spanish: ['Su clínica le ha invitado al panel de homeplay', 'Contraseña nueva', 'Guardar mi contraseña'],
    leftovers: ['Choose your password', 'New password', 'New password again', 'Set my password', 'Your clinic invited you'],
  });

  await screen(page, {
    name: 'settings',
    url: `${base}/#/clinic/settings`,
    heading: 'Configuración de la clínica',
    spanish: ['Formato de fecha', 'Aviso de dolor a partir de la puntuación', 'Exportar toda la clínica'],
    leftovers: ['Clinic settings', 'Date format', 'Pain advice from score', 'How families reach you', 'Save settings', 'Export the whole clinic'],
  });

  step('in Spanish: the picker switches to English and back, and the choice outlives a reload');
  await page.getByTestId('language').selectOption('en');
  await page.getByRole('heading', { level: 1, name: 'Clinic settings' }).waitFor();
  check((await page.evaluate(() => document.documentElement.lang)) === 'en', 'the page says it is in English now');
  // The same look-up that found no English above finds it here: the check can fail.
  const back = await english(page, ['Clinic settings', 'Date format', 'Save settings']);
  check(back.length === 3, `the English words are found in English: ${back.join(', ')}`);
  await page.getByTestId('language').selectOption('es');
  await page.getByRole('heading', { level: 1, name: 'Configuración de la clínica' }).waitFor();
  await page.reload();
  await page.getByRole('heading', { level: 1, name: 'Configuración de la clínica' }).waitFor();
  check((await page.title()) === 'Configuración de la clínica · homeplay', `the tab's title is Spanish: ${await page.title()}`);

  step('in Spanish: signing out');
  await page.getByRole('button', { name: 'Cerrar sesión' }).click();
  await page.getByRole('status').filter({ hasText: 'Ha cerrado la sesión.' }).waitFor();
  check(errors.length === 0, `no errors in the Spanish pages: ${errors.join(' | ')}`);
  await context.close();
}
