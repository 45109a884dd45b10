import { describe, expect, it } from 'vitest';
import { strFromU8, unzipSync } from 'fflate';
import type { Schemas } from './api/client';
import { ApiError } from './api/client';
import { CHILD_FILES, childFolder, clinicArchive, slug, type ChildExport, type ClinicManifest } from './clinicArchive';
import { ExportCancelled, NOT_ON_TEAM, readAll } from './clinicExport';
import { goalsCsv, logsCsv } from './export';
import { buildCsvFixture, goalFixture } from './fixtures';

const AT = new Date('2026-12-05T10:00:00Z');

function child(id: string, name: string): ChildExport {
  const data = buildCsvFixture('tired');
  data.child = { ...data.child, id, display_name: name };
  const goals: Schemas['GoalSummary'][] = [{ goal: goalFixture({ child_id: id }) } as Schemas['GoalSummary']];
  return { data, assignments: [], goals, progress: null, titles: {}, recordNumber: id === 'c1' ? 'MRN-7' : null };
}

function ids() {
  let n = 0;
  return () => `0190a1b2-0000-7000-8000-${String(++n).padStart(12, '0')}`;
}

describe('slug', () => {
  it('keeps letters and digits, and nothing a path could be made of', () => {
    expect(slug('Leo')).toBe('leo');
    expect(slug('Zoë Ångström')).toBe('zoe-angstrom');
    expect(slug('../x')).toBe('x');
    expect(slug('..\\..\\etc/passwd')).toBe('etc-passwd');
    expect(slug('🦄🌈')).toBe('child');
    expect(slug('Mia 🦄 B.')).toBe('mia-b');
    expect(slug('   ')).toBe('child');
    expect(slug('CON')).toBe('con');
    expect(slug('a'.repeat(80)).length).toBe(40);
    expect(slug(`${'a'.repeat(39)} b`)).toBe('a'.repeat(39));
  });

  it('names a child by slug and id, never the name alone', () => {
    expect(childFolder({ id: 'c1', display_name: '../x' })).toBe('children/x-c1');
    expect(childFolder({ id: '0190a1b2-0000-7000-8000-0000000000c1', display_name: '🦄' })).toBe('children/child-0190a1b2-0000-7000-8000-0000000000c1');
  });
});

describe('clinicArchive', () => {
  const input = {
    clinic: { id: 'k1', name: 'Riverside' },
    exportedBy: 'Maya',
    exportedAt: AT,
    children: [child('c1', 'Leo'), child('c2', '../x'), child('c3', '🦄')],
    leftOut: [{ id: 'c4', name: 'Noah', reason: NOT_ON_TEAM }],
  };
  const files = unzipSync(clinicArchive(input, ids()));
  const text = (name: string) => strFromU8(files[name]!);

  it('has a README, a manifest and a folder per child with its bundle and CSVs, and nothing else', () => {
    const folders = ['children/leo-c1', 'children/x-c2', 'children/child-c3'];
    const expected = ['README.txt', 'manifest.json', ...folders.flatMap((f) => CHILD_FILES.map((n) => `${f}/${n}`))];
    expect(Object.keys(files).sort()).toEqual(expected.sort());
    for (const name of Object.keys(files)) expect(name.split('/')).not.toContain('..');
  });

  it('says what is in it', () => {
    const m = JSON.parse(text('manifest.json')) as ClinicManifest;
    expect(m).toMatchObject({ format: 'homeplay-clinic-export', version: 1, clinic: { id: 'k1', name: 'Riverside' }, exported_at: AT.toISOString(), exported_by: 'Maya', children_count: 4, exported_count: 3 });
    expect(m.children.map((c) => [c.id, c.name, c.folder])).toEqual([['c1', 'Leo', 'children/leo-c1'], ['c2', '../x', 'children/x-c2'], ['c3', '🦄', 'children/child-c3']]);
    expect(m.not_exported).toEqual([{ id: 'c4', name: 'Noah', reason: NOT_ON_TEAM }]);
    expect([...m.files].sort()).toEqual(Object.keys(files).sort());
    const readme = text('README.txt');
    expect(readme).toContain('homeplay clinic export: Riverside');
    expect(readme).toContain('3 of 4 children exported.');
    expect(readme).toContain('Noah (c4): not exported');
    expect(readme).toContain('children/x-c2/fhir-bundle.json');
  });

  it("holds each child's bundle and CSVs as the child's page makes them", () => {
    const bundle = JSON.parse(text('children/leo-c1/fhir-bundle.json')) as { resourceType: string; entry: { resource: { resourceType: string; id?: string; identifier?: { value: string }[] } }[] };
    expect(bundle.resourceType).toBe('Bundle');
    const patient = bundle.entry.find((e) => e.resource.resourceType === 'Patient')!.resource;
    expect(patient.id).toBe('c1');
    expect(patient.identifier?.[0]?.value).toBe('MRN-7');
    const other = JSON.parse(text('children/x-c2/fhir-bundle.json')) as typeof bundle;
    expect(other.entry.find((e) => e.resource.resourceType === 'Patient')!.resource.id).toBe('c2');
    const leo = input.children[0]!;
    expect(text('children/leo-c1/logs.csv')).toBe(logsCsv(leo.data, leo.assignments, leo.goals));
    expect(text('children/leo-c1/goals.csv')).toBe(goalsCsv(leo.goals, leo.progress));
  });
});

describe('readAll', () => {
  const list = ['c1', 'c2', 'c3', 'c4', 'c5', 'c6', 'c7'].map((id) => ({ id, display_name: `Child ${id}` }));

  it('reads every child a few at a time, in order, leaving out (with the reason) those it may not open', async () => {
    let running = 0;
    let most = 0;
    const progress: string[] = [];
    const { exported, leftOut } = await readAll({
      children: list,
      atOnce: 3,
      read: async (id) => {
        running += 1;
        most = Math.max(most, running);
        await new Promise((r) => setTimeout(r, id === 'c1' ? 5 : 1));
        running -= 1;
        if (id === 'c4') throw new ApiError(404, { error: 'not_found', message: 'no such child' });
        return child(id, `Child ${id}`);
      },
      onProgress: (done, total) => progress.push(`${done} of ${total}`),
    });
    expect(exported.map((c) => c.data.child.id)).toEqual(['c1', 'c2', 'c3', 'c5', 'c6', 'c7']);
    expect(leftOut).toEqual([{ id: 'c4', name: 'Child c4', reason: NOT_ON_TEAM }]);
    expect(most).toBe(3);
    expect(progress.at(0)).toBe('0 of 7');
    expect(progress.at(-1)).toBe('7 of 7');
  });

  it('stops on any other failure, and when cancelled', async () => {
    const failing = readAll({ children: list, read: async (id) => { if (id === 'c2') throw new ApiError(500, { error: 'internal', message: 'boom' }); return child(id, id); } });
    await expect(failing).rejects.toMatchObject({ status: 500 });
    const stop = new AbortController();
    const read: string[] = [];
    const cancelled = readAll({ children: list, atOnce: 1, signal: stop.signal, read: async (id) => { read.push(id); if (id === 'c2') stop.abort(); return child(id, id); } });
    await expect(cancelled).rejects.toBeInstanceOf(ExportCancelled);
    expect(read).toEqual(['c1', 'c2']);
  });
});
