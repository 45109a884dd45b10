// A child's program and logs as a FHIR R4 Bundle (collection): a CarePlan with an activity per assignment,
// an Observation per completion log (based on the CarePlan), a RelatedPerson as the performer for each
// caregiver who logged, and a Goal per therapy goal (the CarePlan's `goal`, each activity's `detail.goal`). Typed against the R4 definitions (`@types/fhir`), so a missing required element or a
// wrong code fails `npm run check`; `bundleProblems` re-checks what types cannot: cardinalities at run time,
// ids, and that every reference resolves inside the Bundle.
import type {
  Bundle, BundleEntry, CarePlan, CarePlanActivity, CarePlanActivityDetail, CodeableConcept, Goal, Observation, ObservationComponent, Patient, Reference,
  RelatedPerson, Resource, TimingRepeat,
} from 'fhir/r4';
import type { Schemas } from './api/client';
import { downloadFile } from './download';

export type HomeplayResource = Patient | CarePlan | Goal | RelatedPerson | Observation;
export type HomeplayBundle = Bundle<HomeplayResource>;

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
// R4 `id`: https://hl7.org/fhir/R4/datatypes.html#id
const FHIR_ID = /^[A-Za-z0-9\-.]{1,64}$/;

const MRN_TYPE = { system: 'http://terminology.hl7.org/CodeSystem/v2-0203', code: 'MR', display: 'Medical record number' };

const urn = (id: string) => `urn:uuid:${id}`;
const ref = (id: string, display?: string): Reference => (display ? { reference: urn(id), display } : { reference: urn(id) });

const CAREPLAN_ACTIVITY_STATUS: Record<Schemas['Status'], CarePlanActivityDetail['status']> = {
  active: 'in-progress',
  paused: 'on-hold',
  ended: 'completed',
};

const OUTCOME_DISPLAY: Record<Schemas['Outcome']['status'], string> = {
  done: 'Done',
  partly: 'Partly done',
  not_done: 'Not done',
};

// A changed goal was replaced by another and a dropped one given up: both are `cancelled` in R4's lifecycle.
const GOAL_LIFECYCLE: Record<Schemas['GoalStatus'], Goal['lifecycleStatus']> = {
  active: 'active',
  met: 'completed',
  changed: 'cancelled',
  dropped: 'cancelled',
};

const GAS_WORDS: [keyof Schemas['GasScale'], number][] = [['much_less', -2], ['less', -1], ['expected', 0], ['more', 1], ['much_more', 2]];

/** The latest GAS review as R4's goal-achievement code: at or past the expected outcome is achieved. */
function achievement(s: Schemas['GoalSummary']): CodeableConcept | undefined {
  const system = 'http://terminology.hl7.org/CodeSystem/goal-achievement';
  if (s.goal.status === 'met') return { coding: [{ system, code: 'achieved', display: 'Achieved' }], text: 'Met' };
  const r = s.latest_review;
  if (!r) return undefined;
  const key = GAS_WORDS.find(([, v]) => v === r.score)?.[0];
  const text = `GAS ${r.score > 0 ? '+' : ''}${r.score} on ${r.date}${key ? `: ${s.goal.scale[key]}` : ''}`;
  const coding = r.score >= 0 ? { system, code: 'achieved', display: 'Achieved' } : { system, code: 'in-progress', display: 'In Progress' };
  return { coding: [coding], text };
}

function fhirGoal(s: Schemas['GoalSummary'], patientId: string, name: string): Goal {
  const g = s.goal;
  const achievementStatus = achievement(s);
  return {
    resourceType: 'Goal',
    id: g.id,
    lifecycleStatus: GOAL_LIFECYCLE[g.status],
    ...(achievementStatus ? { achievementStatus } : {}),
    category: [{ text: g.discipline === 'ot' ? 'Occupational therapy' : 'Physical therapy' }],
    description: { text: g.text },
    subject: ref(patientId, name),
    startDate: g.start_date,
    target: [{ measure: { text: 'Goal Attainment Scaling (expected outcome, 0)' }, detailString: g.scale.expected, dueDate: g.target_date }],
    note: [{ text: `Baseline: ${g.baseline}` }, ...GAS_WORDS.map(([k, v]) => ({ text: `GAS ${v > 0 ? '+' : ''}${v}: ${g.scale[k]}` }))],
  };
}

/** Where resource ids come from when the data has none (the CarePlan, a caregiver known only by name). */
export type NewId = () => string;

