import { describe, expect, it } from 'vitest';
import {
  ageFromBirthMonth, childUpdateBody, draftFromDetail, draftProblems, emptyDraft, isTimeZone, newChildBody, siblingRefusal, type ChildDraft,
} from './childForm';
import type { Schemas } from './api/client';

const draft = (over: Partial<ChildDraft> = {}): ChildDraft => ({ ...emptyDraft('Europe/London'), display_name: 'Leo', ...over });

describe('child form', () => {
  it('finds problems field by field, in the order of the form', () => {
    expect(draftProblems(draft(), true)).toEqual([]);
    const bad = draft({ display_name: ' ', age: '22', birth_month: '2020-01', time_zone: 'Mars/Olympus', record_number: 'x'.repeat(41), caregivers: Array(13).fill('Mum').join(',') });
    expect(draftProblems(bad, true).map((p) => p.field)).toEqual(['display_name', 'age_years', 'birth_month', 'time_zone', 'record_number', 'caregivers']);
    // A sibling or a change has no caregivers field.
    expect(draftProblems(bad, false).map((p) => p.field)).not.toContain('caregivers');
    for (const age of ['', '0', '21', ' 7 ']) expect(draftProblems(draft({ age }), true)).toEqual([]);
    for (const age of ['-1', '2.5', 'five', '100']) expect(draftProblems(draft({ age }), true)[0]?.field).toBe('age_years');
    expect(draftProblems(draft({ time_zone: '' }), true)[0]?.field).toBe('time_zone');
    expect(isTimeZone('America/Chicago')).toBe(true);
  });

  it('sends trimmed values, leaves blanks out, and caregivers only with a new family', () => {
    const d = draft({ display_name: ' Leo ', age: '5', record_number: ' MRN-1 ', caregivers: 'Mum, , Dad ' });
    expect(newChildBody(d)).toEqual({ display_name: 'Leo', time_zone: 'Europe/London', age_years: 5, record_number: 'MRN-1', caregivers: ['Mum', 'Dad'] });
    expect(newChildBody(d, 'f1')).toEqual({ display_name: 'Leo', time_zone: 'Europe/London', age_years: 5, record_number: 'MRN-1', family_id: 'f1' });
    // A change without age or number clears them.
    expect(childUpdateBody(draft())).toEqual({ display_name: 'Leo', time_zone: 'Europe/London' });
  });

  it('opens a change with the child as it is', () => {
    const detail = {
      child: { id: 'c1', family_id: 'f1', display_name: 'Leo', time_zone: 'America/Chicago', age_years: 4 },
      record_number: 'MRN-1',
      family: { id: 'f1', clinic_id: 'k1', label: 'Leo’s family' },
      caregivers: [{ id: 'g1', family_id: 'f1', name: 'Mum' }],
      devices: [],
      may_add_sibling: true,
    } as Schemas['ChildDetail'];
    expect(draftFromDetail(detail)).toEqual({ display_name: 'Leo', age: '4', birth_month: '', time_zone: 'America/Chicago', record_number: 'MRN-1', caregivers: 'Mum' });
    expect(draftFromDetail({ ...detail, record_number: undefined, child: { ...detail.child, age_years: undefined } }).age).toBe('');
  });

  it('works the age out of a birth month, which must have begun and give at most 21 years', () => {
    const today = new Date(2026, 11, 5);
    expect(ageFromBirthMonth('2021-12', today)).toBe(5);
    expect(ageFromBirthMonth('2021-11', today)).toBe(5);
    expect(ageFromBirthMonth('2022-01', new Date(2026, 0, 1))).toBe(4);
    expect(ageFromBirthMonth('2021-06', new Date(2026, 4, 31))).toBe(4);
    expect(ageFromBirthMonth('2026-12', today)).toBe(0);
    for (const bad of ['2027-01', '2026-13', '2026-00', '21-03', '']) expect(ageFromBirthMonth(bad, today)).toBeNull();
    const problems = (born: string, age = '') => draftProblems(draft({ birth_month: born, age }), true, today).map((p) => p.field);
    expect(problems('2021-03')).toEqual([]);
    expect(problems('2027-01')).toEqual(['birth_month']);
    expect(problems('2004-01')).toEqual(['birth_month']);
    expect(problems('2021-03', '5')).toEqual(['birth_month']);
    expect(newChildBody(draft({ birth_month: '2021-03' }), null, today).age_years).toBe(5);
    expect(childUpdateBody(draft({ birth_month: '2026-12' }), today).age_years).toBe(0);
  });

  it('words a refused sibling for the whole form', () => {
    expect(siblingRefusal({ field: 'family_id', message: 'No such family' })?.field).toBeNull();
    expect(siblingRefusal({ field: 'record_number', message: 'Taken' })).toEqual({ field: 'record_number', message: 'Taken' });
    expect(siblingRefusal(null)).toBeNull();
  });
});
