// What the engine's unit tests share: a fresh fake IndexedDB per phone, a small family program, and a scripted
// clinic server behind `fetch` that records every request it was sent (bodies un-gzipped).
import 'fake-indexeddb/auto';
import { IDBFactory } from 'fake-indexeddb';
import type { components } from '../../dashboard/lib/api/schema';
import { createWebBackend, type WebBackend, type WebBackendOptions } from './backend';

type Schemas = components['schemas'];
export type Change = Schemas['Change'];

export const CHILD = '01936f4e-0000-7000-8000-0000000c0001';
export const ASSIGNMENT = '01936f4e-0000-7000-8000-0000000a0001';
export const EXERCISE = '01936f4e-0000-7000-8000-0000000e0001';
export const GOAL = '01936f4e-0000-7000-8000-0000000060a1';
export const DEVICE = '01936f4e-8a2b-7c3d-9e4f-5a6b7c8d9e0f';
export const TOKEN = 'hpd_UNhY4JhezH9gQYqvDMWrWH9CwlcKiECVqejMrND2VFw';
export const ORIGIN = 'https://clinic.example';

export function program(): Change[] {
  return [
    { type: 'child', data: { id: CHILD, family_id: '01936f4e-0000-7000-8000-00000000f001', display_name: 'Leo', time_zone: 'Europe/London' } } as Change,
    {
      type: 'assignment',
      data: {
        id: ASSIGNMENT,
        child_id: CHILD,
        target: { kind: 'exercise', exercise_id: EXERCISE },
        assigned_by: '01936f4e-0000-7000-8000-00000000d001',
        start_date: '2030-01-07',
        days: ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'],
        slots: [{ kind: 'moment', moment: 'after_school' }, { kind: 'moment', moment: 'bedtime' }],
        status: 'active',
      },
    } as Change,
    {
      type: 'exercise',
      data: {
        id: EXERCISE,
        origin: { kind: 'clinic', clinic_id: '01936f4e-0000-7000-8000-00000000c001' },
        discipline: 'ot',
        skill_areas: ['fine_motor'],
        title: "Button the teddy's coat",
        kid_title: 'Dress Teddy!',
        instructions: 'Push each big button through its hole.',
        steps: [{ picture: 'builtin:button-the-teddys-coat-2', caption: 'Pinch the button' }],
        dosage: { reps: 3 },
      },
    } as Change,
    {
      type: 'goal',
      data: { id: GOAL, child_id: CHILD, text: 'Does up his buttons', discipline: 'ot', areas: ['fine_motor'], target_date: '2030-06-01', status: 'active' },
    } as Change,
  ];
}

export interface Sent {
  method: string;
  path: string;
  headers: Record<string, string>;
  body: Record<string, unknown> | null;
}

export type Handler = (req: Sent) => { status?: number; body: unknown } | Promise<{ status?: number; body: unknown }>;

/** A `fetch` that answers from `handler` and keeps what it was sent. Throwing from `handler` is a network error. */
export function scriptedFetch(handler: Handler): { fetch: typeof fetch; sent: Sent[] } {
  const sent: Sent[] = [];
  const fn = async (input: RequestInfo | URL, init?: RequestInit): Promise<Response> => {
    const url = new URL(String(input));
    const headers = Object.fromEntries(Object.entries((init?.headers ?? {}) as Record<string, string>).map(([k, v]) => [k.toLowerCase(), v]));
    let text: string | null = null;
    if (init?.body !== undefined && init.body !== null) {
      if (headers['content-encoding'] === 'gzip') {
        const stream = new Blob([init.body as BlobPart]).stream().pipeThrough(new DecompressionStream('gzip'));
        text = await new Response(stream).text();
      } else {
        text = String(init.body);
      }
    }
    const req: Sent = { method: init?.method ?? 'GET', path: url.pathname, headers, body: text === null ? null : (JSON.parse(text) as Record<string, unknown>) };
    sent.push(req);
    const answer = await handler(req);
    return new Response(JSON.stringify(answer.body), { status: answer.status ?? 200, headers: { 'Content-Type': 'application/json' } });
  };
  return { fetch: fn as typeof fetch, sent };
}

/** A clinic that pairs, acknowledges every pushed item, and serves `pages` of changes in turn. */
export function clinic(pages: Change[][] = [program()]): Handler {
  let served = 0;
  return (req) => {
    const hlc = { wall_ms: 1_800_000_000_000, counter: 0 };
    switch (req.path) {
      case '/api/v1/sync/info':
        return { body: { service: 'homeplay', server_version: '0.1.0', protocol_min: 1, protocol_max: 1, server_time_ms: hlc.wall_ms } };
      case '/api/v1/sync/pair':
        return { body: { protocol: 1, device_id: DEVICE, family_id: '01936f4e-0000-7000-8000-00000000f001', clinic_id: '01936f4e-0000-7000-8000-00000000c001', clinic_name: 'Riverside', token: TOKEN } };
      case '/api/v1/sync/push':
        return { body: ackAll(req.body!, hlc) };
      case '/api/v1/sync/pull': {
        const changes = pages[served] ?? [];
        served = Math.min(served + 1, pages.length);
        return { body: { protocol: 1, changes, cursor: `v1.${served}`, more: served < pages.length, server_hlc: hlc, clinic: { pain_advice_at: 6 } } };
      }
      default:
        return { status: 404, body: { error: 'not_found', message: 'no such thing' } };
    }
  };
}

type Item = { id: string; hlc: { wall_ms: number; counter: number } };

export function ackAll(body: Record<string, unknown>, serverHlc = { wall_ms: 1_800_000_000_000, counter: 0 }): Record<string, unknown> {
  const acks = (k: string) => ((body[k] as Item[] | undefined) ?? []).map((i) => ({ id: i.id, hlc: i.hlc }));
  const out: Record<string, unknown> = { protocol: 1, accepted: acks('logs'), rejected: [], server_hlc: serverHlc };
  if (body.check_ins) Object.assign(out, { check_ins_accepted: acks('check_ins'), check_ins_rejected: [] });
  if (body.messages) Object.assign(out, { messages_accepted: acks('messages'), messages_rejected: [] });
  if (body.message_reads) Object.assign(out, { message_reads_accepted: acks('message_reads'), message_reads_rejected: [] });
  return out;
}

export const NOW = new Date('2030-03-06T12:00:00Z');

/** A phone with its own empty IndexedDB, no background loop, a fixed clock. */
export async function phone(fetchFn: typeof fetch, more: WebBackendOptions = {}): Promise<{ backend: WebBackend; factory: IDBFactory }> {
  const factory = (more.indexedDB as IDBFactory | undefined) ?? new IDBFactory();
  const backend = await createWebBackend({ fetch: fetchFn, indexedDB: factory, now: () => NOW, syncIntervalMs: 0, location: null, history: null, storage: null, events: null, ...more });
  return { backend, factory };
}

export const PAIR = { server_url: ORIGIN, code: 'K7QM-4TZD', device_name: 'Mum’s phone', caregiver: 'Mum' };

export function tickInput(date = '2030-03-06', slot = 0) {
  return {
    key: { child_id: CHILD, assignment_id: ASSIGNMENT, exercise_id: EXERCISE, date, slot },
    outcome: { status: 'done' as const },
    details: { actual_reps: null, actual_seconds: null, difficulty: null, mood: null, pain: false, pain_score: null, note: null },
    by_kid: false,
  };
}