export function fhirBundle(
  data: Schemas['ChildAdherence'],
  assignments: Schemas['Assignment'][],
  titles: Record<string, string>,
  now = new Date(),
  newId: NewId = () => crypto.randomUUID(),
  goals: Schemas['GoalSummary'][] = [],
  recordNumber: string | null = null,
): HomeplayBundle {
  const goalIds = new Set(goals.map((s) => s.goal.id));
  const patientId = data.child.id;
  const patient: Patient = {
    resourceType: 'Patient',
    id: patientId,
    // The clinic's own record number, for matching in its EHR: a medical record number (v2 table 0203, MR).
    ...(recordNumber ? { identifier: [{ use: 'usual', type: { coding: [MRN_TYPE], text: 'Clinic record number' }, value: recordNumber }] } : {}),
    name: [{ text: data.child.display_name }],
  };
  const carePlanId = newId();
  const people = new Map<string, RelatedPerson>();
  const observations: Observation[] = [];
  for (const log of data.timeline) {
    // An undone log was withdrawn by the family: it is history, not an observation.
    if (log.undone) continue;
    let performer: Reference;
    if (log.recorded_by.kind === 'caregiver') {
      const key = log.recorded_by.caregiver_id ?? `name:${log.recorded_by.name}`;
      let person = people.get(key);
      if (!person) {
        person = {
          resourceType: 'RelatedPerson',
          id: log.recorded_by.caregiver_id ?? newId(),
          patient: ref(patientId),
          name: [{ text: log.recorded_by.name }],
          relationship: [{ text: 'Caregiver' }],
        };
        people.set(key, person);
      }
      performer = ref(person.id!, log.recorded_by.name);
    } else {
      // Kid mode: the child recorded it.
      performer = ref(patientId, data.child.display_name);
    }
    const component: ObservationComponent[] = [];
    if (log.difficulty) component.push({ code: { text: 'difficulty' }, valueString: log.difficulty });
    if (log.mood) component.push({ code: { text: 'mood' }, valueString: log.mood });
    component.push({ code: { text: 'pain' }, valueBoolean: log.pain });
    if (log.outcome.status === 'not_done') component.push({ code: { text: 'reason not done' }, valueString: log.outcome.reason });
    if (log.actual_reps != null) component.push({ code: { text: 'repetitions' }, valueInteger: log.actual_reps });
    if (log.actual_seconds != null) {
      component.push({ code: { text: 'duration' }, valueQuantity: { value: log.actual_seconds, unit: 's', system: 'http://unitsofmeasure.org', code: 's' } });
    }
    const observation: Observation = {
      resourceType: 'Observation',
      id: log.log_id,
      basedOn: [ref(carePlanId)],
      status: 'final',
      category: [{ coding: [{ system: 'http://terminology.hl7.org/CodeSystem/observation-category', code: 'activity', display: 'Activity' }] }],
      code: { text: `Home exercise: ${log.exercise_title ?? log.exercise_id}` },
      subject: ref(patientId),
      effectiveDateTime: log.date,
      performer: [performer],
      valueCodeableConcept: { text: OUTCOME_DISPLAY[log.outcome.status] },
      component,
    };
    if (log.recorded_at) observation.issued = log.recorded_at;
    if (log.note) observation.note = [{ text: log.note }];
    observations.push(observation);
  }
  const activity: CarePlanActivity[] = assignments.map((a) => {
    const key = a.target.kind === 'exercise' ? a.target.exercise_id : a.target.routine_id;
    const repeat: TimingRepeat = {
      boundsPeriod: a.end_date ? { start: a.start_date, end: a.end_date } : { start: a.start_date },
      frequency: a.slots.length,
      period: 1,
      periodUnit: 'd',
      dayOfWeek: a.days,
    };
    const served = (a.goal_ids ?? []).filter((id) => goalIds.has(id));
    return {
      detail: {
        kind: 'ServiceRequest',
        ...(served.length ? { goal: served.map((id) => ref(id)) } : {}),
        status: CAREPLAN_ACTIVITY_STATUS[a.status],
        code: { text: titles[key] ?? key },
        scheduledTiming: { repeat },
        ...(a.note_for_family ? { description: a.note_for_family } : {}),
      },
    };
  });
  const carePlan: CarePlan = {
    resourceType: 'CarePlan',
    id: carePlanId,
    status: assignments.some((a) => a.status !== 'ended') ? 'active' : 'completed',
    intent: 'plan',
    title: `Home program for ${data.child.display_name}`,
    subject: ref(patientId, data.child.display_name),
    created: now.toISOString(),
    ...(goals.length ? { goal: goals.map((s) => ref(s.goal.id, s.goal.text)) } : {}),
    activity,
  };
  const fhirGoals = goals.map((s) => fhirGoal(s, patientId, data.child.display_name));
  const resources: HomeplayResource[] = [patient, carePlan, ...fhirGoals, ...people.values(), ...observations];
  const entry: BundleEntry<HomeplayResource>[] = resources.map((r) => ({ fullUrl: urn(r.id!), resource: r }));
  return { resourceType: 'Bundle', type: 'collection', timestamp: now.toISOString(), entry };
}

