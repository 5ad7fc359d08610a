// /api/now: Table API and Attachment API, authenticated by bearer token, Basic credentials, or the
// same-origin UI session cookie.
import express, { type NextFunction, type Request, type Response } from 'express';
import busboy from 'busboy';
import { z } from 'zod';
import { cookie, sameOriginRequest, sendBytes } from '../http.ts';
import type { Doc } from '../store.ts';
import { SN_UI_COOKIE, type ServiceNowContext } from './context.ts';
import { ServiceNowError } from './errors.ts';
import type { Actor, DisplayMode } from './ServiceNowData.ts';

const boolParam = z.enum(['true', 'false']).optional();
const listParams = z.object({
  sysparm_query: z.string().max(10_000).optional(),
  sysparm_fields: z.string().max(2000).optional(),
  sysparm_limit: z.coerce.number().int().min(1).max(10_000).optional(),
  sysparm_offset: z.coerce.number().int().min(0).optional(),
  sysparm_display_value: z.enum(['true', 'false', 'all']).optional(),
  sysparm_exclude_reference_link: boolParam,
  sysparm_suppress_pagination_header: boolParam,
});
const attachmentParams = z.object({
  table_name: z.string().min(1).max(80),
  table_sys_id: z.string().regex(/^[0-9a-f]{32}$/, 'table_sys_id must be a sys_id'),
  file_name: z.string().min(1).max(255).optional(),
});

function send(res: Response, err: ServiceNowError): void {
  res.status(err.status).json(err.body());
}

function params<T extends z.ZodType>(schema: T, raw: unknown): z.infer<T> {
  const parsed = schema.safeParse(raw);
  if (!parsed.success) throw new ServiceNowError(400, 'Invalid request parameters', z.prettifyError(parsed.error));
  return parsed.data;
}

