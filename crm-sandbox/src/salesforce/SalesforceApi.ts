// The REST API under /services/data/vNN.N as one dispatcher, so composite subrequests run through
// exactly the same code as top-level calls.
import { z } from 'zod';
import type { Doc } from '../store.ts';
import { API_VERSIONS, type SalesforceContext } from './context.ts';
import { describeGlobal, describeObject, summary } from './describe.ts';
import { SalesforceError, notFound } from './errors.ts';
import { parseQuery } from '@jetstreamapp/soql-parser-js';
import { TOOLING_OBJECTS, TOOLING_ONLY } from './setupObjects.ts';
import { attributes } from './soql.ts';

export interface ApiRequest {
  method: string;
  /** Path after /services/data/vNN.N/, without query string. */
  path: string;
  query: URLSearchParams;
  body: unknown;
  userId: string;
  version: string;
  headers: Record<string, string | undefined>;
}

export interface ApiResponse {
  status: number;
  body?: unknown;
  headers?: Record<string, string>;
}

const compositeSchema = z.object({
  allOrNone: z.boolean().default(false),
  collateSubrequests: z.boolean().optional(),
  compositeRequest: z
    .array(
      z.object({
        method: z.enum(['GET', 'POST', 'PATCH', 'PUT', 'DELETE']),
        url: z.string().startsWith('/services/data/v'),
        referenceId: z.string().regex(/^[A-Za-z0-9_]+$/),
        body: z.unknown().optional(),
        httpHeaders: z.record(z.string(), z.string()).optional(),
      }),
    )
    .min(1)
    .max(25),
});

const collectionSchema = z.object({
  allOrNone: z.boolean().default(false),
  records: z
    .array(z.looseObject({ attributes: z.object({ type: z.string().min(1) }) }))
    .min(1)
    .max(200),
});

const emailSimpleSchema = z.object({
  inputs: z
    .array(
      z.object({
        emailAddresses: z.string().optional(),
        emailAddressesArray: z.array(z.string()).optional(),
        emailSubject: z.string().min(1).max(3000),
        emailBody: z.string().max(100_000),
        senderType: z.enum(['CurrentUser', 'DefaultWorkflowUser', 'OrgWideEmailAddress']).optional(),
        senderAddress: z.string().optional(),
        relatedRecordId: z.string().optional(),
        logEmailOnSend: z.boolean().optional(),
        useLineBreaks: z.boolean().optional(),
        composeMode: z.string().optional(),
      }),
    )
    .min(1)
    .max(100),
});

/** An Enterprise org's daily limit on emails to external addresses (REST limits: SingleEmail). */
const SINGLE_EMAIL_DAILY_MAX = 5000;

/** The data API and the Tooling API answer different objects; the wrong one is INVALID_TYPE, as in Salesforce. */
function checkApiSurface(soql: string, api: 'data' | 'tooling'): void {
  let from: string | undefined;
  try {
    from = (parseQuery(soql) as { sObject?: string }).sObject;
  } catch {
    return; // the engine answers MALFORMED_QUERY with the parser's message
  }
  if (!from) return;
  const lower = from.toLowerCase();
  const refused = api === 'tooling' ? !TOOLING_OBJECTS.has(lower) : TOOLING_ONLY.has(lower);
  if (refused)
    throw new SalesforceError(
      400,
      'INVALID_TYPE',
      `sObject type '${from}' is not supported. If you are attempting to use a custom object, be sure to append the '__c' after the entity name. Please reference your WSDL or the describe call for the appropriate names.`,
    );
}

const bodyError = (e: z.ZodError) => new SalesforceError(400, 'JSON_PARSER_ERROR', z.prettifyError(e));

export class SalesforceApi {
  private readonly ctx: SalesforceContext;

  constructor(ctx: SalesforceContext) {
    this.ctx = ctx;
  }

  handle(req: ApiRequest): ApiResponse {
    try {
      return this.route(req);
    } catch (err) {
      if (err instanceof SalesforceError) return { status: err.status, body: err.body() };
      throw err;
    }
  }

