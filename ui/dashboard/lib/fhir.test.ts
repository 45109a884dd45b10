import { describe, expect, it } from 'vitest';
import type { CarePlan, CarePlanActivityDetail, Goal, Observation, Patient, RelatedPerson } from 'fhir/r4';
import { bundleProblems, fhirBundle, type HomeplayBundle } from './fhir';
import { buildCsvFixture } from './fixtures';
import type { Schemas } from './api/client';

const MUM = '0190a1b2-0000-7000-8000-00000000000a';
const CHILD = '0190a1b2-0000-7000-8000-0000000000c1';

function ids() {
  let n = 0;
  return () => `0190a1b2-0000-7000-8000-${String(++n).padStart(12, '0')}`;
}

function fixture(): { data: Schemas['ChildAdherence']; assignments: Schemas['Assignment'][] } {
  const data = buildCsvFixture('hard today');
  data.child.id = CHILD;
  const first = data.timeline[0]!;
  first.log_id = '0190a1b2-0000-7000-8000-0000000000f1';
  data.timeline = [
    first,
    // The same caregiver again, now known by id; kid mode; an undone log; a caregiver known only by name.
    { ...first, log_id: '0190a1b2-0000-7000-8000-0000000000f2', recorded_by: { kind: 'caregiver', name: 'Mum', caregiver_id: MUM }, outcome: { status: 'done' }, note: null, actual_reps: 5 },
    { ...first, log_id: '0190a1b2-0000-7000-8000-0000000000f3', recorded_by: { kind: 'caregiver', name: 'Mum', caregiver_id: MUM }, outcome: { status: 'partly' }, note: null },
    { ...first, log_id: '0190a1b2-0000-7000-8000-0000000000f4', recorded_by: { kind: 'kid_mode' }, outcome: { status: 'done' }, note: null, actual_seconds: 30 },
    { ...first, log_id: '0190a1b2-0000-7000-8000-0000000000f5', undone: true },
  ];
  const base = {
    child_id: CHILD, assigned_by: 't1', start_date: '2026-11-01', slots: [{ kind: 'anytime' }], pauses: [],
  };
  const assignments = [
    { ...base, id: 'a1', target: { kind: 'exercise', exercise_id: 'e1' }, days: ['mon', 'wed'], status: 'active', note_for_family: 'Warm hands first' },
    { ...base, id: 'a2', target: { kind: 'routine', routine_id: 'r1' }, days: ['sat'], status: 'paused', end_date: '2026-12-31', slots: [{ kind: 'anytime' }, { kind: 'anytime' }] },
    { ...base, id: 'a3', target: { kind: 'exercise', exercise_id: 'e2' }, days: ['sun'], status: 'ended' },
  ] as unknown as Schemas['Assignment'][];
  return { data, assignments };
}

function build(): HomeplayBundle {
  const { data, assignments } = fixture();
  return fhirBundle(data, assignments, { e1: 'Bear walk', r1: 'Hand warm-up' }, new Date('2026-11-27T00:00:00Z'), ids());
}

const of = <T>(bundle: HomeplayBundle, type: string) =>
  (bundle.entry ?? []).map((e) => e.resource).filter((r) => r?.resourceType === type) as T[];

