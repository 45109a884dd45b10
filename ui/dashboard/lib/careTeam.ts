// A child's care team as the dashboard edits it: the members as the server takes them, and in words.
import { t } from '../i18n.svelte';
import type { Schemas } from './api/client';
import { DISCIPLINE } from './goals';

export type TeamMember = Schemas['TeamMemberView'];

export const ROLE: Record<Schemas['TeamRole'], string> = {
  get lead() { return t('team_role.lead'); },
  get member() { return t('team_role.member'); },
};

/** "Maya Patel · OT · lead". */
export function memberLabel(m: TeamMember, names: Record<string, string> = {}): string {
  return `${m.name ?? names[m.therapist_id] ?? t('common.a_therapist_capital')} · ${DISCIPLINE[m.discipline]} · ${ROLE[m.role]}`;
}

/** The whole team, in one short line for the overview: "Maya Patel (OT, lead), Sam Lee (PT)". */
export function teamLine(team: TeamMember[]): string {
  if (!team.length) return t('team_line.none');
  return team
    .map((m) => t('team_line.member', { name: m.name ?? t('common.a_therapist_capital'), discipline: DISCIPLINE[m.discipline], role: m.role }))
    .join(', ');
}

export function teamInput(members: { therapist_id: string; role: Schemas['TeamRole'] }[]): Schemas['CareTeamInput'] {
  return { members: members.map((m) => ({ therapist_id: m.therapist_id, role: m.role })) };
}

/** What the team would be after a change, checked as the server will: at least one lead, no one twice. */
export function teamProblem(members: { therapist_id: string; role: Schemas['TeamRole'] }[]): string | null {
  if (members.length === 0) return t('team_problem.empty');
  if (!members.some((m) => m.role === 'lead')) return t('team_problem.no_lead');
  if (new Set(members.map((m) => m.therapist_id)).size !== members.length) return t('team_problem.twice');
  return null;
}

/** The clinic's therapists who could join: those not on the team yet. */
export function candidates(all: Schemas['Therapist'][], team: { therapist_id: string }[]): Schemas['Therapist'][] {
  const on = new Set(team.map((m) => m.therapist_id));
  return all.filter((t) => !on.has(t.id));
}