  private route(req: ApiRequest): ApiResponse {
    const parts = req.path.split('/').filter(Boolean);
    const [head, a, b, c] = parts;
    const m = req.method;
    const v = req.version;
    if (head === undefined && m === 'GET') return { status: 200, body: this.resources(v) };
    if (head === 'sobjects') {
      if (a === undefined && m === 'GET') return { status: 200, body: describeGlobal(v) };
      if (a === undefined) throw notFound();
      const def = this.ctx.data.describe(a);
      if (b === undefined) {
        if (m === 'GET') return { status: 200, body: { objectDescribe: summary(def, v), recentItems: [] } };
        if (m === 'POST')
          return this.created(def.name, this.ctx.data.create(def.name, this.object(req.body), req.userId), v);
      }
      if (b === 'describe' && c === undefined && m === 'GET') return { status: 200, body: describeObject(def, v) };
      if (b !== undefined && c === undefined) {
        if (m === 'GET') return { status: 200, body: this.record(def.name, b, req.query.get('fields')) };
        if (m === 'PATCH') {
          this.ctx.data.update(def.name, b, this.object(req.body), req.userId);
          return { status: 204 };
        }
        if (m === 'DELETE') {
          this.ctx.data.delete(def.name, b);
          return { status: 204 };
        }
        throw new SalesforceError(
          405,
          'METHOD_NOT_ALLOWED',
          `HTTP Method '${m}' not allowed. Allowed are GET,PATCH,DELETE`,
        );
      }
      if (b !== undefined && c !== undefined && parts.length === 4 && m === 'PATCH') {
        const out = this.ctx.data.upsert(def.name, b, decodeURIComponent(c), this.object(req.body), req.userId);
        // Since API 46.0 an update answers 200 with the result; before it, 204 with no body.
        if (!out.created && Number(v) < 46) return { status: 204 };
        return {
          status: out.created ? 201 : 200,
          body: { id: out.id, success: true, errors: [], created: out.created },
          ...(out.created ? { headers: { Location: `/services/data/v${v}/sobjects/${def.name}/${out.id}` } } : {}),
        };
      }
      throw notFound();
    }
    if ((head === 'query' || head === 'queryAll') && m === 'GET') return this.query(req, head === 'queryAll', a);
    if (head === 'tooling' && a === 'query' && m === 'GET') return this.query(req, false, b, 'tooling');
    if (head === 'limits' && a === undefined && m === 'GET') return { status: 200, body: this.limits() };
    if (head === 'composite' && a === undefined && m === 'POST') return this.composite(req);
    if (head === 'composite' && a === 'sobjects' && b === undefined) {
      if (m === 'POST') return this.collectionCreate(req);
      if (m === 'PATCH') return this.collectionUpdate(req);
      if (m === 'DELETE') return this.collectionDelete(req);
    }
    if (head === 'actions' && a === 'standard' && b === 'emailSimple' && m === 'POST') return this.emailSimple(req);
    throw notFound();
  }

  /** The REST limits resource; SingleEmail counts today's emailSimple sends (what an invitation uses). */
  private limits(): Doc {
    const today = new Date().toISOString().slice(0, 10);
    const sent = this.ctx.store
      .emails()
      .filter((e) => e.crm === 'salesforce' && e.createdAt.startsWith(today))
      .reduce((n, e) => n + e.to.length, 0);
    const max = SINGLE_EMAIL_DAILY_MAX;
    return {
      DailyApiRequests: { Max: 15000, Remaining: 15000 },
      DataStorageMB: { Max: 5, Remaining: 5 },
      FileStorageMB: { Max: 20, Remaining: 20 },
      MassEmail: { Max: 10, Remaining: 10 },
      SingleEmail: { Max: max, Remaining: Math.max(0, max - sent) },
    };
  }

  private resources(v: string): Doc {
    const base = `/services/data/v${v}`;
    return Object.fromEntries(
      ['sobjects', 'query', 'queryAll', 'composite', 'actions', 'limits', 'search', 'recent'].map((k) => [
        k,
        `${base}/${k}`,
      ]),
    );
  }

