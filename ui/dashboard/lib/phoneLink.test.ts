import jsQR from 'jsqr';
import { describe, expect, it } from 'vitest';
import { phonePairingLink, qrPicture } from './phoneLink';

/** The picture as a camera would see it: RGBA pixels, `scale` per module, drawn from the SVG path alone. */
function pixels(p: { size: number; path: string }, scale = 4) {
  const width = p.size * scale;
  const rgba = new Uint8ClampedArray(width * width * 4).fill(255);
  for (const [, xs, ys] of p.path.matchAll(/M(\d+) (\d+)h1v1h-1z/g)) {
    const x = Number(xs);
    const y = Number(ys);
    for (let dy = 0; dy < scale; dy++) {
      for (let dx = 0; dx < scale; dx++) {
        const i = ((y * scale + dy) * width + x * scale + dx) * 4;
        rgba[i] = rgba[i + 1] = rgba[i + 2] = 0;
      }
    }
  }
  return { rgba, width };
}

describe('the phone pairing link', () => {
  it('is the clinic server’s family app with the code in the fragment', () => {
    expect(phonePairingLink('https://clinic.example.org', 'QZ7K-M4PX')).toBe('https://clinic.example.org/family/#pair=QZ7K-M4PX');
    expect(phonePairingLink('http://127.0.0.1:8080/', 'A B')).toBe('http://127.0.0.1:8080/family/#pair=A%20B');
  });

  it('reads back from its QR code exactly', () => {
    const link = phonePairingLink('https://clinic.example.org:8443', 'QZ7K-M4PX');
    const picture = qrPicture(link);
    expect(picture.size).toBeGreaterThanOrEqual(21 + 8);
    const { rgba, width } = pixels(picture);
    expect(jsQR(rgba, width, width)?.data).toBe(link);
  });

  it('draws only dark modules, nothing a page could run', () => {
    expect(qrPicture('https://x.example/family/#pair=AAAA-BBBB').path).toMatch(/^(M\d+ \d+h1v1h-1z)+$/);
  });
});
