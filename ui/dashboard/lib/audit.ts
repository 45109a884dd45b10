// The audit log page: pages of entries, newest first, joined as "Load more" fetches older ones.
import { t } from '../i18n.svelte';
import type { Schemas } from './api/client';

export const AUDIT_PAGE_SIZE = 50;

export interface AuditState {
  entries: Schemas['AuditItem'][];
  /** The `before` for the next (older) page; null once the last page is loaded. */
  nextBefore: number | null;
}

export const emptyAudit = (): AuditState => ({ entries: [], nextBefore: null });

/** The query for the next page: the first page has no `before`. */
export function auditQuery(state: AuditState | null, limit = AUDIT_PAGE_SIZE): { before?: number; limit: number } {
  return state && state.nextBefore !== null ? { before: state.nextBefore, limit } : { limit };
}

/** Appends an older page, skipping any entry already shown (by id), newest first. */
export function appendAuditPage(state: AuditState, page: Schemas['AuditPage']): AuditState {
  const seen = new Set(state.entries.map((e) => e.id));
  const entries = [...state.entries, ...page.entries.filter((e) => !seen.has(e.id))];
  entries.sort((a, b) => b.id - a.id);
  return { entries, nextBefore: page.next_before ?? null };
}

/** Who did it, for a row of the log. */
export function actorLabel(e: Schemas['AuditItem']): string {
  const kind = e.actor_kind === 'therapist' ? t('audit.actor.therapist') : e.actor_kind === 'device' ? t('audit.actor.device') : e.actor_kind === 'system' ? t('audit.actor.system') : e.actor_kind;
  return e.actor_name ? t('audit.actor_named', { name: e.actor_name, kind: kind.toLocaleLowerCase() }) : kind;
}

/** `update_assignment` → `Update assignment`. */
export function actionLabel(action: string): string {
  const words = action.replace(/[_.]+/g, ' ').trim();
  return words ? words.charAt(0).toUpperCase() + words.slice(1) : action;
}