  private object(body: unknown): Doc {
    if (typeof body !== 'object' || body === null || Array.isArray(body)) {
      throw new SalesforceError(400, 'JSON_PARSER_ERROR', 'The request body must be a JSON object');
    }
    return body as Doc;
  }

  private created(type: string, id: string, v: string): ApiResponse {
    return {
      status: 201,
      body: { id, success: true, errors: [] },
      headers: { Location: `/services/data/v${v}/sobjects/${type}/${id}` },
    };
  }

  private record(type: string, id: string, fields: string | null): Doc {
    const def = this.ctx.data.describe(type);
    const record = this.ctx.data.get(def.name, id);
    const out: Doc = { attributes: attributes(def.name, String(record.Id)) };
    const names = fields ? fields.split(',').map((f) => f.trim()) : def.fields.map((f) => f.name);
    for (const n of names) {
      const f = def.byLowerName.get(n.toLowerCase());
      if (!f) throw new SalesforceError(400, 'INVALID_FIELD', `No such column '${n}' on entity '${def.name}'.`, [n]);
      out[f.name] = record[f.name] ?? null;
    }
    return out;
  }

  private query(
    req: ApiRequest,
    all: boolean,
    locator: string | undefined,
    api: 'data' | 'tooling' = 'data',
  ): ApiResponse {
    const kind = api === 'tooling' ? 'tooling/query' : all ? 'queryAll' : 'query';
    let records: Doc[];
    let totalSize: number;
    let batchSize: number;
    let position: number;
    if (locator) {
      const m = /^(01g\w+)-(\d+)$/.exec(locator);
      const cursor = m && this.ctx.cursors.get(m[1]!, req.userId);
      if (!m || !cursor) throw new SalesforceError(400, 'INVALID_QUERY_LOCATOR', 'invalid query locator');
      records = cursor.records;
      totalSize = records.length;
      batchSize = cursor.batchSize;
      position = Number(m[2]);
      return this.page(req, kind, records, totalSize, batchSize, position, m[1]!);
    }
    const q = req.query.get('q');
    if (!q) throw new SalesforceError(400, 'MALFORMED_QUERY', 'A query string has to be specified');
    checkApiSurface(q, api);
    if (req.query.get('columns') === 'true') return { status: 200, body: this.ctx.soql.columns(q) };
    const out = this.ctx.soql.run(q, all);
    const option = /batchSize=(\d+)/i.exec(req.headers['sforce-query-options'] ?? '');
    batchSize = option ? Math.min(2000, Math.max(200, Number(option[1]))) : 2000;
    if (out.records.length <= batchSize)
      return { status: 200, body: { totalSize: out.totalSize, done: true, records: out.records } };
    const id = this.ctx.cursors.open(out.records, batchSize, req.userId);
    return this.page(req, kind, out.records, out.totalSize, batchSize, 0, id);
  }

  private page(
    req: ApiRequest,
    kind: string,
    records: Doc[],
    totalSize: number,
    batchSize: number,
    position: number,
    id: string,
  ): ApiResponse {
    const end = Math.min(records.length, position + batchSize);
    const done = end >= records.length;
    return {
      status: 200,
      body: {
        totalSize,
        done,
        ...(done ? {} : { nextRecordsUrl: `/services/data/v${req.version}/${kind}/${id}-${end}` }),
        records: records.slice(position, end),
      },
    };
  }

