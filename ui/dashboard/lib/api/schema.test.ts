// schema.d.ts is generated from the server's committed OpenAPI document; this fails when it is stale.
// Fix: `npm run api:types` (after `cargo run -p homeplay-server -- openapi > server/openapi.json`).
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import openapiTS, { astToString } from 'openapi-typescript';

const here = (p: string) => fileURLToPath(new URL(p, import.meta.url));

describe('API types', () => {
  it('match server/openapi.json', async () => {
    const doc = readFileSync(here('../../../../server/openapi.json'), 'utf8');
    const ast = await openapiTS(JSON.parse(doc) as Parameters<typeof openapiTS>[0]);
    const fresh = astToString(ast);
    const committed = readFileSync(here('./schema.d.ts'), 'utf8');
    const body = (s: string) => s.slice(s.indexOf('export'));
    expect(body(committed) === body(fresh), 'ui/dashboard/lib/api/schema.d.ts is stale: run `npm run api:types` in ui/').toBe(true);
  }, 30_000);
});
