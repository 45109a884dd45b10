// The whole clinic as one ZIP, for moving to another system: a folder per child holding the same FHIR Bundle and
// CSVs the child's page exports (built by the same functions, so there is one set of rules), and at the top a
// manifest.json for programs and a README.txt for people saying what is in it.
import { strToU8, zipSync, type Zippable } from 'fflate';
import type { Schemas } from './api/client';
import { goalsCsv, logsCsv } from './export';
import { fhirBundle, type NewId } from './fhir';

/** What the child's page reads to export a child, read the same way for each child of the clinic. */
export interface ChildExport {
  data: Schemas['ChildAdherence'];
  assignments: Schemas['Assignment'][];
  goals: Schemas['GoalSummary'][];
  progress: Schemas['GoalProgress'] | null;
  titles: Record<string, string>;
  recordNumber: string | null;
}

/** A child listed but not packed, and why (say, not on the child's care team under the `team_only` policy). */
export interface ChildLeftOut {
  id: string;
  name: string;
  reason: string;
}

export interface ClinicArchiveInput {
  clinic: { id: string; name: string };
  exportedBy: string;
  exportedAt: Date;
  children: ChildExport[];
  leftOut: ChildLeftOut[];
}

export const FORMAT = 'homeplay-clinic-export';
export const FORMAT_VERSION = 1;
export const CHILD_FILES = ['fhir-bundle.json', 'logs.csv', 'goals.csv'] as const;

const SLUG_MAX = 40;

/**
 * A name as a folder name any system unpacks safely: ASCII letters, digits and single dashes only (so no `..`,
 * no slash, no emoji, no name a filesystem reserves), at most 40 characters; `child` when nothing is left.
 * Accents keep their letter (`Zoë` → `zoe`).
 */
export function slug(name: string): string {
  const s = name
    .normalize('NFKD')
    .replace(/\p{M}+/gu, '')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, SLUG_MAX)
    .replace(/-+$/, '');
  return s || 'child';
}

/** A child's folder: the slug makes it findable by eye, the id makes it unique (two children may share a name). */
export function childFolder(child: { id: string; display_name: string }): string {
  const id = child.id.replace(/[^A-Za-z0-9-]/g, '');
  return `children/${slug(child.display_name)}-${id}`;
}

/** A child's files, by name within the child's folder. */
export function childFiles(c: ChildExport, now: Date, newId?: NewId): Record<(typeof CHILD_FILES)[number], string> {
  const bundle = fhirBundle(c.data, c.assignments, c.titles, now, newId, c.goals, c.recordNumber);
  return {
    'fhir-bundle.json': JSON.stringify(bundle, null, 2),
    'logs.csv': logsCsv(c.data, c.assignments, c.goals),
    'goals.csv': goalsCsv(c.goals, c.progress),
  };
}

export function manifest(input: ClinicArchiveInput) {
  const children = input.children.map((c) => {
    const folder = childFolder(c.data.child);
    return { id: c.data.child.id, name: c.data.child.display_name, folder, files: CHILD_FILES.map((f) => `${folder}/${f}`) };
  });
  return {
    format: FORMAT,
    version: FORMAT_VERSION,
    clinic: input.clinic,
    exported_at: input.exportedAt.toISOString(),
    exported_by: input.exportedBy,
    children_count: input.children.length + input.leftOut.length,
    exported_count: input.children.length,
    children,
    not_exported: input.leftOut,
    files: ['README.txt', 'manifest.json', ...children.flatMap((c) => c.files)],
  };
}

export type ClinicManifest = ReturnType<typeof manifest>;

function readme(m: ClinicManifest): string {
  const lines = [
    `homeplay clinic export: ${m.clinic.name}`,
    '',
    `Exported ${m.exported_at} by ${m.exported_by}.`,
    `${m.exported_count} of ${m.children_count} children exported.`,
    '',
    'Each child has a folder under children/, named by the child\'s name and id:',
    '  fhir-bundle.json  the program, goals and logs as a FHIR R4 Bundle (collection)',
    '  logs.csv          every log, one row each, with the goals its exercise serves',
    '  goals.csv         the goals, one row per GAS review',
    'manifest.json lists every child and file for programs that read this archive.',
  ];
  if (m.not_exported.length) {
    lines.push('', 'Not exported:');
    for (const c of m.not_exported) lines.push(`  ${c.name} (${c.id}): ${c.reason}`);
  }
  lines.push('', 'Files:', ...m.files.map((f) => `  ${f}`));
  return lines.join('\r\n') + '\r\n';
}

/** The archive's bytes. Times in the ZIP are the export's, so the same export packs the same way. */
export function clinicArchive(input: ClinicArchiveInput, newId?: NewId): Uint8Array<ArrayBuffer> {
  const m = manifest(input);
  const mtime = input.exportedAt;
  const files: Zippable = {
    'README.txt': [strToU8(readme(m)), { mtime }],
    'manifest.json': [strToU8(JSON.stringify(m, null, 2)), { mtime }],
  };
  for (const c of input.children) {
    const folder = childFolder(c.data.child);
    for (const [name, text] of Object.entries(childFiles(c, input.exportedAt, newId))) files[`${folder}/${name}`] = [strToU8(text), { mtime }];
  }
  // zipSync allocates its own buffer (never a shared one), which Blob needs.
  return zipSync(files, { level: 6 }) as Uint8Array<ArrayBuffer>;
}

/** The archive's file name: the clinic's slug and the day. */
export const archiveName = (clinicName: string, at: Date) => `${slug(clinicName)}-export-${at.toISOString().slice(0, 10)}.zip`;
