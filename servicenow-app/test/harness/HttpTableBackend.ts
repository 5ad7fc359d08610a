// GlideRecord rows from a real ServiceNow Table API (the sandbox's, or an instance's), as one user:
// `GET /api/now/table/<table>?sysparm_query=...` with that user's bearer token. Blocking, because
// GlideRecord is; see SyncChannel.
import { z } from 'zod';
import type { SyncSend } from './SyncChannel.ts';
import { encodeQuery, type Query, type Row, type TableBackend } from './TableBackend.ts';

const rowSchema = z.record(z.string(), z.string());
const listSchema = z.object({ result: z.array(rowSchema) });
const oneSchema = z.object({ result: rowSchema });
const errorSchema = z.object({ error: z.object({ message: z.string() }).partial() }).partial();

export interface HttpTableOptions {
  baseUrl: string;
  headers: Record<string, string>;
}

export class HttpTableBackend implements TableBackend {
  readonly #base: string;
  readonly #headers: Record<string, string>;
  readonly #send: SyncSend;
  readonly #known = new Map<string, boolean>();

  constructor(options: HttpTableOptions, send: SyncSend) {
    this.#base = options.baseUrl.replace(/\/+$/, '');
    this.#headers = { accept: 'application/json', ...options.headers };
    this.#send = send;
  }

  tableExists(table: string): boolean {
    const known = this.#known.get(table);
    if (known !== undefined) return known;
    const res = this.#get(`/api/now/table/${encodeURIComponent(table)}`, {
      sysparm_limit: '1',
      sysparm_fields: 'sys_id',
    });
    if (res.status !== 200 && res.status !== 400 && res.status !== 404) throw this.#error(res, `table ${table}`);
    this.#known.set(table, res.status === 200);
    return res.status === 200;
  }

  query(q: Query): Row[] {
    const params: Record<string, string> = { sysparm_query: encodeQuery(q), sysparm_exclude_reference_link: 'true' };
    if (q.limit !== null) params.sysparm_limit = String(q.limit);
    const res = this.#get(`/api/now/table/${encodeURIComponent(q.table)}`, params);
    if (res.status !== 200) throw this.#error(res, `query ${q.table}`);
    return this.#parse(listSchema, res.body, `query ${q.table}`).result;
  }

  get(table: string, sysId: string): Row | null {
    const res = this.#get(`/api/now/table/${encodeURIComponent(table)}/${encodeURIComponent(sysId)}`, {
      sysparm_exclude_reference_link: 'true',
    });
    // The platform's get() answers false for a missing record and for one the user may not read.
    if (res.status === 404 || res.status === 403) return null;
    if (res.status !== 200) throw this.#error(res, `get ${table}/${sysId}`);
    return this.#parse(oneSchema, res.body, `get ${table}/${sysId}`).result;
  }

  #get(path: string, params: Record<string, string>): { status: number; body: string } {
    const reply = this.#send({
      method: 'GET',
      url: `${this.#base}${path}?${new URLSearchParams(params)}`,
      headers: this.#headers,
    });
    if (!reply.ok) throw new Error(`Table API unreachable: ${reply.error}`);
    return reply;
  }

  #parse<T>(schema: z.ZodType<T>, body: string, what: string): T {
    let json: unknown;
    try {
      json = JSON.parse(body);
    } catch {
      throw new Error(`Table API ${what}: the body is not JSON`);
    }
    const parsed = schema.safeParse(json);
    if (!parsed.success) {
      const issue = parsed.error.issues[0]!;
      throw new Error(`Table API ${what}: unexpected shape at ${issue.path.join('.') || '(root)'}: ${issue.message}`);
    }
    return parsed.data;
  }

  #error(res: { status: number; body: string }, what: string): Error {
    let message = '';
    try {
      message = errorSchema.parse(JSON.parse(res.body)).error?.message ?? '';
    } catch {
      // not a ServiceNow error body
    }
    return new Error(`Table API ${what}: HTTP ${res.status}${message ? `: ${message}` : ''}`);
  }
}
