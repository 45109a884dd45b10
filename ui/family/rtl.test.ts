// Right to left (Arabic) on every family screen, desktop and phone: the layout mirrors because the styles say
// "start" and "end", never "left" and "right"; pictures with a direction carry their mirrored view; words set into a
// sentence keep their own direction. The first part reads the styles of ui/family and ui/phone like a linter would.
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { formatDate, intlLocale, setLocale, t } from './i18n.svelte';
import { direction, LANGUAGES } from './languages';
import { pictureView, RTL_VIEW } from './pictures';

const UI = join(import.meta.dirname, '..');
const ROOT = join(UI, '..');

/** A declaration in a style, where it is. */
interface Declaration {
  file: string;
  line: number;
  property: string;
  value: string;
}

/**
 * What must stay physical, each with why: a declaration whose file ends with `file` and whose `property: value`
 * includes `declaration` is not reported. An entry that matches nothing fails the test (the list stays true).
 */
const ALLOWED: readonly { file: string; declaration: string; reason: string }[] = [
  {
    file: 'family/family.css',
    declaration: '--start-side: left',
    reason: 'the one place the inline start is named as a side (left to right), for what has no logical property (a transform origin)',
  },
  {
    file: 'family/family.css',
    declaration: '--start-side: right',
    reason: 'the same, right to left',
  },
];

const SIDE = /\b(left|right)\b/;
/** Properties named after a side (their logical twins: inset-inline-start, margin-inline-end, border-inline-start…). */
const PHYSICAL_PROPERTY =
  /^(left|right|(margin|padding|scroll-margin|scroll-padding)-(left|right)|border-(left|right)(-(width|style|color))?|border-(top|bottom)-(left|right)-radius)$/;
/** Shorthands whose fourth value is the left side's: one that differs from the second (the right's) is physical. */
const FOUR_SIDES = /^(margin|padding|inset|border-width|border-style|border-color|scroll-margin|scroll-padding)$/;

/** Why a declaration is physical, or null. */
function physical(property: string, value: string): string | null {
  const p = property.toLowerCase();
  const v = value.trim();
  if (PHYSICAL_PROPERTY.test(p)) return `${p} is a side: use its logical property (inset-inline-*, margin-inline-*, border-inline-*…)`;
  if (SIDE.test(v)) return `"${v}" names a side: use start/end (text-align: start, float: inline-start…)`;
  if (FOUR_SIDES.test(p)) {
    const parts = splitValues(v);
    if (parts.length === 4 && parts[1] !== parts[3]) return `four values with different left and right: use ${p}-block and ${p}-inline`;
  }
  if (p === 'border-radius') {
    for (const half of v.split('/')) {
      const parts = splitValues(half);
      if (new Set(parts).size > 1) return 'corners named by side: use border-start-start-radius and the like';
    }
  }
  if (!p.startsWith('--')) {
    const x = sidewaysMove(p, v);
    if (x) return `moves sideways by ${x}: multiply by var(--inline-sign) so it moves the other way right to left`;
  }
  return null;
}

