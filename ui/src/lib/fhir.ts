// A child's program and logs as a FHIR R4 Bundle (collection): a CarePlan with an activity per assignment,
// an Observation per completion log, and a RelatedPerson as the performer for each caregiver who logged.
// Structural only (resource types, references that resolve inside the Bundle); no profile validation.
import type { Schemas } from './api/client';

type Resource = Record<string, unknown> & { resourceType: string; id: string };

const urn = (id: string) => `urn:uuid:${id}`;

export function fhirBundle(data: Schemas['ChildAdherence'], assignments: Schemas['Assignment'][], titles: Record<string, string>, now = new Date()): Record<string, unknown> {
  const patientId = data.child.id;
  const patient: Resource = { resourceType: 'Patient', id: patientId, name: [{ text: data.child.display_name }] };
  const people = new Map<string, Resource>();
  const observations: Resource[] = [];
  for (const log of data.timeline) {
    if (log.undone) continue;
    let performer: string;
    if (log.recorded_by.kind === 'caregiver') {
      const key = log.recorded_by.caregiver_id ?? `name-${log.recorded_by.name}`;
      const id = log.recorded_by.caregiver_id ?? `caregiver-${people.size + 1}`;
      if (!people.has(key)) {
        people.set(key, { resourceType: 'RelatedPerson', id, patient: { reference: urn(patientId) }, name: [{ text: log.recorded_by.name }] });
      }
      performer = urn(people.get(key)!.id);
    } else {
      performer = urn(patientId);
    }
    const components: Record<string, unknown>[] = [];
    if (log.difficulty) components.push({ code: { text: 'difficulty' }, valueString: log.difficulty });
    if (log.mood) components.push({ code: { text: 'mood' }, valueString: log.mood });
    components.push({ code: { text: 'pain' }, valueBoolean: log.pain });
    if (log.outcome.status === 'not_done') components.push({ code: { text: 'reason not done' }, valueString: log.outcome.reason });
    observations.push({
      resourceType: 'Observation',
      id: log.log_id,
      status: 'final',
      category: [{ coding: [{ system: 'http://terminology.hl7.org/CodeSystem/observation-category', code: 'activity', display: 'Activity' }] }],
      code: { text: `Home exercise: ${log.exercise_title ?? log.exercise_id}` },
      subject: { reference: urn(patientId) },
      effectiveDateTime: log.date,
      ...(log.recorded_at ? { issued: log.recorded_at } : {}),
      performer: [{ reference: performer }],
      valueCodeableConcept: { text: log.outcome.status },
      component: components,
      ...(log.note ? { note: [{ text: log.note }] } : {}),
    });
  }
  const status = (s: Schemas['Status']) => (s === 'active' ? 'in-progress' : s === 'paused' ? 'on-hold' : 'completed');
  const dayCode = (d: string) => d;
  const carePlan: Resource = {
    resourceType: 'CarePlan',
    id: `careplan-${patientId}`,
    status: assignments.some((a) => a.status !== 'ended') ? 'active' : 'completed',
    intent: 'plan',
    title: `Home program for ${data.child.display_name}`,
    subject: { reference: urn(patientId) },
    created: now.toISOString(),
    activity: assignments.map((a) => {
      const key = a.target.kind === 'exercise' ? a.target.exercise_id : a.target.routine_id;
      return {
        detail: {
          kind: 'ServiceRequest',
          status: status(a.status),
          code: { text: titles[key] ?? key },
          scheduledTiming: {
            repeat: {
              boundsPeriod: { start: a.start_date, ...(a.end_date ? { end: a.end_date } : {}) },
              frequency: a.slots.length,
              period: 1,
              periodUnit: 'd',
              dayOfWeek: a.days.map(dayCode),
            },
          },
          ...(a.note_for_family ? { description: a.note_for_family } : {}),
        },
      };
    }),
  };
  const resources = [patient, carePlan, ...people.values(), ...observations];
  return {
    resourceType: 'Bundle',
    type: 'collection',
    timestamp: now.toISOString(),
    entry: resources.map((r) => ({ fullUrl: urn(r.id), resource: r })),
  };
}

/** Problems with a Bundle's structure: missing types or ids, duplicate fullUrls, references that do not resolve. */
export function bundleProblems(bundle: Record<string, unknown>): string[] {
  const problems: string[] = [];
  if (bundle.resourceType !== 'Bundle') problems.push('not a Bundle');
  const entries = (bundle.entry as { fullUrl?: string; resource?: Resource }[] | undefined) ?? [];
  const urls = new Set<string>();
  for (const e of entries) {
    if (!e.fullUrl || !e.resource?.resourceType || !e.resource.id) problems.push(`entry without fullUrl, type or id: ${JSON.stringify(e).slice(0, 80)}`);
    if (e.fullUrl && urls.has(e.fullUrl)) problems.push(`duplicate fullUrl ${e.fullUrl}`);
    if (e.fullUrl) urls.add(e.fullUrl);
  }
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

export function downloadFhir(bundle: Record<string, unknown>, name: string): void {
  const blob = new Blob([JSON.stringify(bundle, null, 2)], { type: 'application/fhir+json' });
  const a = document.createElement('a');
  a.href = URL.createObjectURL(blob);
  a.download = name;
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(a.href), 1000);
}
