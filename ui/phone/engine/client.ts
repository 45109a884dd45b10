// The sync protocol over fetch (shared/PROTOCOL.md §2–3), as device/src/client.rs speaks it: JSON bodies with
// `"protocol": 1`, the device token as a bearer, gzip request bodies where they are worth it, and every failure
// turned into one `ClientError` that says whether trying again later can help.
import type { components } from '../../dashboard/lib/api/schema';

type Schemas = components['schemas'];
export type ApiError = Schemas['ApiError'];
export type ServerInfo = Schemas['ServerInfo'];
export type PairRequest = Schemas['PairRequest'];
export type PairResponse = Schemas['PairResponse'];
export type PushRequest = Schemas['PushRequest'];
export type PushResponse = Schemas['PushResponse'];
export type PullRequest = Schemas['PullRequest'];
export type PullResponse = Schemas['PullResponse'];

export const PROTOCOL_VERSION = 1;
/** Bodies from this size on travel gzipped (a push after days offline is mostly repeated keys). */
export const GZIP_FROM_BYTES = 1024;

export type Fetch = typeof fetch;

/** What went wrong talking to the server. `api` is the server's own error body when it sent one. */
export class ClientError extends Error {
  constructor(
    readonly kind: 'offline' | 'server' | 'not_homeplay' | 'protocol',
    message: string,
    readonly api: ApiError | null = null,
    readonly status = 0,
  ) {
    super(message);
  }

  /** Network trouble, a failing or busy server: the protocol's "retry with backoff". */
  get transient(): boolean {
    if (this.kind === 'offline') return true;
    if (this.kind !== 'server' || !this.api) return false;
    return ['internal', 'unavailable', 'rate_limited'].includes(this.api.error);
  }
}

async function gzip(text: string): Promise<Uint8Array | null> {
  if (typeof CompressionStream === 'undefined') return null;
  const stream = new Blob([text]).stream().pipeThrough(new CompressionStream('gzip'));
  return new Uint8Array(await new Response(stream).arrayBuffer());
}

export class Client {
  readonly base: string;

  constructor(
    base: string,
    private readonly fetchFn: Fetch,
  ) {
    this.base = base.replace(/\/+$/, '');
  }

  private async request(method: string, path: string, token: string | null, body?: unknown): Promise<Response> {
    const headers: Record<string, string> = { Accept: 'application/json' };
    if (token) headers.Authorization = `Bearer ${token}`;
    let payload: BodyInit | undefined;
    if (body !== undefined) {
      const text = JSON.stringify(body);
      headers['Content-Type'] = 'application/json';
      const zipped = text.length >= GZIP_FROM_BYTES ? await gzip(text) : null;
      if (zipped) {
        headers['Content-Encoding'] = 'gzip';
        payload = zipped as BodyInit;
      } else {
        payload = text;
      }
    }
    let response: Response;
    try {
      response = await this.fetchFn(`${this.base}/api/v1${path}`, { method, headers, body: payload, cache: 'no-store', referrerPolicy: 'no-referrer' });
    } catch (e) {
      // The token is in the headers only, never in what is said about a failure.
      throw new ClientError('offline', `cannot reach the clinic server: ${e instanceof Error ? e.message : String(e)}`);
    }
    if (response.ok) return response;
    const api = await response.json().then(
      (b: unknown) => (typeof b === 'object' && b !== null && 'error' in b && 'message' in b ? (b as ApiError) : null),
      () => null,
    );
    if (!api) {
      if (response.status >= 500) throw new ClientError('offline', `the clinic server is not answering properly (HTTP ${response.status})`, null, response.status);
      throw new ClientError('not_homeplay', `that address answered, but it is not a homeplay server (HTTP ${response.status}): check the address`, null, response.status);
    }
    throw new ClientError('server', api.message, api, response.status);
  }

  private async json<T>(response: Response): Promise<T> {
    try {
      return (await response.json()) as T;
    } catch {
      throw new ClientError('not_homeplay', 'that address answered, but it is not a homeplay server: check the address');
    }
  }

  async info(): Promise<ServerInfo> {
    const info = await this.json<ServerInfo>(await this.request('GET', '/sync/info', null));
    if (typeof info !== 'object' || info === null || info.service !== 'homeplay') {
      throw new ClientError('not_homeplay', 'that address answered, but it is not a homeplay server: check the address');
    }
    return info;
  }

  async pair(body: PairRequest): Promise<PairResponse> {
    return this.json(await this.request('POST', '/sync/pair', null, body));
  }

  async push(token: string, body: PushRequest): Promise<PushResponse> {
    return this.json(await this.request('POST', '/sync/push', token, body));
  }

  async pull(token: string, body: PullRequest): Promise<PullResponse> {
    return this.json(await this.request('POST', '/sync/pull', token, body));
  }

  /** A media file, checked against its `sha256:` name before it is kept. */
  async media(token: string, ref: string): Promise<{ contentType: string; blob: Blob }> {
    const response = await this.request('GET', `/media/${encodeURIComponent(ref)}`, token);
    const bytes = await response.arrayBuffer();
    const contentType = response.headers.get('Content-Type') ?? 'application/octet-stream';
    // `crypto.subtle` exists only in secure contexts (https, localhost): a clinic served over plain http on its
    // LAN gets its pictures unchecked rather than none at all.
    if (ref.startsWith('sha256:') && globalThis.crypto?.subtle) {
      const digest = new Uint8Array(await crypto.subtle.digest('SHA-256', bytes));
      const hex = [...digest].map((b) => b.toString(16).padStart(2, '0')).join('');
      if (`sha256:${hex}` !== ref) throw new ClientError('protocol', `the picture ${ref} arrived damaged`);
    }
    return { contentType, blob: new Blob([bytes], { type: contentType }) };
  }
}
