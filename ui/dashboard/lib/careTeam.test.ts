import { describe, expect, it } from 'vitest';
import type { Schemas } from './api/client';
import { candidates, memberLabel, teamInput, teamLine, teamProblem } from './careTeam';

const maya: Schemas['TeamMemberView'] = { therapist_id: 't1', name: 'Maya Patel', discipline: 'ot', role: 'lead' };
const sam: Schemas['TeamMemberView'] = { therapist_id: 't2', name: 'Sam Lee', discipline: 'pt', role: 'member' };

describe('care team', () => {
  it('says who is on it, with discipline and role', () => {
    expect(memberLabel(maya)).toBe('Maya Patel · OT · lead');
    expect(memberLabel({ ...sam, name: null }, { t2: 'Sam' })).toBe('Sam · PT · member');
    expect(teamLine([maya, sam])).toBe('Maya Patel (OT, lead), Sam Lee (PT)');
    expect(teamLine([])).toBe('No team');
  });

  it('refuses a team without a lead or with someone twice, as the server does', () => {
    expect(teamProblem([maya, sam])).toBeNull();
    expect(teamProblem([])).toMatch(/at least one/);
    expect(teamProblem([{ ...maya, role: 'member' }, sam])).toBe('Name at least one lead.');
    expect(teamProblem([maya, { ...maya, role: 'member' }])).toMatch(/twice/);
    expect(teamInput([maya, sam])).toEqual({ members: [{ therapist_id: 't1', role: 'lead' }, { therapist_id: 't2', role: 'member' }] });
  });

  it('offers the clinic therapists not on the team yet', () => {
    const t = (id: string) => ({ id, clinic_id: 'k', name: id, email: `${id}@x`, discipline: 'ot', role: 'therapist' }) as Schemas['Therapist'];
    expect(candidates([t('t1'), t('t2'), t('t3')], [maya, sam]).map((x) => x.id)).toEqual(['t3']);
  });
});
