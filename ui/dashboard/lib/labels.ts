// Words for the server's enums and shapes, in one place.
import { STICKER_EMOJI } from '../../shared/stickers';
import type { Schemas } from './api/client';
import { shortDate } from './dates';
import { painFlagLabel } from './pain';

export type Flag = Schemas['Flag'];

export function flagLabel(flag: Flag): string {
  switch (flag.kind) {
    case 'no_logs':
      return `No logs for ${flag.days} day${flag.days === 1 ? '' : 's'}`;
    case 'pain':
      return painFlagLabel(flag, shortDate);
    case 'often_hard':
      return `“Hard” ${flag.times}× in 2 weeks`;
    case 'often_refused':
      return `Refused ${flag.times}× in 2 weeks`;
  }
}

export const FLAG_KINDS: { value: Flag['kind']; label: string }[] = [
  { value: 'no_logs', label: 'No logs' },
  { value: 'pain', label: 'Pain' },
  { value: 'often_hard', label: 'Often hard' },
  { value: 'often_refused', label: 'Often refused' },
];

export const SKILL_AREAS: Record<Schemas['SkillArea'], string> = {
  fine_motor: 'Fine motor',
  sensory_processing: 'Sensory processing',
  self_care: 'Self-care',
  cognitive_behavioral: 'Cognitive & behavioural',
  gross_motor: 'Gross motor',
  strength_endurance: 'Strength & endurance',
  balance_coordination: 'Balance & coordination',
  posture_alignment: 'Posture & alignment',
};

export const MOMENTS: Record<Schemas['FamilyMoment'], string> = {
  wake_up: 'Wake-up',
  breakfast: 'Breakfast',
  lunch: 'Lunch',
  after_school: 'After school',
  dinner: 'Dinner',
  bath: 'Bath',
  bedtime: 'Bedtime',
};

const STICKER_LABELS: Record<Schemas['Sticker'], string> = {
  star: 'Star',
  heart: 'Heart',
  trophy: 'Trophy',
  rocket: 'Rocket',
  rainbow: 'Rainbow',
  thumbs_up: 'Thumbs up',
  high_five: 'High five',
  super_hero: 'Super hero',
};
// Typed here, so a sticker missing from the shared pictures fails the type check.
const STICKER_PICTURES: Record<Schemas['Sticker'], string> = STICKER_EMOJI;

export const STICKERS = Object.fromEntries(
  (Object.keys(STICKER_LABELS) as Schemas['Sticker'][]).map((s) => [
    s,
    { label: STICKER_LABELS[s], emoji: STICKER_PICTURES[s] },
  ]),
) as Record<Schemas['Sticker'], { label: string; emoji: string }>;

export const WEEKDAY_KEYS: Schemas['Weekdays'] = ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'];

export const MOODS: Record<Schemas['Mood'], string> = {
  happy: '😀 happy',
  okay: '🙂 okay',
  tired: '😴 tired',
  frustrated: '😣 frustrated',
  upset: '😢 upset',
};

export const DIFFICULTY: Record<Schemas['Difficulty'], string> = {
  easy: 'easy',
  just_right: 'just right',
  hard: 'hard',
};

export function outcomeLabel(outcome: Schemas['Outcome']): string {
  switch (outcome.status) {
    case 'done':
      return 'Done';
    case 'partly':
      return 'Partly';
    case 'not_done':
      return `Not done: ${outcome.reason.replace('_', ' ')}`;
  }
}

export function recorderLabel(r: Schemas['Recorder']): string {
  return r.kind === 'kid_mode' ? 'the child, in kid mode' : r.name;
}

export function dosageLabel(d: Schemas['Dosage'] | undefined): string {
  if (!d) return '';
  const parts: string[] = [];
  if (d.sets) parts.push(`${d.sets} sets`);
  if (d.reps) parts.push(`${d.reps} reps`);
  if (d.hold_seconds) parts.push(`hold ${d.hold_seconds} s`);
  if (d.duration_seconds) parts.push(`${Math.round(d.duration_seconds / 60) || 1} min`);
  return parts.join(' · ');
}

export function slotLabel(s: Schemas['SlotTime']): string {
  switch (s.kind) {
    case 'moment':
      return MOMENTS[s.moment];
    case 'at':
      return s.time;
    case 'anytime':
      return 'Any time';
  }
}

export const RTM_LEVEL: Record<Schemas['RtmLevel'], string> = {
  full: '16+ data days: full threshold met',
  short: '2–15 data days: short threshold met',
  below: 'Fewer than 2 data days',
};