  /** Runs subrequests in order; with allOrNone a failure rolls every earlier write back. */
  private composite(req: ApiRequest): ApiResponse {
    const parsed = compositeSchema.safeParse(req.body);
    if (!parsed.success) throw bodyError(parsed.error);
    const { allOrNone, compositeRequest } = parsed.data;
    const results = new Map<string, unknown>();
    const responses: Doc[] = [];
    const halted = (referenceId: string, message: string): Doc => ({
      body: [{ errorCode: 'PROCESSING_HALTED', message }],
      httpHeaders: {},
      httpStatusCode: 400,
      referenceId,
    });
    let failedAt = -1;
    const run = () => {
      for (const [i, sub] of compositeRequest.entries()) {
        let url: string;
        let body: unknown;
        try {
          url = resolveRefs(sub.url, results, true) as string;
          body = resolveRefs(sub.body, results, false);
        } catch (err) {
          responses.push(halted(sub.referenceId, (err as Error).message));
          failedAt = i;
          if (allOrNone) throw new RollBack();
          continue;
        }
        const u = new URL(url, 'http://x');
        const vm = /^\/services\/data\/v(\d+\.\d)\/?(.*)$/.exec(u.pathname);
        const nested = /\/composite\/?$/.test(u.pathname);
        const res = nested
          ? { status: 400, body: new SalesforceError(400, 'INVALID_URL', 'composite requests cannot be nested').body() }
          : vm && API_VERSIONS.includes(vm[1]!)
            ? this.handle({
                method: sub.method,
                path: vm[2]!,
                query: u.searchParams,
                body,
                userId: req.userId,
                version: vm[1]!,
                headers: {},
              })
            : { status: 404, body: notFound().body() };
        responses.push({
          body: res.body ?? null,
          httpHeaders: res.headers ?? {},
          httpStatusCode: res.status,
          referenceId: sub.referenceId,
        });
        if (res.status < 300) results.set(sub.referenceId, res.body);
        else if (allOrNone) {
          failedAt = i;
          throw new RollBack();
        }
      }
    };
    try {
      this.ctx.store.transaction(run);
    } catch (err) {
      if (!(err instanceof RollBack)) throw err;
      const message = 'The transaction was rolled back since another operation in the same transaction failed.';
      for (const [i, r] of responses.entries())
        if (i !== failedAt) responses[i] = halted(String(r.referenceId), message);
      for (const sub of compositeRequest.slice(responses.length)) responses.push(halted(sub.referenceId, message));
    }
    return { status: 200, body: { compositeResponse: responses } };
  }

  /** `PATCH /composite/sobjects`: each record names its Id; results in order, as for create. */
  private collectionUpdate(req: ApiRequest): ApiResponse {
    return this.collectionCreate(req, (type, fields) => {
      // Field names are case-insensitive: jsforce sends the key as `id`.
      const key = Object.keys(fields).find((k) => k.toLowerCase() === 'id');
      const { [key ?? 'Id']: id, ...rest } = fields;
      if (typeof id !== 'string' || id === '')
        throw new SalesforceError(400, 'MISSING_ARGUMENT', 'Id not specified in an update call');
      this.ctx.data.update(type, id, rest, req.userId);
      return id;
    });
  }

  private collectionCreate(
    req: ApiRequest,
    write: (type: string, fields: Doc) => string = (type, fields) => this.ctx.data.create(type, fields, req.userId),
  ): ApiResponse {
    const parsed = collectionSchema.safeParse(req.body);
    if (!parsed.success) throw bodyError(parsed.error);
    const { allOrNone, records } = parsed.data;
    const out: Doc[] = [];
    let failed = false;
    const run = () => {
      for (const r of records) {
        const { attributes: attrs, ...fields } = r;
        try {
          if (failed && allOrNone)
            throw new SalesforceError(
              400,
              'ALL_OR_NONE_OPERATION_ROLLED_BACK',
              'Record rolled back because not all records were valid and the request was using AllOrNone header',
            );
          const id = this.ctx.store.transaction(() => write(attrs.type, fields));
          out.push({ id, success: true, errors: [] });
        } catch (err) {
          if (!(err instanceof SalesforceError)) throw err;
          failed = true;
          out.push({
            success: false,
            errors: [{ statusCode: err.errorCode, message: err.message, fields: err.fields ?? [] }],
          });
        }
      }
      if (failed && allOrNone) throw new RollBack();
    };
    try {
      this.ctx.store.transaction(run);
    } catch (err) {
      if (!(err instanceof RollBack)) throw err;
      for (const [i, r] of out.entries()) {
        if (r.success) {
          out[i] = {
            success: false,
            errors: [
              {
                statusCode: 'ALL_OR_NONE_OPERATION_ROLLED_BACK',
                message:
                  'Record rolled back because not all records were valid and the request was using AllOrNone header',
                fields: [],
              },
            ],
          };
        }
      }
    }
    return { status: 200, body: out };
  }

