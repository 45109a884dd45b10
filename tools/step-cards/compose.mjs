// Composes homeplay's built-in step-card pictures from Twemoji graphics.
//
//   cd tools/step-cards && npm ci && npm run compose
//
// Reads cards.json and writes shared/library/pictures/<name>.svg for every entry (overwriting), then deletes
// any .svg in that folder that cards.json does not name. The output depends only on cards.json and the pinned
// @twemoji/svg package, so running it twice gives the same bytes.

import { readFileSync, writeFileSync, readdirSync, unlinkSync, existsSync, mkdirSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const here = dirname(fileURLToPath(import.meta.url));
const twemojiDir = join(here, "node_modules", "@twemoji", "svg");
const outDir = join(here, "..", "..", "shared", "library", "pictures");

const WIDTH = 480;
const HEIGHT = 360;

// One calm pastel background (and a darker accent for the step badge) per skill area.
const AREAS = {
  fine_motor: { bg: "#FCE4EC", accent: "#A8436A" },
  sensory_processing: { bg: "#ECE6F6", accent: "#6A4C9C" },
  self_care: { bg: "#DBF1EC", accent: "#2E7566" },
  cognitive_behavioral: { bg: "#FFF3CC", accent: "#8A6A00" },
  gross_motor: { bg: "#E2F0D9", accent: "#4D7633" },
  strength_endurance: { bg: "#FFE4D1", accent: "#A8532B" },
  balance_coordination: { bg: "#DCEAF8", accent: "#2F5F8F" },
  posture_alignment: { bg: "#EEE6DA", accent: "#76604A" },
};

// Each layout places the card's emoji as [x, y, size] boxes, in the order they are listed.
const LAYOUTS = {
  // One big emoji in the middle.
  single: () => [[130, 80, 220]],
  // Two side by side, the first larger.
  pair: () => [
    [50, 90, 200],
    [290, 120, 140],
  ],
  // One big on the left, two small stacked on the right.
  trio: () => [
    [45, 95, 200],
    [295, 55, 125],
    [295, 195, 125],
  ],
  // Two to four equal emoji in a row (a sequence or a set).
  row: (n) => {
    const gap = 20;
    const size = Math.min(150, Math.floor((420 - (n - 1) * gap) / n));
    const x0 = Math.round((WIDTH - (n * size + (n - 1) * gap)) / 2);
    const y = Math.round(195 - size / 2);
    return Array.from({ length: n }, (_, i) => [x0 + i * (size + gap), y, size]);
  },
  // One on top of two, like a stack of cups.
  pyramid: () => [
    [170, 55, 140],
    [110, 180, 140],
    [230, 180, 140],
  ],
};
const COUNTS = { single: [1, 1], pair: [2, 2], trio: [3, 3], row: [2, 4], pyramid: [3, 3] };

const NAME = /^[a-z0-9]+(?:-[a-z0-9]+)*-([1-9][0-9]?)$/;
// Emoji that point left or right: a card showing one says "that way", so it must mirror right to left (`mirror`).
// ↔ and the circling 🔄 read the same both ways.
const SIDEWAYS = new Set(["27a1", "2b05", "2196", "2197", "2198", "2199", "21a9", "21aa", "1f448", "1f449", "25b6", "25c0", "23e9", "23ea"]);
// A mirrored card's right-to-left view, shown when the app asks for the picture with `#rtl` (ui/family/pictures.ts):
// the emoji are mirrored as one scene across the card, and the step badge moves to the top right with its number
// unmirrored (a step number stays readable).
const MIRRORED = `<style>#rtl:target{transform:matrix(-1,0,0,1,${WIDTH},0)}#rtl:target~.badge{transform:translate(${WIDTH - 100}px,0)}</style>`;
const CODE = /^[0-9a-f]{2,6}(?:-[0-9a-f]{2,6})*$/;

const cache = new Map();

// The inner content of a Twemoji file (everything inside its outer <svg>), with ids made unique per use.
function emojiContent(code, use) {
  if (!cache.has(code)) {
    if (!CODE.test(code)) throw new Error(`not a Twemoji code: ${code}`);
    const file = join(twemojiDir, `${code}.svg`);
    if (!existsSync(file)) throw new Error(`no Twemoji file ${code}.svg (run npm ci first?)`);
    const svg = readFileSync(file, "utf8").trim();
    const m = svg.match(/^<svg\b[^>]*>([\s\S]*)<\/svg>$/);
    if (!m) throw new Error(`unexpected markup in ${code}.svg`);
    cache.set(code, m[1].trim());
  }
  const prefix = `u${use}-`;
  return cache
    .get(code)
    .replace(/\bid="([^"]+)"/g, (_, id) => `id="${prefix}${id}"`)
    .replace(/url\(#([^)]+)\)/g, (_, id) => `url(#${prefix}${id})`)
    .replace(/href="#([^"]+)"/g, (_, id) => `href="#${prefix}${id}"`);
}

function card(name, spec) {
  const m = name.match(NAME);
  if (!m) throw new Error(`${name}: picture names are <slug>-<step number>`);
  const step = Number(m[1]);
  const area = AREAS[spec.area];
  if (!area) throw new Error(`${name}: unknown area ${spec.area}`);
  const layout = LAYOUTS[spec.layout];
  if (!layout) throw new Error(`${name}: unknown layout ${spec.layout}`);
  const emoji = spec.emoji;
  const [min, max] = COUNTS[spec.layout];
  if (!Array.isArray(emoji) || emoji.length < min || emoji.length > max) {
    throw new Error(`${name}: layout ${spec.layout} takes ${min === max ? min : `${min}-${max}`} emoji`);
  }
  const extra = Object.keys(spec).filter((k) => !["area", "emoji", "layout", "mirror"].includes(k));
  if (extra.length) throw new Error(`${name}: unknown fields ${extra.join(", ")}`);
  if (spec.mirror !== undefined && spec.mirror !== true) throw new Error(`${name}: mirror is true or absent`);
  const mirror = spec.mirror === true;
  const sideways = emoji.filter((code) => SIDEWAYS.has(code.replace(/-fe0f$/, "")));
  if (sideways.length && !mirror) {
    throw new Error(`${name}: ${sideways.join(", ")} points sideways: add "mirror": true so the card mirrors right to left`);
  }

  const boxes = layout(emoji.length);
  const lines = [
    `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 ${WIDTH} ${HEIGHT}" width="${WIDTH}" height="${HEIGHT}" role="img">`,
    `<title>${name}</title>`,
    ...(mirror ? [MIRRORED] : []),
    `<rect x="6" y="6" width="468" height="348" rx="36" fill="${area.bg}" stroke="${area.accent}" stroke-opacity="0.25" stroke-width="4"/>`,
  ];
  if (mirror) lines.push(`<g id="rtl">`);
  emoji.forEach((code, i) => {
    const [x, y, size] = boxes[i];
    lines.push(`<svg x="${x}" y="${y}" width="${size}" height="${size}" viewBox="0 0 36 36">${emojiContent(code, i)}</svg>`);
  });
  if (mirror) lines.push(`</g>`, `<g class="badge">`);
  lines.push(
    `<circle cx="50" cy="50" r="28" fill="#FFFFFF" stroke="${area.accent}" stroke-width="4"/>`,
    `<text x="50" y="61" text-anchor="middle" font-family="sans-serif" font-size="30" font-weight="700" fill="${area.accent}">${step}</text>`,
  );
  if (mirror) lines.push(`</g>`);
  lines.push(`</svg>`);
  return lines.join("\n") + "\n";
}

const cards = JSON.parse(readFileSync(join(here, "cards.json"), "utf8"));
const check = process.argv.includes("--check");
mkdirSync(outDir, { recursive: true });

// Compose every card before writing any, so a mistake in cards.json leaves the folder as it was.
const names = Object.keys(cards).sort();
const composed = names.map((name) => [name, card(name, cards[name])]);
const wanted = new Set(names.map((n) => `${n}.svg`));
const stale = [];
for (const [name, svg] of composed) {
  const file = join(outDir, `${name}.svg`);
  if (check) {
    if (!existsSync(file) || readFileSync(file, "utf8") !== svg) stale.push(`${name}.svg`);
  } else {
    writeFileSync(file, svg);
  }
}

let removed = 0;
for (const file of readdirSync(outDir).sort()) {
  if (file.endsWith(".svg") && !wanted.has(file)) {
    if (check) {
      stale.push(`${file} (not in cards.json)`);
    } else {
      unlinkSync(join(outDir, file));
      removed += 1;
    }
  }
}

if (check) {
  // --check: used by the test command, so that committed pictures always match cards.json.
  if (stale.length) {
    console.error(`step cards are stale; run: cd tools/step-cards && npm ci && npm run compose\n  ${stale.join("\n  ")}`);
    process.exit(1);
  }
  console.log(`${names.length} step cards are current`);
} else {
  console.log(`wrote ${names.length} cards to ${outDir}${removed ? `, removed ${removed} old ones` : ""}`);
}