const safeName = (s: string) => s.replace(/[\\/\0\r\n"]/g, '_');

export function servicenowApiRouter(ctx: ServiceNowContext): express.Router {
  const router = express.Router();
  const maxBytes = ctx.config.sandbox.maxUploadBytes;

  const authenticate = (req: Request, res: Response, next: NextFunction) => {
    const h = req.headers.authorization ?? '';
    let userId: string | undefined;
    const bearer = /^Bearer\s+(\S+)$/i.exec(h)?.[1];
    const basic = /^Basic\s+(\S+)$/i.exec(h)?.[1];
    if (bearer) userId = ctx.auth.verifyAccess(bearer)?.userId;
    else if (basic) {
      const [user, ...pw] = Buffer.from(basic, 'base64').toString('utf8').split(':');
      userId = user ? ctx.auth.checkPassword(user, pw.join(':')) : undefined;
    } else if (sameOriginRequest(req)) userId = ctx.auth.uiSessionUser(cookie(req, SN_UI_COOKIE));
    if (!userId)
      return send(res, new ServiceNowError(401, 'User Not Authenticated', 'Required to provide Auth information'));
    res.locals.actor = ctx.data.actor(userId);
    next();
  };
  router.use('/api/now', authenticate);

  const actor = (res: Response) => res.locals.actor as Actor;
  const wrap =
    (fn: (req: Request, res: Response) => unknown) =>
    async (req: Request, res: Response, next: NextFunction): Promise<void> => {
      try {
        await fn(req, res);
      } catch (err) {
        if (err instanceof ServiceNowError) return send(res, err);
        next(err);
      }
    };
  const json = express.json({ limit: '10mb', type: () => true });
  const jsonBody = (req: Request): Doc => {
    if (typeof req.body !== 'object' || req.body === null || Array.isArray(req.body)) {
      throw new ServiceNowError(400, 'Exception while reading request', 'The payload is not valid JSON.');
    }
    return req.body as Doc;
  };
  const serializeOpts = (q: z.infer<typeof listParams>) => ({
    fields: q.sysparm_fields
      ?.split(',')
      .map((f) => f.trim())
      .filter(Boolean),
    display: (q.sysparm_display_value ?? 'false') as DisplayMode,
    excludeReferenceLink: q.sysparm_exclude_reference_link === 'true',
  });

  router.get(
    '/api/now/table/:table',
    wrap((req, res) => {
      const q = params(listParams, req.query);
      const table = ctx.data.table(String(req.params.table)).name;
      const rows = ctx.data.query(table, q.sysparm_query ?? '', actor(res).sysId);
      const limit = q.sysparm_limit ?? 10_000;
      const offset = q.sysparm_offset ?? 0;
      const page = rows.slice(offset, offset + limit);
      res.set('X-Total-Count', String(rows.length));
      if (q.sysparm_suppress_pagination_header !== 'true')
        res.set('Link', links(ctx.baseUrl(), req, rows.length, limit, offset));
      const opts = serializeOpts(q);
      res.json({ result: page.map((r) => ctx.data.serialize(table, r, opts)) });
    }),
  );

  router.get(
    '/api/now/table/:table/:sysId',
    wrap((req, res) => {
      const q = params(listParams, req.query);
      const record = ctx.data.get(String(req.params.table), String(req.params.sysId));
      res.json({ result: ctx.data.serialize(String(req.params.table), record, serializeOpts(q)) });
    }),
  );

  router.post(
    '/api/now/table/:table',
    json,
    wrap((req, res) => {
      const q = params(listParams, req.query);
      const record = ctx.data.insert(String(req.params.table), jsonBody(req), actor(res));
      res
        .status(201)
        .location(`${ctx.baseUrl()}/api/now/table/${String(req.params.table)}/${String(record.sys_id)}`)
        .json({ result: ctx.data.serialize(String(req.params.table), record, serializeOpts(q)) });
    }),
  );

  for (const method of ['put', 'patch'] as const) {
    router[method](
      '/api/now/table/:table/:sysId',
      json,
      wrap((req, res) => {
        const q = params(listParams, req.query);
        const record = ctx.data.update(String(req.params.table), String(req.params.sysId), jsonBody(req), actor(res));
        res.json({ result: ctx.data.serialize(String(req.params.table), record, serializeOpts(q)) });
      }),
    );
  }

  router.delete(
    '/api/now/table/:table/:sysId',
    wrap((req, res) => {
      ctx.data.delete(String(req.params.table), String(req.params.sysId));
      res.status(204).end();
    }),
  );

  router.post(
    '/api/now/attachment/file',
    express.raw({ type: () => true, limit: maxBytes }),
    wrap((req, res) => {
      const p = params(attachmentParams.required({ file_name: true }), req.query);
      const bytes = Buffer.isBuffer(req.body) ? req.body : Buffer.alloc(0);
      const type = req.get('content-type') ?? 'application/octet-stream';
      checkAttachment(ctx, p.file_name, bytes.length);
      const meta = ctx.data.attach(p.table_name, p.table_sys_id, safeName(p.file_name), type, bytes, actor(res));
      res
        .status(201)
        .location(`${ctx.baseUrl()}/api/now/attachment/${String(meta.sys_id)}`)
        .json({ result: ctx.data.attachmentJson(meta) });
    }),
  );

  router.post(
    '/api/now/attachment/upload',
    wrap(async (req, res) => {
      const upload = await parseUpload(req, maxBytes);
      const p = params(attachmentParams, upload.fields);
      checkAttachment(ctx, upload.fileName, upload.bytes.length);
      const meta = ctx.data.attach(
        p.table_name,
        p.table_sys_id,
        safeName(upload.fileName),
        upload.contentType,
        upload.bytes,
        actor(res),
      );
      res
        .status(201)
        .location(`${ctx.baseUrl()}/api/now/attachment/${String(meta.sys_id)}`)
        .json({ result: ctx.data.attachmentJson(meta) });
    }),
  );

  router.get(
    '/api/now/attachment',
    wrap((req, res) => {
      const q = params(listParams, req.query);
      const rows = ctx.data.query('sys_attachment', q.sysparm_query ?? '', actor(res).sysId);
      const limit = q.sysparm_limit ?? 1000;
      const offset = q.sysparm_offset ?? 0;
      res.set('X-Total-Count', String(rows.length));
      res.json({ result: rows.slice(offset, offset + limit).map((r) => ctx.data.attachmentJson(r)) });
    }),
  );

  router.get(
    '/api/now/attachment/:sysId',
    wrap((req, res) => {
      res.json({ result: ctx.data.attachmentJson(ctx.data.get('sys_attachment', String(req.params.sysId))) });
    }),
  );

  router.get(
    '/api/now/attachment/:sysId/file',
    wrap((req, res) => {
      const { meta, bytes } = ctx.data.attachmentFile(String(req.params.sysId));
      sendBytes(req, res, bytes, {
        'Content-Type': String(meta.content_type || 'application/octet-stream'),
        'Content-Disposition': `attachment;filename="${safeName(String(meta.file_name))}"`,
        'X-Attachment-Metadata': JSON.stringify({
          sys_id: meta.sys_id,
          file_name: meta.file_name,
          table_name: meta.table_name,
          table_sys_id: meta.table_sys_id,
        }),
      });
    }),
  );

  router.delete(
    '/api/now/attachment/:sysId',
    wrap((req, res) => {
      ctx.data.get('sys_attachment', String(req.params.sysId));
      ctx.store.delete(String(req.params.sysId));
      res.status(204).end();
    }),
  );

  router.use('/api/now', (err: Error & { type?: string }, _req: Request, res: Response, next: NextFunction) => {
    if (err.type === 'entity.too.large')
      return send(res, new ServiceNowError(413, 'Request entity too large', `The request exceeds ${maxBytes} bytes`));
    if (err.type === 'entity.parse.failed')
      return send(res, new ServiceNowError(400, 'Exception while reading request', 'The payload is not valid JSON.'));
    next(err);
  });
  router.use('/api/now', (_req, res) =>
    send(res, new ServiceNowError(400, 'Requested URI does not represent any resource')),
  );

  return router;
}

function links(base: string, req: Request, total: number, limit: number, offset: number): string {
  const at = (o: number) => {
    const u = new URL(req.originalUrl, base);
    u.searchParams.set('sysparm_limit', String(limit));
    u.searchParams.set('sysparm_offset', String(o));
    return u.toString();
  };
  const last = Math.max(0, Math.floor((Math.max(total, 1) - 1) / limit) * limit);
  const out = [`<${at(0)}>;rel="first"`];
  if (offset > 0) out.push(`<${at(Math.max(0, offset - limit))}>;rel="prev"`);
  if (offset + limit < total) out.push(`<${at(offset + limit)}>;rel="next"`);
  out.push(`<${at(last)}>;rel="last"`);
  return out.join(',');
}

interface Upload {
  fields: Record<string, string>;
  fileName: string;
  contentType: string;
  bytes: Uint8Array;
}

/** multipart/form-data with table_name and table_sys_id fields first and the file part last. */
/**
 * The instance's attachment properties: `com.glide.attachment.max_size` (MB) and the
 * `glide.attachment.extensions` allowlist (blank allows every extension). The error texts are the
 * sandbox's own (the platform's wording is unverified); the status and shape are the Attachment API's.
 */
function checkAttachment(ctx: ServiceNowContext, fileName: string, size: number): void {
  const maxMb = ctx.config.sandbox.attachmentMaxSizeMb;
  if (size > maxMb * 1024 * 1024)
    throw new ServiceNowError(
      400,
      'Failed to create the attachment',
      `The attachment is larger than the instance allows (com.glide.attachment.max_size = ${maxMb} MB)`,
    );
  const allowed = ctx.config.sandbox.attachmentExtensions;
  const ext = (/\.([^.]+)$/.exec(fileName)?.[1] ?? '').toLowerCase();
  if (allowed.length && !allowed.includes(ext))
    throw new ServiceNowError(
      400,
      'Failed to create the attachment',
      `File type .${ext || '(none)'} is not allowed on this instance (glide.attachment.extensions = ${allowed.join(',')})`,
    );
}

function parseUpload(req: Request, maxBytes: number): Promise<Upload> {
  return new Promise((resolve, reject) => {
    let bb: busboy.Busboy;
    try {
      bb = busboy({ headers: req.headers, limits: { fileSize: maxBytes, files: 1, fields: 10, fieldSize: 64 * 1024 } });
    } catch (err) {
      reject(new ServiceNowError(400, 'Failed to create the attachment', (err as Error).message));
      return;
    }
    const fields: Record<string, string> = {};
    let file: Omit<Upload, 'fields'> | undefined;
    let failure: ServiceNowError | undefined;
    let fileSeen = false;
    bb.on('field', (name, value) => {
      if (fileSeen)
        failure ??= new ServiceNowError(
          400,
          'Failed to create the attachment',
          'The file part must be the last part of the request',
        );
      fields[name] = value;
    });
    bb.on('file', (_name, stream, info) => {
      fileSeen = true;
      const chunks: Buffer[] = [];
      stream.on('data', (c: Buffer) => chunks.push(c));
      stream.on('limit', () => {
        failure ??= new ServiceNowError(413, 'Request entity too large', `The attachment exceeds ${maxBytes} bytes`);
      });
      stream.on('end', () => {
        file = {
          fileName: info.filename ?? 'attachment',
          contentType: info.mimeType || 'application/octet-stream',
          bytes: Buffer.concat(chunks),
        };
      });
    });
    bb.on('filesLimit', () => {
      failure ??= new ServiceNowError(400, 'Failed to create the attachment', 'Only one file part is accepted');
    });
    let done = false;
    const finish = (err?: Error) => {
      if (done) return;
      done = true;
      if (err) return reject(new ServiceNowError(400, 'Failed to create the attachment', err.message));
      if (failure) return reject(failure);
      if (!file)
        return reject(
          new ServiceNowError(400, 'Failed to create the attachment', 'File part might be missing in the request.'),
        );
      resolve({ fields, ...file });
    };
    bb.on('error', (err: Error) => {
      req.unpipe(bb);
      req.resume();
      finish(err);
    });
    bb.on('close', () => finish());
    req.pipe(bb);
  });
}
