// The relay's admin API, called with the admin's own org access token (the one the CLI holds for
// --target-org). Every answer is validated; failures become SfErrors with what to do about them.
import { SfError } from '@salesforce/core';
import {
  adminConfigSchema,
  adminStatusSchema,
  retryResponseSchema,
  type AdminConfig,
  type AdminStatus,
  type RetryRequest,
} from '@sightline/relay-service/protocol';
import type { z } from 'zod';

const TIMEOUT_MS = 15_000;

/** The relay's origin from --relay-url: http(s) only, no path, query or credentials. */
export function relayOrigin(input: string): string {
  let url: URL;
  try {
    url = new URL(input);
  } catch {
    throw new SfError(`"${input}" is not a URL.`, 'InvalidRelayUrl', [
      'Pass the relay origin, e.g. https://relay.example.com',
    ]);
  }
  if ((url.protocol !== 'https:' && url.protocol !== 'http:') || url.username || url.password) {
    throw new SfError(`"${input}" is not an http(s) URL without credentials.`, 'InvalidRelayUrl');
  }
  return url.origin;
}

export class RelayClient {
  readonly #origin: string;
  readonly #token: () => Promise<string>;

  /** `token` is asked for on every call, so a refreshed org token is picked up. */
  constructor(relayUrl: string, token: () => Promise<string>) {
    this.#origin = relayOrigin(relayUrl);
    this.#token = token;
  }

  get origin(): string {
    return this.#origin;
  }

  /** GET /healthz, no credentials: is the relay up at all. */
  async health(): Promise<{ status: string }> {
    const res = await this.#fetch('/healthz', { method: 'GET' }, false);
    const body = (await res.json().catch(() => null)) as { status?: unknown } | null;
    return { status: typeof body?.status === 'string' ? body.status : 'unknown' };
  }

  status(): Promise<AdminStatus> {
    return this.#json('/admin/status', { method: 'GET' }, adminStatusSchema);
  }

  config(): Promise<AdminConfig> {
    return this.#json('/admin/config', { method: 'GET' }, adminConfigSchema);
  }

  async retry(request: RetryRequest): Promise<number> {
    const body = JSON.stringify(request);
    const out = await this.#json(
      '/admin/writebacks/retry',
      { method: 'POST', body, headers: { 'content-type': 'application/json' } },
      retryResponseSchema,
    );
    return out.retried;
  }

  async #json<S extends z.ZodType>(path: string, init: RequestInit, schema: S): Promise<z.infer<S>> {
    const res = await this.#fetch(path, init, true);
    const body: unknown = await res.json().catch(() => undefined);
    if (!res.ok) {
      const message = (body as { message?: unknown } | undefined)?.message;
      const reason = typeof message === 'string' ? message : `HTTP ${res.status}`;
      if (res.status === 401)
        throw new SfError(`The relay did not accept the org's access token: ${reason}`, 'RelayUnauthorized', [
          'Log in to the org again (sf org login web) and retry.',
        ]);
      if (res.status === 403)
        throw new SfError(`The relay refused: ${reason}`, 'RelayForbidden', [
          'Assign the Sightline Manager permission set (it grants the Sightline_Admin custom permission), or use an org this relay serves.',
        ]);
      if (res.status === 429)
        throw new SfError(`The relay is rate-limiting admin calls: ${reason}`, 'RelayRateLimited', [
          'Wait a minute and retry.',
        ]);
      throw new SfError(`The relay answered ${path} with ${res.status}: ${reason}`, 'RelayError');
    }
    const parsed = schema.safeParse(body);
    if (!parsed.success)
      throw new SfError(`The relay's answer to ${path} is not what this plugin expects.`, 'RelayBadResponse', [
        'Update the plugin and the relay to the same Sightline version.',
      ]);
    return parsed.data;
  }

  async #fetch(path: string, init: RequestInit, auth: boolean): Promise<Response> {
    const headers = new Headers(init.headers);
    headers.set('accept', 'application/json');
    if (auth) headers.set('authorization', `Bearer ${await this.#token()}`);
    try {
      return await fetch(`${this.#origin}${path}`, {
        ...init,
        headers,
        signal: AbortSignal.timeout(TIMEOUT_MS),
        redirect: 'error',
      });
    } catch (err) {
      throw new SfError(`Cannot reach the relay at ${this.#origin}: ${(err as Error).message}`, 'RelayUnreachable', [
        'Check --relay-url and that the relay is running and reachable from here.',
      ]);
    }
  }
}