/** A literal sideways distance in a transform (translate(x, y), translateX(x), `translate: x y`), or null. */
function sidewaysMove(property: string, value: string): string | null {
  const candidates: string[] = [];
  if (property === 'translate') candidates.push(splitValues(value)[0] ?? '');
  for (const m of value.matchAll(/translate(X|3d)?\(/g)) candidates.push(firstArgument(value, (m.index ?? 0) + m[0].length));
  const moving = candidates.map((c) => c.trim()).find((c) => c !== '' && !/^[-+]?0+(\.0+)?[a-z%]*$/.test(c) && !c.includes('var(--inline-sign)'));
  return moving ?? null;
}

/** A function call's first argument, from just after its "(". */
function firstArgument(value: string, from: number): string {
  let depth = 0;
  for (let i = from; i < value.length; i++) {
    const ch = value[i];
    if (ch === '(') depth += 1;
    else if (ch === ')' && depth-- === 0) return value.slice(from, i);
    else if (ch === ',' && depth === 0) return value.slice(from, i);
  }
  return value.slice(from);
}

/** A value's space-separated parts, a function call (calc(…), var(…)) counting as one. */
function splitValues(value: string): string[] {
  const parts: string[] = [];
  let depth = 0;
  let current = '';
  for (const ch of value.trim()) {
    if (ch === '(') depth += 1;
    if (ch === ')') depth -= 1;
    if (/\s/.test(ch) && depth === 0) {
      if (current) parts.push(current);
      current = '';
    } else current += ch;
  }
  if (current) parts.push(current);
  return parts;
}

/** The declarations of a style sheet's text (comments removed), with their lines counted from `offset`. */
function declarations(file: string, css: string, text = css, offset = 0): Declaration[] {
  const clean = css.replace(/\/\*[\s\S]*?\*\//g, (c) => c.replace(/[^\n]/g, ' '));
  const out: Declaration[] = [];
  // Innermost blocks: a rule's body (also inside @media and @keyframes).
  for (const block of clean.matchAll(/\{([^{}]*)\}/g)) {
    out.push(...body(file, block[1] ?? '', text, offset + (block.index ?? 0) + 1));
  }
  return out;
}

/** The declarations of one block's body (or an inline `style` attribute). */
function body(file: string, css: string, text: string, offset: number): Declaration[] {
  const out: Declaration[] = [];
  let at = 0;
  for (const part of css.split(';')) {
    const colon = part.indexOf(':');
    if (colon > 0) {
      const property = part.slice(0, colon).trim();
      const start = offset + at + part.length - part.trimStart().length;
      out.push({ file, line: text.slice(0, start).split('\n').length, property, value: part.slice(colon + 1).trim() });
    }
    at += part.length + 1;
  }
  return out;
}

/** A Svelte component's styles: its <style> block, its `style="…"` attributes and `style:property` directives. */
function svelteDeclarations(file: string, source: string): Declaration[] {
  const out: Declaration[] = [];
  for (const m of source.matchAll(/<style[^>]*>([\s\S]*?)<\/style>/g)) {
    out.push(...declarations(file, m[1] ?? '', source, (m.index ?? 0) + m[0].indexOf('>') + 1));
  }
  for (const m of source.matchAll(/\sstyle="([^"]*)"/g)) {
    out.push(...body(file, m[1] ?? '', source, (m.index ?? 0) + m[0].indexOf('"') + 1));
  }
  for (const m of source.matchAll(/\sstyle:([-\w]+)(?:=\{?"?([^}"\s>]*))?/g)) {
    const line = source.slice(0, m.index).split('\n').length;
    out.push({ file, line, property: m[1] ?? '', value: m[2] ?? '' });
  }
  return out;
}

function filesUnder(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    if (['node_modules', 'dist', 'public', 'bindings'].includes(e.name)) return [];
    const path = join(dir, e.name);
    if (e.isDirectory()) return filesUnder(path);
    return /\.(svelte|css)$/.test(e.name) ? [path] : [];
  });
}

/** Every style declaration of the family screens and the phone shell. */
function allDeclarations(): Declaration[] {
  return ['family', 'phone'].flatMap((d) => filesUnder(join(UI, d))).flatMap((path) => {
    const file = relative(UI, path);
    const text = readFileSync(path, 'utf8');
    return path.endsWith('.svelte') ? svelteDeclarations(file, text) : declarations(file, text);
  });
}

const allowedFor = (d: Declaration) =>
  ALLOWED.find((a) => d.file.endsWith(a.file) && `${d.property}: ${d.value}`.includes(a.declaration));

describe('the family and phone styles say start and end, not left and right', () => {
  const found = allDeclarations();

  it('reads the styles of every screen', () => {
    const files = new Set(found.map((d) => d.file));
    for (const f of ['family/family.css', 'family/App.svelte', 'family/KidMode.svelte', 'phone/UpdatePrompt.svelte']) expect(files).toContain(f);
    expect(found.length).toBeGreaterThan(400);
  });

  it('has no physical direction outside the allow-list', () => {
    const problems = found.flatMap((d) => {
      const why = physical(d.property, d.value);
      return why && !allowedFor(d) ? [`${d.file}:${d.line}  ${d.property}: ${d.value}  — ${why}`] : [];
    });
    expect(problems, problems.join('\n')).toEqual([]);
  });

  it('allows only what is there, each for a reason', () => {
    for (const a of ALLOWED) {
      expect(a.reason.length, a.declaration).toBeGreaterThan(10);
      expect(found.some((d) => allowedFor(d) === a && physical(d.property, d.value)), `unused: ${a.file} ${a.declaration}`).toBe(true);
    }
  });

  it('fails on each kind of physical style (the check can fail)', () => {
    const bad = `.a { margin-left: 1rem; } .b { padding-right: 2px } .c { text-align: left; } .d { float: right; }
      .e { left: 0; } .f { border-left: 1px solid; } .g { padding: 1px 2px 3px 4px; } .h { border-top-right-radius: 3px; }
      .i { transform-origin: left center; } @keyframes k { to { transform: translate(-0.6rem, 1rem); } }
      .j { border-radius: 1rem 0 0 1rem; } .k { translate: 2px 0; } .l { transform: translateX(10%); }`;
    const flagged = declarations('x.css', bad).filter((d) => physical(d.property, d.value));
    expect(flagged.map((d) => d.property)).toEqual([
      'margin-left', 'padding-right', 'text-align', 'float', 'left', 'border-left', 'padding', 'border-top-right-radius',
      'transform-origin', 'transform', 'border-radius', 'translate', 'transform',
    ]);
    const svelte = `<div style="margin-right: 2px" style:padding-left="1rem"></div>\n<style>\n  .x { right: 1rem; }\n</style>`;
    expect(svelteDeclarations('x.svelte', svelte).filter((d) => physical(d.property, d.value)).map((d) => `${d.line} ${d.property}`)).toEqual([
      '3 right', '1 margin-right', '1 padding-left',
    ]);
  });

  it('passes logical and symmetric styles', () => {
    const good = `.a { margin-inline-start: 1rem; padding: 1rem 2rem 3rem; padding: 1px 2px 3px 2px; inset-inline: 0;
      text-align: start; border-inline-start: 4px solid; transform: translate(calc(var(--inline-sign) * -0.6rem), -0.6rem);
      transform: translateY(-9rem) rotate(45deg); border-radius: 50%; clip-path: inset(50%); margin: 0 auto; }`;
    expect(declarations('x.css', good).filter((d) => physical(d.property, d.value))).toEqual([]);
  });
});

