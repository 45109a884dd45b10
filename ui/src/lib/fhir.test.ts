import { describe, expect, it } from 'vitest';
import { bundleProblems, fhirBundle } from './fhir';
import { buildCsvFixture } from './fixtures';
import type { Schemas } from './api/client';

describe('FHIR export', () => {
  it('makes a structurally sound Bundle: CarePlan, Observation per log, RelatedPerson performer', () => {
    const data = buildCsvFixture('hard today');
    const assignment = {
      id: 'a1', child_id: 'c1', target: { kind: 'exercise', exercise_id: 'e1' }, assigned_by: 't1', start_date: '2026-11-01',
      days: ['mon', 'wed'], slots: [{ kind: 'anytime' }], status: 'active', pauses: [],
    } as unknown as Schemas['Assignment'];
    const bundle = fhirBundle(data, [assignment], { e1: 'Bear walk' }, new Date('2026-11-27T00:00:00Z'));
    expect(bundleProblems(bundle)).toEqual([]);
    const types = (bundle.entry as { resource: { resourceType: string } }[]).map((e) => e.resource.resourceType);
    expect(types).toEqual(['Patient', 'CarePlan', 'RelatedPerson', 'Observation']);
    const obs = (bundle.entry as { resource: Record<string, unknown> }[])[3]!.resource;
    expect(obs.performer).toEqual([{ reference: 'urn:uuid:caregiver-1' }]);
    expect(obs.note).toEqual([{ text: 'hard today' }]);
  });

  it('finds broken references', () => {
    expect(bundleProblems({ resourceType: 'Bundle', entry: [{ fullUrl: 'urn:uuid:x', resource: { resourceType: 'Observation', id: 'x', subject: { reference: 'urn:uuid:nope' } } }] }))
      .toEqual(['unresolved reference urn:uuid:nope']);
  });
});
