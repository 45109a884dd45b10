// Words for the server's enums and shapes, in one place.
import { STICKER_EMOJI } from '../../shared/stickers';
import type { Schemas } from './api/client';
import { t } from '../i18n.svelte';
import { shortDate, weekdayLabel } from './dates';
import { painFlagLabel } from './pain';

export type Flag = Schemas['Flag'];

export function flagLabel(flag: Flag): string {
  switch (flag.kind) {
    case 'no_logs':
      return t('flag.no_logs', { days: flag.days });
    case 'pain':
      return painFlagLabel(flag, shortDate);
    case 'often_hard':
      return t('flag.often_hard', { times: flag.times });
    case 'often_refused':
      return t('flag.often_refused', { times: flag.times });
  }
}

// The word maps below are getters: each reads the catalogue when read, so a page shows the language chosen now.
export const FLAG_KINDS: { value: Flag['kind']; label: string }[] = [
  { value: 'no_logs', get label() { return t('flag_kind.no_logs'); } },
  { value: 'pain', get label() { return t('flag_kind.pain'); } },
  { value: 'often_hard', get label() { return t('flag_kind.often_hard'); } },
  { value: 'often_refused', get label() { return t('flag_kind.often_refused'); } },
];

export const SKILL_AREAS: Record<Schemas['SkillArea'], string> = {
  get fine_motor() { return t('skill_area.fine_motor'); },
  get sensory_processing() { return t('skill_area.sensory_processing'); },
  get self_care() { return t('skill_area.self_care'); },
  get cognitive_behavioral() { return t('skill_area.cognitive_behavioral'); },
  get gross_motor() { return t('skill_area.gross_motor'); },
  get strength_endurance() { return t('skill_area.strength_endurance'); },
  get balance_coordination() { return t('skill_area.balance_coordination'); },
  get posture_alignment() { return t('skill_area.posture_alignment'); },
};

export const MOMENTS: Record<Schemas['FamilyMoment'], string> = {
  get wake_up() { return t('moment.wake_up'); },
  get breakfast() { return t('moment.breakfast'); },
  get lunch() { return t('moment.lunch'); },
  get after_school() { return t('moment.after_school'); },
  get dinner() { return t('moment.dinner'); },
  get bath() { return t('moment.bath'); },
  get bedtime() { return t('moment.bedtime'); },
};

const STICKER_LABELS: Record<Schemas['Sticker'], string> = {
  get star() { return t('sticker.star'); },
  get heart() { return t('sticker.heart'); },
  get trophy() { return t('sticker.trophy'); },
  get rocket() { return t('sticker.rocket'); },
  get rainbow() { return t('sticker.rainbow'); },
  get thumbs_up() { return t('sticker.thumbs_up'); },
  get high_five() { return t('sticker.high_five'); },
  get super_hero() { return t('sticker.super_hero'); },
};
// Typed here, so a sticker missing from the shared pictures fails the type check.
const STICKER_PICTURES: Record<Schemas['Sticker'], string> = STICKER_EMOJI;

export const STICKERS = Object.fromEntries(
  (Object.keys(STICKER_PICTURES) as Schemas['Sticker'][]).map((s) => [
    s,
    { get label() { return STICKER_LABELS[s]; }, emoji: STICKER_PICTURES[s] },
  ]),
) as Record<Schemas['Sticker'], { label: string; emoji: string }>;

export const WEEKDAY_KEYS: Schemas['Weekdays'] = ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'];

export const MOODS: Record<Schemas['Mood'], string> = {
  get happy() { return `😀 ${t('mood.happy')}`; },
  get okay() { return `🙂 ${t('mood.okay')}`; },
  get tired() { return `😴 ${t('mood.tired')}`; },
  get frustrated() { return `😣 ${t('mood.frustrated')}`; },
  get upset() { return `😢 ${t('mood.upset')}`; },
};

export const DIFFICULTY: Record<Schemas['Difficulty'], string> = {
  get easy() { return t('difficulty.easy'); },
  get just_right() { return t('difficulty.just_right'); },
  get hard() { return t('difficulty.hard'); },
};

const REASONS: Record<Schemas['NotDoneReason'], string> = {
  get sick() { return t('outcome.reason.sick'); },
  get refused() { return t('outcome.reason.refused'); },
  get no_time() { return t('outcome.reason.no_time'); },
  get other() { return t('outcome.reason.other'); },
};

export function outcomeLabel(outcome: Schemas['Outcome']): string {
  switch (outcome.status) {
    case 'done':
      return t('outcome.done');
    case 'partly':
      return t('outcome.partly');
    case 'not_done':
      return t('outcome.not_done', { reason: REASONS[outcome.reason] ?? outcome.reason.replace('_', ' ') });
  }
}

export function recorderLabel(r: Schemas['Recorder']): string {
  return r.kind === 'kid_mode' ? t('recorder.kid_mode') : r.name;
}

export function dosageLabel(d: Schemas['Dosage'] | undefined): string {
  if (!d) return '';
  const parts: string[] = [];
  if (d.sets) parts.push(t('dosage.sets', { count: d.sets }));
  if (d.reps) parts.push(t('dosage.reps', { count: d.reps }));
  if (d.hold_seconds) parts.push(t('dosage.hold', { seconds: d.hold_seconds }));
  if (d.duration_seconds) parts.push(t('dosage.minutes', { minutes: Math.round(d.duration_seconds / 60) || 1 }));
  return parts.join(' · ');
}

export function slotLabel(s: Schemas['SlotTime']): string {
  switch (s.kind) {
    case 'moment':
      return MOMENTS[s.moment];
    case 'at':
      return s.time;
    case 'anytime':
      return t('slot.anytime');
  }
}

/** The days of an item, in the language: "Mon, Wed, Fri". */
export function daysLabel(days: readonly string[]): string {
  return days.map(weekdayLabel).join(', ');
}

export const RTM_LEVEL: Record<Schemas['RtmLevel'], string> = {
  get full() { return t('rtm.level.full'); },
  get short() { return t('rtm.level.short'); },
  get below() { return t('rtm.level.below'); },
};