describe('FHIR export', () => {
  it('makes a sound R4 collection: required elements present, ids and fullUrls valid, references resolve', () => {
    const bundle = build();
    expect(bundle.type).toBe('collection');
    expect(bundleProblems(bundle)).toEqual([]);
    const types = (bundle.entry ?? []).map((e) => e.resource?.resourceType);
    expect(types).toEqual(['Patient', 'CarePlan', 'RelatedPerson', 'RelatedPerson', 'Observation', 'Observation', 'Observation', 'Observation']);
  });

  it('has one CarePlan (status, intent, subject 1..1) with an activity per assignment', () => {
    const [plan, ...others] = of<CarePlan>(build(), 'CarePlan');
    expect(others).toEqual([]);
    expect(plan!.status).toBe('active');
    expect(plan!.intent).toBe('plan');
    expect(plan!.subject.reference).toBe(`urn:uuid:${CHILD}`);
    const details = plan!.activity!.map((a) => a.detail!);
    expect(details.map((d) => d.status)).toEqual(['in-progress', 'on-hold', 'completed']);
    expect(details.map((d) => d.code?.text)).toEqual(['Bear walk', 'Hand warm-up', 'e2']);
    expect(details[0]!.description).toBe('Warm hands first');
    expect(details[1]!.scheduledTiming?.repeat).toEqual({
      boundsPeriod: { start: '2026-11-01', end: '2026-12-31' }, frequency: 2, period: 1, periodUnit: 'd', dayOfWeek: ['sat'],
    });
  });

  it('makes an Observation per log that was not undone, with status and code (1..1), performed by who recorded it', () => {
    const bundle = build();
    const obs = of<Observation>(bundle, 'Observation');
    const plan = of<CarePlan>(bundle, 'CarePlan')[0]!;
    expect(obs.map((o) => o.id)).not.toContain('0190a1b2-0000-7000-8000-0000000000f5');
    for (const o of obs) {
      expect(o.status).toBe('final');
      expect(o.code.text).toBe('Home exercise: Bear walk');
      expect(o.subject?.reference).toBe(`urn:uuid:${CHILD}`);
      expect(o.basedOn).toEqual([{ reference: `urn:uuid:${plan.id}` }]);
      expect(o.performer).toHaveLength(1);
      for (const c of o.component ?? []) expect(c.code.text).toBeTruthy();
    }
    const [first, second, , kid] = obs;
    expect(first!.valueCodeableConcept?.text).toBe('Not done');
    expect(first!.note).toEqual([{ text: 'hard today' }]);
    expect(first!.issued).toBe('2026-11-26T15:00:00Z');
    expect(first!.component).toContainEqual({ code: { text: 'reason not done' }, valueString: 'sick' });
    expect(first!.component).toContainEqual({ code: { text: 'pain' }, valueBoolean: true });
    expect(second!.component).toContainEqual({ code: { text: 'repetitions' }, valueInteger: 5 });
    expect(second!.performer).toEqual([{ reference: `urn:uuid:${MUM}`, display: 'Mum' }]);
    expect(kid!.performer).toEqual([{ reference: `urn:uuid:${CHILD}`, display: 'Leo' }]);
    expect(kid!.component).toContainEqual({ code: { text: 'duration' }, valueQuantity: { value: 30, unit: 's', system: 'http://unitsofmeasure.org', code: 's' } });
  });

  it('gives the Patient the clinic record number as its identifier when the child has one', () => {
    expect(of<Patient>(build(), 'Patient')[0]!.identifier).toBeUndefined();
    const { data, assignments } = fixture();
    const bundle = fhirBundle(data, assignments, {}, new Date(), ids(), [], 'MRN-0042');
    expect(bundleProblems(bundle)).toEqual([]);
    expect(of<Patient>(bundle, 'Patient')[0]!.identifier).toEqual([{
      use: 'usual',
      type: { coding: [{ system: 'http://terminology.hl7.org/CodeSystem/v2-0203', code: 'MR', display: 'Medical record number' }], text: 'Clinic record number' },
      value: 'MRN-0042',
    }]);
  });

  it('makes one RelatedPerson (patient 1..1) per caregiver who logged', () => {
    const people = of<RelatedPerson>(build(), 'RelatedPerson');
    expect(people.map((p) => p.name?.[0]?.text)).toEqual(['Mum', 'Mum']);
    expect(people.map((p) => p.id)).toEqual(['0190a1b2-0000-7000-8000-000000000002', MUM]);
    for (const p of people) expect(p.patient.reference).toBe(`urn:uuid:${CHILD}`);
  });

  it('a parent\'s note is data, never markup or a reference', () => {
    const { data, assignments } = fixture();
    data.timeline[0]!.note = '<script>alert(1)</script> {"reference":"urn:uuid:nope"}';
    const bundle = fhirBundle(data, assignments, {}, new Date(), ids());
    expect(bundleProblems(bundle)).toEqual([]);
    expect(of<Observation>(bundle, 'Observation')[0]!.note![0]!.text).toBe('<script>alert(1)</script> {"reference":"urn:uuid:nope"}');
  });

  it('finds what is wrong: missing required elements, bad ids, unresolved references', () => {
    const bundle = build();
    const entries = bundle.entry!;
    const plan = entries[1]!.resource as Partial<CarePlan>;
    delete plan.intent;
    delete (plan.activity![0]!.detail as Partial<CarePlanActivityDetail>).status;
    delete (entries[2]!.resource as Partial<RelatedPerson>).patient;
    const obs = entries[4]!.resource as Partial<Observation>;
    delete obs.status;
    obs.subject = { reference: 'urn:uuid:0190a1b2-0000-7000-8000-999999999999' };
    entries[5]!.fullUrl = 'Observation/x';
    (entries[6]!.resource as Observation).id = 'not an id!';
    expect(bundleProblems(bundle)).toEqual([
      'entry[1] CarePlan: intent is required',
      'entry[1] CarePlan: activity[].detail.status is required',
      'entry[2] RelatedPerson: patient is required',
      'entry[4] Observation: status is required',
      'entry[5] Observation: fullUrl "Observation/x" is not a urn:uuid',
      'entry[6] Observation: id "not an id!" is not a FHIR id',
      'unresolved reference urn:uuid:0190a1b2-0000-7000-8000-999999999999',
    ]);
    expect(bundleProblems({ resourceType: 'Bundle', entry: [] })).toEqual(['Bundle: type is required']);
  });

  it('makes a Goal per therapy goal, referenced by the CarePlan and by the activities that serve it', () => {
    const { data, assignments } = fixture();
    const SOCKS = '0190a1b2-0000-7000-8000-0000000000a1';
    const STAIRS = '0190a1b2-0000-7000-8000-0000000000a2';
    assignments[0]!.goal_ids = [SOCKS, STAIRS];
    assignments[1]!.goal_ids = [SOCKS];
    const scale = { much_less: 'Hand over hand', less: 'Pulls up', expected: 'One prompt', more: 'Alone', much_more: 'With shoes' };
    const goal = (id: string, text: string, status: Schemas['GoalStatus']): Schemas['Goal'] => ({
      id, child_id: CHILD, text, discipline: 'ot', areas: ['self_care'], baseline: 'Hand over hand', scale,
      start_date: '2026-09-01', target_date: '2026-12-15', status, set_by: 't1', version: 1, updated_at: '2026-09-01T00:00:00Z',
    });
    const review = { id: 'r1', goal_id: SOCKS, child_id: CHILD, date: '2026-11-20', score: -1, therapist_id: 't1', created_at: '2026-11-20T00:00:00Z' };
    const goals: Schemas['GoalSummary'][] = [
      { goal: goal(SOCKS, 'Puts on socks', 'active'), latest_review: review, assignment_ids: ['a1', 'a2'] },
      { goal: { ...goal(STAIRS, 'Climbs stairs', 'changed'), replaced_by: SOCKS }, assignment_ids: ['a1'] },
    ];
    const bundle = fhirBundle(data, assignments, {}, new Date('2026-11-27T00:00:00Z'), ids(), goals);
    expect(bundleProblems(bundle)).toEqual([]);
    const [socks, stairs] = of<Goal>(bundle, 'Goal');
    expect(socks).toMatchObject({
      id: SOCKS, lifecycleStatus: 'active', description: { text: 'Puts on socks' }, subject: { reference: `urn:uuid:${CHILD}` },
      target: [{ dueDate: '2026-12-15', detailString: 'One prompt' }],
    });
    expect(socks!.achievementStatus?.coding?.[0]?.code).toBe('in-progress');
    expect(socks!.achievementStatus?.text).toBe('GAS -1 on 2026-11-20: Pulls up');
    expect(stairs!.lifecycleStatus).toBe('cancelled');
    expect(stairs!.achievementStatus).toBeUndefined();
    const plan = of<CarePlan>(bundle, 'CarePlan')[0]!;
    expect(plan.goal?.map((r) => r.reference)).toEqual([`urn:uuid:${SOCKS}`, `urn:uuid:${STAIRS}`]);
    expect(plan.activity!.map((a) => a.detail!.goal?.map((r) => r.reference) ?? [])).toEqual([
      [`urn:uuid:${SOCKS}`, `urn:uuid:${STAIRS}`], [`urn:uuid:${SOCKS}`], [],
    ]);
    // A goal the export does not carry is not referenced (it would not resolve).
    const partial = fhirBundle(data, assignments, {}, new Date(), ids(), goals.slice(0, 1));
    expect(bundleProblems(partial)).toEqual([]);
    const broken = fhirBundle(data, assignments, {}, new Date(), ids(), goals);
    broken.entry = broken.entry!.filter((e) => e.resource?.id !== STAIRS);
    expect(bundleProblems(broken)).toContain(`unresolved reference urn:uuid:${STAIRS}`);
  });
});
