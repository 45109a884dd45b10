// Which view of a picture the screens show. A built-in step card that points a way (an arrow: push the basket that
// way) carries a mirrored view of itself for right-to-left readers, composed by tools/step-cards ("mirror" in its
// cards.json): the scene mirrored, its step number still readable. The address's `#rtl` shows it; a card without a
// direction has no such view and shows as it is, and so does a family's own photo (no fragment is added to it).

/** The fragment naming a step card's right-to-left view (its `<g id="rtl">`). */
export const RTL_VIEW = 'rtl';

/** What to add to a picture's address for the reading direction: `#rtl` for a built-in card right to left, else ''. */
export function pictureView(media: string | undefined, dir: 'ltr' | 'rtl'): string {
  return dir === 'rtl' && media?.startsWith('builtin:') ? `#${RTL_VIEW}` : '';
}
