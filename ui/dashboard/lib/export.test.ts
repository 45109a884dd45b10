import { describe, expect, it } from 'vitest';
import type { Schemas } from './api/client';
import { csvCell, goalsCsv, logsCsv } from './export';
import { buildCsvFixture, goalFixture } from './fixtures';

describe('CSV export', () => {
  it('quotes and defuses cells', () => {
    expect(csvCell('plain')).toBe('plain');
    expect(csvCell('a, "b"')).toBe('"a, ""b"""');
    expect(csvCell('=HYPERLINK("x")')).toBe(`"'=HYPERLINK(""x"")"`);
    expect(csvCell(null)).toBe('');
    expect(csvCell(-2)).toBe('-2');
    expect(csvCell('-2')).toBe("'-2");
  });

  it('writes one row per log with a header, keeping a parent\u2019s note as text', () => {
    const csv = logsCsv(buildCsvFixture('<script>alert(1)</script>, hard'));
    const lines = csv.trimEnd().split('\r\n');
    expect(lines[0]).toBe('date,exercise,outcome,reason,difficulty,mood,pain,note,recorded_by,device,recorded_at,undone,goals');
    expect(lines[1]).toBe('2026-11-26,Bear walk,not_done,sick,hard,tired,yes,"<script>alert(1)</script>, hard",Mum,Kitchen laptop,2026-11-26T15:00:00Z,no,');
  });

  it('names the goals each logged item serves', () => {
    const a1 = { id: 'a1', goal_ids: ['g1', 'g2'] } as Schemas['Assignment'];
    const goals = [{ goal: goalFixture(), assignment_ids: ['a1'] }, { goal: goalFixture({ id: 'g2', text: 'Climbs stairs' }), assignment_ids: ['a1'] }];
    const line = logsCsv(buildCsvFixture('ok'), [a1], goals).split('\r\n')[1]!;
    expect(line.endsWith(',Puts on socks by himself; Climbs stairs')).toBe(true);
  });

  it('writes a goals CSV with a row per review, the level in the therapist words', () => {
    const socks = goalFixture();
    const stairs = goalFixture({ id: 'g2', text: 'Climbs stairs', discipline: 'pt', status: 'met' });
    const progress: Schemas['GoalProgress'] = {
      today: '2026-11-27',
      goals: [{
        goal_id: 'g1', text: socks.text, discipline: 'ot', status: 'active', start_date: socks.start_date, target_date: socks.target_date,
        reviews: [{ date: '2026-09-01', score: -2 }, { date: '2026-10-20', score: 0 }], weeks: [], adherence: 0.75,
        linked_assignment_ids: ['a1'], trend: 'progress_with_practice',
      }],
    };
    const lines = goalsCsv([{ goal: socks, assignment_ids: ['a1'] }, { goal: stairs, assignment_ids: [] }], progress).trimEnd().split('\r\n');
    expect(lines[0]).toBe('goal,discipline,areas,status,start_date,target_date,baseline,expected_outcome,review_date,score,level,practice,trend');
    expect(lines[1]).toBe("Puts on socks by himself,OT,Self-care; Fine motor,Active,2026-09-01,2026-12-15,Needs hand-over-hand help,Puts on socks with one verbal prompt,2026-09-01,-2,Needs hand-over-hand help,75%,Progress with regular practice");
    expect(lines[2]).toContain(',2026-10-20,0,Puts on socks with one verbal prompt,75%,');
    expect(lines[3]).toBe('Climbs stairs,PT,Self-care; Fine motor,Met,2026-09-01,2026-12-15,Needs hand-over-hand help,Puts on socks with one verbal prompt,,,,,');
  });
});