  private collectionDelete(req: ApiRequest): ApiResponse {
    const ids = (req.query.get('ids') ?? '').split(',').filter(Boolean);
    if (!ids.length || ids.length > 200)
      throw new SalesforceError(400, 'INVALID_FIELD', 'ids must list 1 to 200 record ids');
    const out = ids.map((id) => {
      try {
        const found = this.ctx.data.find(id);
        if (!found) throw new SalesforceError(404, 'ENTITY_IS_DELETED', 'entity is deleted');
        this.ctx.data.delete(found.def.name, id);
        return { id: found.record.Id, success: true, errors: [] };
      } catch (err) {
        if (!(err instanceof SalesforceError)) throw err;
        return { id, success: false, errors: [{ statusCode: err.errorCode, message: err.message, fields: [] }] };
      }
    });
    return { status: 200, body: out };
  }

  private emailSimple(req: ApiRequest): ApiResponse {
    const parsed = emailSimpleSchema.safeParse(req.body);
    if (!parsed.success) throw bodyError(parsed.error);
    const sender = this.ctx.data.find(req.userId)?.record;
    const results = parsed.data.inputs.map((input) => {
      const to = [...(input.emailAddresses ?? '').split(/[,;]/), ...(input.emailAddressesArray ?? [])]
        .map((s) => s.trim())
        .filter(Boolean);
      const invalid = to.find((t) => !/^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(t));
      const error = !to.length
        ? 'Specify at least one recipient.'
        : to.length > 5
          ? 'You can send an email to up to 5 recipients.'
          : invalid
            ? `Invalid email address: ${invalid}`
            : undefined;
      if (error) {
        return {
          actionName: 'emailSimple',
          errors: [{ statusCode: 'INVALID_EMAIL_ADDRESS', message: error, fields: [] }],
          invocationId: null,
          isSuccess: false,
          outcome: null,
          outputValues: null,
          sortOrder: -1,
          version: 1,
        };
      }
      this.ctx.store.addEmail({
        crm: 'salesforce',
        from: String(input.senderAddress ?? sender?.Email ?? 'noreply@sightline.demo'),
        to,
        subject: input.emailSubject,
        body: input.emailBody,
        relatedId: input.relatedRecordId ?? null,
      });
      return {
        actionName: 'emailSimple',
        errors: null,
        invocationId: null,
        isSuccess: true,
        outcome: null,
        outputValues: null,
        sortOrder: -1,
        version: 1,
      };
    });
    return { status: results.every((r) => r.isSuccess) ? 200 : 400, body: results };
  }
}

class RollBack extends Error {}

/** Replaces @{ref.path} in a composite URL or body with values from earlier subresponses. */
function resolveRefs(value: unknown, results: Map<string, unknown>, isUrl: boolean): unknown {
  if (typeof value === 'string') {
    return value.replace(/@\{([A-Za-z0-9_]+)((?:\.[A-Za-z0-9_]+|\[\d+\])*)\}/g, (_m, ref: string, path: string) => {
      if (!results.has(ref))
        throw new Error(
          `Invalid reference specified. No value for ${ref}${path} found in ${ref}. Provided referenceId ('${ref}') may be incorrect or the subrequest failed.`,
        );
      let node: unknown = results.get(ref);
      for (const step of path.match(/\.[A-Za-z0-9_]+|\[\d+\]/g) ?? []) {
        const key = step.startsWith('.') ? step.slice(1) : Number(step.slice(1, -1));
        node = node !== null && typeof node === 'object' ? (node as Record<string | number, unknown>)[key] : undefined;
      }
      if (node === undefined || node === null)
        throw new Error(`Invalid reference specified. No value for ${ref}${path} found in ${ref}.`);
      return isUrl ? encodeURIComponent(String(node)) : String(node);
    });
  }
  if (Array.isArray(value)) return value.map((v) => resolveRefs(v, results, isUrl));
  if (value && typeof value === 'object')
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, resolveRefs(v, results, isUrl)]));
  return value;
}
