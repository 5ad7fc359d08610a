// One CRM's authorization server state: registered clients, single-use authorization codes with
// PKCE, access and refresh tokens (stored hashed, so the database never holds a usable token),
// password checks and the people pages' sign-in sessions.
import { createHash, randomBytes, scryptSync, timingSafeEqual } from 'node:crypto';
import type { Crm, Store, TokenRow } from '../store.ts';
import { OAuthError } from './OAuthError.ts';

export interface OAuthClient {
  clientId: string;
  /** Absent for public clients, which must use PKCE instead. */
  clientSecret?: string;
  allowsRedirect(uri: string): boolean;
  /** The app's "Require PKCE" setting: an authorize request without a code_challenge is refused. */
  requiresPkce: boolean;
}

/** How one CRM issues refresh tokens. */
export interface RefreshPolicy {
  /** Salesforce refresh-token rotation: every refresh returns a new refresh token and the old one dies. */
  rotate: boolean;
  /** ServiceNow's refresh token lifespan; null: until revoked (Salesforce's default policy). */
  ttlSeconds: number | null;
}

interface PendingCode {
  clientId: string;
  redirectUri: string;
  userId: string;
  scope: string;
  challenge: string | null;
  expiresAt: number;
}

const CODE_TTL_MS = 10 * 60_000;
const UI_SESSION_TTL_MS = 12 * 3600_000;

const sha256 = (s: string) => createHash('sha256').update(s).digest('hex');

export function sameSecret(a: string, b: string): boolean {
  const x = createHash('sha256').update(a).digest();
  const y = createHash('sha256').update(b).digest();
  return timingSafeEqual(x, y);
}

/** Any http(s) URL on a loopback host, whatever the port (the demo relay runs on ephemeral ports). */
export function isLoopbackUrl(uri: string): boolean {
  try {
    const u = new URL(uri);
    return (
      (u.protocol === 'http:' || u.protocol === 'https:') &&
      ['127.0.0.1', 'localhost', '[::1]'].includes(u.hostname) &&
      !u.username &&
      !u.password
    );
  } catch {
    return false;
  }
}

export class AuthServer {
  readonly crm: Crm;
  private readonly store: Store;
  private readonly clients: OAuthClient[];
  private readonly accessTtlMs: number;
  private readonly tokenPrefix: string;
  private readonly refreshPolicy: RefreshPolicy;
  private readonly codes = new Map<string, PendingCode>();

  constructor(opts: {
    crm: Crm;
    store: Store;
    clients: OAuthClient[];
    accessTtlSeconds: number;
    refresh: RefreshPolicy;
    tokenPrefix?: string;
  }) {
    this.crm = opts.crm;
    this.store = opts.store;
    this.clients = opts.clients;
    this.accessTtlMs = opts.accessTtlSeconds * 1000;
    this.refreshPolicy = opts.refresh;
    this.tokenPrefix = opts.tokenPrefix ?? '';
  }

  get accessTtlSeconds(): number {
    return this.accessTtlMs / 1000;
  }

  get rotatesRefreshTokens(): boolean {
    return this.refreshPolicy.rotate;
  }

  client(clientId: string | undefined): OAuthClient | undefined {
    return this.clients.find((c) => c.clientId === clientId);
  }

  /** Verifies a client's secret; public clients have none and prove themselves with PKCE. */
  authenticateClient(clientId: string | undefined, secret: string | undefined, requireSecret: boolean): OAuthClient {
    const client = this.client(clientId);
    if (!client) throw new OAuthError(400, 'invalid_client_id', 'client identifier invalid');
    if (client.clientSecret === undefined) return client;
    if (secret === undefined ? requireSecret : !sameSecret(secret, client.clientSecret)) {
      throw new OAuthError(400, 'invalid_client', 'invalid client credentials');
    }
    return client;
  }

  checkPassword(username: string, password: string): string | undefined {
    const cred = this.store.getCredential(this.crm, username);
    if (!cred) {
      scryptSync(password, 'timing-equaliser', 32);
      return undefined;
    }
    const hash = scryptSync(password, cred.salt, 32);
    return timingSafeEqual(hash, Buffer.from(cred.hash, 'hex')) ? cred.userId : undefined;
  }

  setPassword(username: string, userId: string, password: string): void {
    const salt = randomBytes(16).toString('hex');
    this.store.putCredential(this.crm, username, userId, salt, scryptSync(password, salt, 32).toString('hex'));
  }

  issueCode(p: Omit<PendingCode, 'expiresAt'>): string {
    const now = Date.now();
    for (const [k, v] of this.codes) if (v.expiresAt < now) this.codes.delete(k);
    const code = randomBytes(32).toString('base64url');
    this.codes.set(sha256(code), { ...p, expiresAt: now + CODE_TTL_MS });
    return code;
  }