describe('pictures with a direction', () => {
  const cards = JSON.parse(readFileSync(join(ROOT, 'tools/step-cards/cards.json'), 'utf8')) as Record<string, { mirror?: true }>;
  const mirrored = Object.keys(cards).filter((name) => cards[name]?.mirror);

  it('carry their right-to-left view, and only they do', () => {
    // Pushing the basket, walking on the hands to the flag, the bottom to the chair's back: three arrows today.
    expect(mirrored.length).toBeGreaterThanOrEqual(3);
    for (const name of Object.keys(cards)) {
      const svg = readFileSync(join(ROOT, `shared/library/pictures/${name}.svg`), 'utf8');
      expect(svg.includes(`id="${RTL_VIEW}"`), name).toBe(mirrored.includes(name));
    }
  });

  it('are asked for in their right-to-left view only right to left, and only the built-in ones', () => {
    expect(pictureView('builtin:laundry-basket-push-2', 'rtl')).toBe('#rtl');
    expect(pictureView('builtin:laundry-basket-push-2', 'ltr')).toBe('');
    expect(pictureView(`sha256:${'0'.repeat(64)}`, 'rtl')).toBe('');
    expect(pictureView(undefined, 'rtl')).toBe('');
  });
});

describe('right-to-left words', () => {
  afterEach(() => setLocale('en'));

  it('Arabic alone reads right to left', () => {
    expect(LANGUAGES.filter((l) => direction(l) === 'rtl')).toEqual(['ar']);
  });

  it('isolates a name set into an Arabic sentence, and leaves numbers to the message', async () => {
    await setLocale('ar');
    expect(t('today.day', { name: 'Noor' })).toContain('\u2068Noor\u2069');
    const waiting = t('sync.waiting', { count: 3 });
    expect(waiting).not.toContain('\u2068');
    expect(waiting).toContain('3');
  });

  it('writes Arabic numbers in Western digits, whatever the engine would choose for plain ar', async () => {
    // WebKitGTK on Debian 12 (ICU 72) writes ٠–٩ for `ar`, Chromium (a newer ICU) 0–9: pinned, both write 0–9, as the
    // gate's number pad, the counter and the clock times do.
    expect(intlLocale('ar')).toBe('ar-u-nu-latn');
    expect(new Intl.NumberFormat(intlLocale('ar')).resolvedOptions().numberingSystem).toBe('latn');
    expect(intlLocale('zh-Hans')).toBe('zh-Hans');
    await setLocale('ar');
    const arabicIndic = /[\u0660-\u0669\u06f0-\u06f9]/;
    for (const text of [t('week.rate_value', { percent: 17 }), t('sync.waiting', { count: 12 }), formatDate('2026-11-27')]) {
      expect(text, text).not.toMatch(arabicIndic);
      expect(text, text).toMatch(/\d/);
    }
  });

  it('leaves left-to-right sentences as they were', async () => {
    expect(t('today.day', { name: 'Noor' })).toBe("Noor's day");
    await setLocale('zh-Hans');
    expect(t('today.day', { name: 'Noor' })).not.toContain('\u2068');
  });
});
