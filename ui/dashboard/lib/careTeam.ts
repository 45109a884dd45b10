// A child's care team as the dashboard edits it: the members as the server takes them, and in words.
import type { Schemas } from './api/client';

export type TeamMember = Schemas['TeamMemberView'];

export const ROLE: Record<Schemas['TeamRole'], string> = { lead: 'lead', member: 'member' };

/** "Maya Patel · OT · lead". */
export function memberLabel(m: TeamMember, names: Record<string, string> = {}): string {
  return `${m.name ?? names[m.therapist_id] ?? 'A therapist'} · ${m.discipline.toUpperCase()} · ${ROLE[m.role]}`;
}

/** The whole team, in one short line for the overview: "Maya Patel (OT, lead), Sam Lee (PT)". */
export function teamLine(team: TeamMember[]): string {
  if (!team.length) return 'No team';
  return team.map((m) => `${m.name ?? 'A therapist'} (${m.discipline.toUpperCase()}${m.role === 'lead' ? ', lead' : ''})`).join(', ');
}

export function teamInput(members: { therapist_id: string; role: Schemas['TeamRole'] }[]): Schemas['CareTeamInput'] {
  return { members: members.map((m) => ({ therapist_id: m.therapist_id, role: m.role })) };
}

/** What the team would be after a change, checked as the server will: at least one lead, no one twice. */
export function teamProblem(members: { therapist_id: string; role: Schemas['TeamRole'] }[]): string | null {
  if (members.length === 0) return 'A team needs at least one therapist.';
  if (!members.some((m) => m.role === 'lead')) return 'Name at least one lead.';
  if (new Set(members.map((m) => m.therapist_id)).size !== members.length) return 'A therapist is on the team twice.';
  return null;
}

/** The clinic's therapists who could join: those not on the team yet. */
export function candidates(all: Schemas['Therapist'][], team: { therapist_id: string }[]): Schemas['Therapist'][] {
  const on = new Set(team.map((m) => m.therapist_id));
  return all.filter((t) => !on.has(t.id));
}
