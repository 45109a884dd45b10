import { describe, expect, it } from 'vitest';
import type { Schemas } from './api/client';
import { actionLabel, actorLabel, appendAuditPage, auditQuery, emptyAudit } from './audit';

const entry = (id: number, extra: Partial<Schemas['AuditItem']> = {}): Schemas['AuditItem'] => ({
  id, at: '2026-11-27T10:00:00Z', actor_kind: 'therapist', actor_id: 't1', actor_name: 'Maya', action: 'login', detail: '', ...extra,
});

describe('audit log paging', () => {
  it('asks for the first page without before, then for older pages', () => {
    expect(auditQuery(null)).toEqual({ limit: 50 });
    expect(auditQuery(emptyAudit(), 10)).toEqual({ limit: 10 });
    expect(auditQuery({ entries: [entry(5)], nextBefore: 5 })).toEqual({ before: 5, limit: 50 });
  });

  it('appends older pages, without repeats, newest first, and knows the end', () => {
    let s = appendAuditPage(emptyAudit(), { entries: [entry(9), entry(8)], next_before: 8 });
    expect(s.nextBefore).toBe(8);
    s = appendAuditPage(s, { entries: [entry(8), entry(7)], next_before: null });
    expect(s.entries.map((e) => e.id)).toEqual([9, 8, 7]);
    expect(s.nextBefore).toBeNull();
    expect(appendAuditPage(s, { entries: [] }).nextBefore).toBeNull();
  });

  it('labels actors and actions', () => {
    expect(actorLabel(entry(1))).toBe('Maya (therapist)');
    expect(actorLabel(entry(1, { actor_kind: 'device', actor_name: null }))).toBe('Device');
    expect(actorLabel(entry(1, { actor_kind: 'system', actor_name: undefined }))).toBe('System');
    expect(actionLabel('update_assignment')).toBe('Update assignment');
  });
});
