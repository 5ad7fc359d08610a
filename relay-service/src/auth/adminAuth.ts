// The admin API's authentication: the caller's own Salesforce access token (what the sf CLI holds
// for the org), checked against the identity endpoint of the configured login URL (userinfo), then
// the Sightline_Admin custom permission, read as that user through SetupEntityAccess. No password,
// no shared secret: revoking the token or the permission set in the org revokes admin access.
import { createHash } from 'node:crypto';
import type { SightlineConfig } from '@sightline/config';
import { z } from 'zod';
import { HttpError } from '../http/HttpError.ts';

export const ADMIN_PERMISSION = 'Sightline_Admin';
const CACHE_MS = 60_000;
const CACHE_MAX = 500;
const TIMEOUT_MS = 10_000;

export interface AdminIdentity {
  userId: string;
  orgId: string;
  username: string;
}

const userinfoSchema = z.object({
  user_id: z.string().regex(/^005\w{12}(\w{3})?$/),
  organization_id: z.string().regex(/^00D\w{12}(\w{3})?$/),
  preferred_username: z.string().min(1),
  urls: z.object({ rest: z.url() }),
});
const idRecords = z.object({ records: z.array(z.object({ Id: z.string() })) });

/** 15- and 18-character forms of one id compare equal. */
const sameId = (a: string, b: string) => a.slice(0, 15) === b.slice(0, 15);

export class AdminAuth {
  readonly #loginUrl: string;
  readonly #apiVersion: string;
  readonly #orgId: string | null;
  readonly #cache = new Map<string, { identity: AdminIdentity; until: number }>();
  readonly #now: () => number;

  constructor(config: SightlineConfig, now: () => number = Date.now) {
    this.#loginUrl = config.salesforce.loginUrl.replace(/\/$/, '');
    this.#apiVersion = config.salesforce.apiVersion;
    this.#orgId = config.salesforce.orgId ?? null;
    this.#now = now;
  }

  /** The admin behind a Bearer header, or a 401/403 HttpError saying why not. */
  async verify(authorization: string | undefined): Promise<AdminIdentity> {
    const token = /^Bearer\s+(\S{20,4096})$/i.exec(authorization ?? '')?.[1];
    if (!token)
      throw new HttpError(401, 'unauthorized', 'send the Salesforce access token as Authorization: Bearer', undefined, {
        'www-authenticate': 'Bearer',
      });
    const key = createHash('sha256').update(token).digest('base64url');
    const cached = this.#cache.get(key);
    if (cached && cached.until > this.#now()) return cached.identity;
    const identity = await this.#check(token);
    if (this.#cache.size >= CACHE_MAX) this.#cache.delete(this.#cache.keys().next().value!);
    this.#cache.set(key, { identity, until: this.#now() + CACHE_MS });
    return identity;
  }

  async #check(token: string): Promise<AdminIdentity> {
    const res = await this.#get(`${this.#loginUrl}/services/oauth2/userinfo`, token);
    if (res.status === 401 || res.status === 403)
      throw new HttpError(401, 'unauthorized', 'the org did not accept this access token', undefined, {
        'www-authenticate': 'Bearer error="invalid_token"',
      });
    if (!res.ok) throw new HttpError(502, 'identity_unavailable', `the org's identity endpoint answered ${res.status}`);
    const info = userinfoSchema.safeParse(await res.json().catch(() => null));
    if (!info.success)
      throw new HttpError(502, 'identity_unavailable', "the org's identity endpoint answered in an unknown shape");
    const { user_id: userId, organization_id: orgId, preferred_username: username } = info.data;
    if (this.#orgId && !sameId(this.#orgId, orgId))
      throw new HttpError(403, 'wrong_org', `this relay serves org ${this.#orgId}, not ${orgId}`);
    // The REST base comes from the identity endpoint we chose, never from the caller.
    const base = `${new URL(info.data.urls.rest).origin}/services/data/v${this.#apiVersion}`;
    const permission = await this.#query(
      base,
      token,
      `SELECT Id FROM CustomPermission WHERE DeveloperName = '${ADMIN_PERMISSION}'`,
    );
    const granted =
      permission[0] &&
      (
        await this.#query(
          base,
          token,
          `SELECT Id FROM SetupEntityAccess WHERE SetupEntityId = '${permission[0].Id}' AND ParentId IN (SELECT PermissionSetId FROM PermissionSetAssignment WHERE AssigneeId = '${userId}')`,
        )
      ).length > 0;
    if (!granted)
      throw new HttpError(
        403,
        'not_admin',
        `${username} lacks the ${ADMIN_PERMISSION} custom permission (Sightline Manager permission set)`,
      );
    return { userId, orgId, username };
  }

  async #query(base: string, token: string, soql: string): Promise<{ Id: string }[]> {
    const res = await this.#get(`${base}/query?q=${encodeURIComponent(soql)}`, token);
    if (res.status === 401) throw new HttpError(401, 'unauthorized', 'the org did not accept this access token');
    const body = idRecords.safeParse(await res.json().catch(() => null));
    if (!res.ok || !body.success)
      throw new HttpError(
        502,
        'org_unavailable',
        `the org could not say whether you hold ${ADMIN_PERMISSION} (HTTP ${res.status})`,
      );
    return body.data.records;
  }

  async #get(url: string, token: string): Promise<Response> {
    try {
      return await fetch(url, {
        headers: { authorization: `Bearer ${token}`, accept: 'application/json' },
        signal: AbortSignal.timeout(TIMEOUT_MS),
        redirect: 'error',
      });
    } catch (err) {
      throw new HttpError(502, 'identity_unavailable', `cannot reach the org: ${(err as Error).message}`);
    }
  }
}
