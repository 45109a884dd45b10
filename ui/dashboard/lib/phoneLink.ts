// The link that pairs a family's phone: the clinic server's own family web app (`/family/`) with the code in the
// `#fragment`, which a browser never sends to a server (so no request log can hold it); and its QR code, for the
// phone's camera.
import { encode } from 'uqr';

/** `<origin>/family/#pair=<code>`: what the QR code holds and the dashboard shows. */
export function phonePairingLink(origin: string, code: string): string {
  return `${origin.replace(/\/+$/, '')}/family/#pair=${encodeURIComponent(code)}`;
}

/** A QR code as one SVG path of its dark modules, in a square of `size` modules (a quiet zone of 4 included). */
export interface QrPicture {
  size: number;
  path: string;
}

/** The QR code of `text`, to draw as `<svg viewBox="0 0 size size"><path d={path} /></svg>`: no markup from a string. */
export function qrPicture(text: string): QrPicture {
  // Medium error correction: a phone held at an angle to a screen still reads it.
  const qr = encode(text, { ecc: 'M', border: 4 });
  let path = '';
  qr.data.forEach((row, y) =>
    row.forEach((dark, x) => {
      if (dark) path += `M${x} ${y}h1v1h-1z`;
    }),
  );
  return { size: qr.size, path };
}
