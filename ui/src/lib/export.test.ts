import { describe, expect, it } from 'vitest';
import { csvCell, logsCsv } from './export';
import { buildCsvFixture } from './fixtures';

describe('CSV export', () => {
  it('quotes and defuses cells', () => {
    expect(csvCell('plain')).toBe('plain');
    expect(csvCell('a, "b"')).toBe('"a, ""b"""');
    expect(csvCell('=HYPERLINK("x")')).toBe(`"'=HYPERLINK(""x"")"`);
    expect(csvCell(null)).toBe('');
  });

  it('writes one row per log with a header, keeping a parent\u2019s note as text', () => {
    const csv = logsCsv(buildCsvFixture('<script>alert(1)</script>, hard'));
    const lines = csv.trimEnd().split('\r\n');
    expect(lines[0]).toBe('date,exercise,outcome,reason,difficulty,mood,pain,note,recorded_by,device,recorded_at,undone');
    expect(lines[1]).toBe('2026-11-26,Bear walk,not_done,sick,hard,tired,yes,"<script>alert(1)</script>, hard",Mum,Kitchen laptop,2026-11-26T15:00:00Z,no');
  });
});