/** Elements R4 requires (cardinality 1..1 or 1..*) on the resources the export makes, by dotted path. */
export const REQUIRED: Record<string, string[]> = {
  Bundle: ['type'],
  Patient: [],
  CarePlan: ['status', 'intent', 'subject', 'activity[].detail.status'],
  Goal: ['lifecycleStatus', 'description', 'subject'],
  Observation: ['status', 'code', 'component[].code'],
  RelatedPerson: ['patient'],
};

/** The values at a dotted path; `a[]` steps into every item of the array `a`. */
function valuesAt(value: unknown, path: string[]): unknown[] {
  if (path.length === 0) return [value];
  const [head, ...rest] = path as [string, ...string[]];
  if (value === null || typeof value !== 'object') return [];
  const many = head.endsWith('[]');
  const child = (value as Record<string, unknown>)[many ? head.slice(0, -2) : head];
  if (many) return Array.isArray(child) ? child.flatMap((c) => valuesAt(c, rest)) : [];
  return child === undefined ? [] : valuesAt(child, rest);
}

/** Whether each object on the way to `path` has it (a missing array means nothing to check). */
function missing(resource: unknown, path: string): boolean {
  const parts = path.split('.');
  const last = parts.pop()!;
  return valuesAt(resource, parts).some((owner) => {
    const v = (owner as Record<string, unknown>)[last];
    return v === undefined || v === null || v === '' || (Array.isArray(v) && v.length === 0);
  });
}

/**
 * What is wrong with a Bundle: a missing required element, a bad id or fullUrl, a duplicate fullUrl, or a
 * reference that does not resolve to an entry. Empty when sound.
 */
export function bundleProblems(bundle: { resourceType?: string; entry?: { fullUrl?: string; resource?: Resource }[] }): string[] {
  const problems: string[] = [];
  if (bundle.resourceType !== 'Bundle') problems.push('not a Bundle');
  for (const path of REQUIRED.Bundle!) if (missing(bundle, path)) problems.push(`Bundle: ${path} is required`);
  const entries = bundle.entry ?? [];
  const urls = new Set<string>();
  entries.forEach((e, i) => {
    const r = e.resource;
    const where = `entry[${i}]${r?.resourceType ? ` ${r.resourceType}` : ''}`;
    if (!r?.resourceType) problems.push(`${where}: no resource`);
    if (!r?.id || !FHIR_ID.test(r.id)) problems.push(`${where}: id ${JSON.stringify(r?.id)} is not a FHIR id`);
    if (!e.fullUrl || !e.fullUrl.startsWith('urn:uuid:') || !UUID.test(e.fullUrl.slice(9))) {
      problems.push(`${where}: fullUrl ${JSON.stringify(e.fullUrl)} is not a urn:uuid`);
    } else if (urls.has(e.fullUrl)) {
      problems.push(`${where}: duplicate fullUrl ${e.fullUrl}`);
    }
    if (e.fullUrl) urls.add(e.fullUrl);
    const required = r?.resourceType ? REQUIRED[r.resourceType] : undefined;
    if (r && !required) problems.push(`${where}: unexpected resource type`);
    for (const path of required ?? []) if (missing(r, path)) problems.push(`${where}: ${path} is required`);
  });
  const walk = (v: unknown) => {
    if (Array.isArray(v)) v.forEach(walk);
    else if (v && typeof v === 'object') {
      for (const [k, x] of Object.entries(v)) {
        if (k === 'reference' && typeof x === 'string' && !urls.has(x)) problems.push(`unresolved reference ${x}`);
        else walk(x);
      }
    }
  };
  walk(entries.map((e) => e.resource));
  return problems;
}

export function downloadFhir(bundle: HomeplayBundle, name: string): void {
  downloadFile(JSON.stringify(bundle, null, 2), name, 'application/fhir+json');
}
