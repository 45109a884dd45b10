import { describe, expect, it } from 'vitest';
import type { Schemas } from './api/client';
import { emptyAssign } from './assignForm';
import { batchBody, dosageFromTemplate, emptyDosage, itemField, selectionFieldProblems, selectionProblems, templateBody } from './assignMany';

const exercise = (id: string) => ({ id, title: id }) as Schemas['Exercise'];

describe('assigning selected exercises in one submit', () => {
  it('sends every exercise with the shared days, times and dosage', () => {
    const when = { ...emptyAssign('2030-03-04'), days: ['wed', 'mon'] as Schemas['Weekdays'], reps: 5, note: ' Have fun ' };
    const body = batchBody([exercise('a'), exercise('b')], when, null);
    expect(body.items.map((i) => i.target)).toEqual([
      { kind: 'exercise', exercise_id: 'a' },
      { kind: 'exercise', exercise_id: 'b' },
    ]);
    for (const item of body.items) {
      expect(item.days).toEqual(['mon', 'wed']);
      expect(item.dosage).toEqual({ reps: 5, sets: null, hold_seconds: null, duration_seconds: null });
      expect(item.note_for_family).toBe('Have fun');
      expect(item.start_date).toBe('2030-03-04');
    }
  });

  it('gives each exercise its own dosage when set per item, keeping the exercise own where empty', () => {
    const when = { ...emptyAssign('2030-03-04'), reps: 99 };
    const perItem = { a: { ...emptyDosage(), reps: 5, sets: 2 }, b: emptyDosage() };
    const body = batchBody([exercise('a'), exercise('b'), exercise('c')], when, perItem);
    expect(body.items[0]!.dosage).toEqual({ reps: 5, sets: 2, hold_seconds: null, duration_seconds: null });
    expect(body.items[1]!.dosage).toEqual({ reps: null, sets: null, hold_seconds: null, duration_seconds: null });
    expect(body.items[2]!.dosage).toEqual({ reps: null, sets: null, hold_seconds: null, duration_seconds: null });
  });

  it('says what is missing before sending', () => {
    expect(selectionProblems(0, '')).toEqual(['Pick a child.', 'Select at least one exercise.']);
    expect(selectionProblems(21, 'c1')).toHaveLength(1);
    expect(selectionProblems(3, 'c1')).toEqual([]);
  });

  it('finds the item a server error is about', () => {
    expect(itemField('items[2].dosage.reps')).toEqual({ index: 2, field: 'dosage.reps' });
    expect(itemField('items[0].target')).toEqual({ index: 0, field: 'target' });
    expect(itemField('items[11]')).toEqual({ index: 11, field: '' });
    expect(itemField('items')).toBeNull();
    expect(itemField(null)).toBeNull();
  });

  it("uses an item's own note where it has one, the shared note elsewhere", () => {
    const when = { ...emptyAssign('2030-03-04'), note: 'Have fun' };
    const perItem = { a: { ...emptyDosage(), note: ' Barefoot ' }, b: emptyDosage() };
    const body = batchBody([exercise('a'), exercise('b')], when, perItem);
    expect(body.items.map((i) => i.note_for_family)).toEqual(['Barefoot', 'Have fun']);
  });

  it('saves the selection as a template and reads it back unchanged', () => {
    const perItem = { a: { ...emptyDosage(), reps: 5, note: 'Slowly' }, b: { ...emptyDosage(), hold_seconds: 10.4 } };
    const body = templateBody('  Balance week ', [exercise('a'), exercise('b')], perItem);
    expect(body).toEqual({
      title: 'Balance week',
      items: [
        { exercise_id: 'a', dosage: { reps: 5, sets: null, hold_seconds: null, duration_seconds: null }, note_for_family: 'Slowly' },
        { exercise_id: 'b', dosage: { reps: null, sets: null, hold_seconds: 10, duration_seconds: null }, note_for_family: null },
      ],
    });
    expect(dosageFromTemplate(body.items[0]!)).toEqual({ ...perItem.a });
  });
});

describe('the selection, checked before sending', () => {
  it('names each problem by the field it shows beside', () => {
    expect(selectionFieldProblems(0, '')).toEqual([
      { field: 'child', message: 'Pick a child.' },
      { field: 'items', message: 'Select at least one exercise.' },
    ]);
    expect(selectionFieldProblems(3, null)).toEqual([]);
    expect(selectionFieldProblems(21, 'c1').map((p) => p.field)).toEqual(['items']);
  });
});
