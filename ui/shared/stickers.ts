// The picture of each sticker a therapist can send (core's `Sticker`), the same on the clinic dashboard, which
// offers them, and in the family screens, which show them. Each side names them in its own words and checks
// this table against its own generated `Sticker` type, so a sticker added in core fails both type checks.
export const STICKER_EMOJI = {
  star: '⭐',
  heart: '❤️',
  trophy: '🏆',
  rocket: '🚀',
  rainbow: '🌈',
  thumbs_up: '👍',
  high_five: '🙌',
  super_hero: '🦸',
} as const;
