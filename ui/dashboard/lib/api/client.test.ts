import { describe, expect, it } from 'vitest';
import { ApiError, createApi, describeError, toApiError } from './client';

function recorder(respond: (req: Request) => Response | Promise<Response>) {
  const seen: Request[] = [];
  const fetch = async (input: Request) => {
    seen.push(input);
    return respond(input);
  };
  return { seen, fetch: fetch as unknown as typeof globalThis.fetch };
}

const json = (status: number, body: unknown) => new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/json' } });

describe('API client', () => {
  it('sends the CSRF token on writes only', async () => {
    const r = recorder(() => json(200, { children: [], generated_at: 'x' }));
    const api = createApi({ baseUrl: 'http://clinic.test', fetch: r.fetch });
    api.session.csrf = 'tok-123';
    await api.call(api.client.GET('/api/v1/overview'));
    await api.call(api.client.POST('/api/v1/children/{id}/feedback', { params: { path: { id: 'c1' } }, body: { date: '2026-11-27', comment: 'hi' } }));
    expect(r.seen[0]!.headers.get('X-CSRF-Token')).toBeNull();
    expect(r.seen[1]!.method).toBe('POST');
    expect(r.seen[1]!.headers.get('X-CSRF-Token')).toBe('tok-123');
  });

  it("turns the server's error body into an ApiError with its code, message and field", async () => {
    const r = recorder(() => json(422, { error: 'invalid', message: 'comment is too long', field: 'comment' }));
    const api = createApi({ baseUrl: 'http://clinic.test', fetch: r.fetch });
    const err = await api.call(api.client.POST('/api/v1/children/{id}/feedback', { params: { path: { id: 'c1' } }, body: { date: '2026-11-27' } })).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ApiError);
    expect(err).toMatchObject({ code: 'invalid', status: 422, field: 'comment', message: 'comment is too long' });
    expect(describeError(err)).toBe('comment is too long (comment)');
  });

  it('makes an ApiError from a body that is not the error shape', () => {
    expect(toApiError(502, '<html>Bad gateway</html>')).toMatchObject({ code: 'internal', status: 502, message: '<html>Bad gateway</html>' });
    expect(toApiError(429, null)).toMatchObject({ code: 'rate_limited', message: 'the server answered 429' });
    expect(toApiError(404, { error: 'nonsense', message: 'x' })).toMatchObject({ code: 'not_found' });
  });

  it('gives up on a request the server never answers, with words instead of "Loading…" forever', async () => {
    const seen: Request[] = [];
    // A server that accepts the connection and never answers.
    const hang = (input: Request) => {
      seen.push(input);
      return new Promise<Response>(() => {});
    };
    const api = createApi({ baseUrl: 'http://clinic.test', fetch: hang as unknown as typeof globalThis.fetch, timeoutMs: 20 });
    const err = await api.call(api.client.GET('/api/v1/overview')).catch((e: unknown) => e);
    expect(err).toMatchObject({ code: 'unavailable', status: 0, message: 'the clinic server did not answer in time; try again' });
    expect(seen[0]!.signal.aborted).toBe(true);
  });

  it('reports a network failure as unavailable, status 0', async () => {
    const api = createApi({ baseUrl: 'http://clinic.test', fetch: (async () => { throw new TypeError('Failed to fetch'); }) as unknown as typeof fetch });
    const err = await api.call(api.client.GET('/api/v1/overview')).catch((e: unknown) => e);
    expect(err).toMatchObject({ code: 'unavailable', status: 0 });
  });

  it('calls onUnauthorized on a 401', async () => {
    const r = recorder(() => json(401, { error: 'unauthorized', message: 'sign in' }));
    const api = createApi({ baseUrl: 'http://clinic.test', fetch: r.fetch });
    let called = 0;
    api.session.onUnauthorized = () => called++;
    await expect(api.call(api.client.GET('/api/v1/auth/me'))).rejects.toMatchObject({ code: 'unauthorized' });
    expect(called).toBe(1);
  });

  it('calls onForbidden on a 403, but not from /auth/ (a disabled account at sign-in)', async () => {
    const r = recorder(() => json(403, { error: 'forbidden', message: 'set up two-factor sign-in first' }));
    const api = createApi({ baseUrl: 'http://clinic.test', fetch: r.fetch });
    let called = 0;
    api.session.onForbidden = () => called++;
    await expect(api.call(api.client.GET('/api/v1/overview'))).rejects.toMatchObject({ code: 'forbidden' });
    await expect(api.call(api.client.POST('/api/v1/auth/login', { body: { email: 'a@b.c', password: 'x' } }))).rejects.toMatchObject({ code: 'forbidden' });
    expect(called).toBe(1);
  });

  it('uploads media as the raw body with its content type and the CSRF header', async () => {
    const r = recorder(() => json(201, { media: 'sha256:' + 'a'.repeat(64), content_type: 'image/png', bytes: 3 }));
    const api = createApi({ baseUrl: 'http://clinic.test', fetch: r.fetch });
    api.session.csrf = 'tok';
    const info = await api.uploadMedia(new Blob([new Uint8Array([1, 2, 3])], { type: 'image/png' }));
    expect(info.content_type).toBe('image/png');
    expect(r.seen[0]!.headers.get('content-type')).toBe('image/png');
    expect(r.seen[0]!.headers.get('X-CSRF-Token')).toBe('tok');
    expect(new Uint8Array(await r.seen[0]!.arrayBuffer())).toEqual(new Uint8Array([1, 2, 3]));
  });
});