  /** Exchanges a code once: the code is spent even when the exchange then fails. */
  redeemCode(
    code: string,
    clientId: string,
    redirectUri: string | undefined,
    verifier: string | undefined,
  ): PendingCode {
    const key = sha256(code);
    const pending = this.codes.get(key);
    this.codes.delete(key);
    if (!pending || pending.expiresAt < Date.now())
      throw new OAuthError(400, 'invalid_grant', 'expired authorization code');
    if (pending.clientId !== clientId)
      throw new OAuthError(400, 'invalid_grant', 'authorization code was issued to another client');
    if (redirectUri !== pending.redirectUri)
      throw new OAuthError(400, 'redirect_uri_mismatch', 'redirect_uri must match configuration');
    if (pending.challenge !== null) {
      if (!verifier) throw new OAuthError(400, 'invalid_request', 'code_verifier required');
      const computed = createHash('sha256').update(verifier).digest('base64url');
      if (!sameSecret(computed, pending.challenge)) throw new OAuthError(400, 'invalid_grant', 'invalid code verifier');
    } else if (verifier) {
      throw new OAuthError(400, 'invalid_grant', 'invalid code verifier');
    }
    return pending;
  }

  /** `family`: the grant (refresh token lineage) the access token comes from, so revoking it ends this too. */
  issueAccess(
    userId: string,
    clientId: string,
    scope: string,
    family: string | null = null,
  ): { token: string; expiresAt: number } {
    const token = `${this.tokenPrefix}${randomBytes(32).toString('base64url')}`;
    this.store.purgeExpiredTokens(Date.now());
    const expiresAt = Date.now() + this.accessTtlMs;
    this.store.putToken(sha256(token), { crm: this.crm, kind: 'access', userId, clientId, scope, expiresAt, family });
    return { token, expiresAt };
  }

  /** A new refresh token, starting a grant or (rotation) continuing `family`. */
  issueRefresh(userId: string, clientId: string, scope: string, family?: string): { token: string; family: string } {
    const token = `5Aep${randomBytes(40).toString('base64url')}`;
    const hash = sha256(token);
    const expiresAt = this.refreshPolicy.ttlSeconds === null ? null : Date.now() + this.refreshPolicy.ttlSeconds * 1000;
    this.store.putToken(hash, {
      crm: this.crm,
      kind: 'refresh',
      userId,
      clientId,
      scope,
      expiresAt,
      family: family ?? hash,
    });
    return { token, family: family ?? hash };
  }

  /**
   * Redeems a refresh token: the grant it belongs to, and with rotation its successor (the presented
   * token is spent in the same transaction, so of two parallel refreshes with one token only one wins).
   */
  refresh(token: string, clientId: string): { row: TokenRow; family: string; rotated?: string } {
    return this.store.transaction(() => {
      const hash = sha256(token);
      const row = this.store.getToken(hash);
      if (
        !row ||
        row.crm !== this.crm ||
        row.kind !== 'refresh' ||
        (row.expiresAt !== null && row.expiresAt < Date.now())
      )
        throw new OAuthError(400, 'invalid_grant', 'expired access/refresh token');
      if (row.clientId !== clientId)
        throw new OAuthError(400, 'invalid_grant', 'refresh token was issued to another client');
      const family = row.family ?? hash;
      if (!this.refreshPolicy.rotate) return { row, family };
      this.store.deleteToken(hash);
      return { row, family, rotated: this.issueRefresh(row.userId, row.clientId, row.scope, family).token };
    });
  }

  /** The live token row for a bearer token, or undefined when unknown or expired. */
  verifyAccess(token: string): TokenRow | undefined {
    const row = this.store.getToken(sha256(token));
    if (!row || row.crm !== this.crm || row.kind !== 'access') return undefined;
    if (row.expiresAt !== null && row.expiresAt < Date.now()) return undefined;
    return row;
  }

  /** Revoking a refresh token ends its whole grant, access tokens issued from it included. */
  revoke(token: string): boolean {
    const hash = sha256(token);
    const row = this.store.getToken(hash);
    if (!row || row.crm !== this.crm || row.kind === 'ui') return false;
    if (row.kind === 'refresh')
      return this.store.deleteTokenFamily(row.family ?? hash) > 0 || this.store.deleteToken(hash);
    return this.store.deleteToken(hash);
  }

  startUiSession(userId: string): string {
    this.store.purgeExpiredTokens(Date.now());
    const sid = randomBytes(32).toString('base64url');
    this.store.putToken(sha256(sid), {
      crm: this.crm,
      kind: 'ui',
      userId,
      clientId: 'ui',
      scope: 'web',
      expiresAt: Date.now() + UI_SESSION_TTL_MS,
    });
    return sid;
  }

  uiSessionUser(sid: string | undefined): string | undefined {
    if (!sid) return undefined;
    const row = this.store.getToken(sha256(sid));
    if (!row || row.crm !== this.crm || row.kind !== 'ui' || (row.expiresAt ?? 0) < Date.now()) return undefined;
    return row.userId;
  }

  endUiSession(sid: string | undefined): void {
    if (sid) this.store.deleteToken(sha256(sid));
  }
}
