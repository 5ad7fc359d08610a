// /services/data: the versions list, bearer-token (or same-origin UI cookie) authentication, JSON and
// multipart bodies, VersionData downloads; everything else goes to SalesforceApi.
import express, { type NextFunction, type Request, type Response } from 'express';
import { cookie, sameOriginRequest, sendBytes } from '../http.ts';
import { API_VERSIONS, UI_COOKIE, type SalesforceContext } from './context.ts';
import { SalesforceError } from './errors.ts';
import { parseBlobInsert } from './multipart.ts';
import { relatedListRecords } from './relatedList.ts';
import { SalesforceApi } from './SalesforceApi.ts';

const LABELS: Record<string, string> = {
  '60.0': "Spring '24",
  '61.0': "Summer '24",
  '62.0': "Winter '25",
  '63.0': "Spring '25",
  '64.0': "Summer '25",
};

const invalidSession = () => new SalesforceError(401, 'INVALID_SESSION_ID', 'Session expired or invalid');

function send(res: Response, err: SalesforceError): void {
  res.status(err.status).json(err.body());
}

export function salesforceRestRouter(ctx: SalesforceContext, maxUploadBytes: number): express.Router {
  const router = express.Router();
  const api = new SalesforceApi(ctx);

  router.get('/services/data', (_req, res) => {
    res.json(
      API_VERSIONS.map((v) => ({ label: LABELS[v] ?? `Version ${v}`, url: `/services/data/v${v}`, version: v })),
    );
  });

  const authenticate = (req: Request, res: Response, next: NextFunction) => {
    const h = req.headers.authorization;
    const token = h ? /^(?:Bearer|OAuth)\s+(\S+)$/i.exec(h)?.[1] : undefined;
    let userId: string | undefined;
    if (token) userId = ctx.auth.verifyAccess(token)?.userId;
    else if (sameOriginRequest(req)) userId = ctx.auth.uiSessionUser(cookie(req, UI_COOKIE));
    if (!userId) return send(res, invalidSession());
    res.locals.userId = userId;
    res.locals.bearer = !!token;
    next();
  };

  const versioned = express.Router({ mergeParams: true });
  router.use(
    '/services/data/:version',
    (req, res, next) => {
      const m = /^v(\d+\.\d)$/.exec(String(req.params.version));
      if (!m || !API_VERSIONS.includes(m[1]!))
        return send(res, new SalesforceError(404, 'NOT_FOUND', 'The requested resource does not exist'));
      res.locals.version = m[1];
      next();
    },
    authenticate,
    versioned,
  );

  // The REST blob URL takes the Bearer header only: a browser's <video> cannot send one, and
  // Salesforce serves files to signed-in users through /sfc/servlet.shepherd instead.
  versioned.get('/sobjects/ContentVersion/:id/VersionData', (req, res) => {
    if (!res.locals.bearer) return send(res, invalidSession());
    try {
      sendVersion(ctx, req, res, req.params.id!);
    } catch (err) {
      if (err instanceof SalesforceError) return send(res, err);
      throw err;
    }
  });

  versioned.get('/ui-api/related-list-records/:parentId/:relatedListId', (req, res) => {
    try {
      const url = new URL(req.url, 'http://x');
      res.json(
        relatedListRecords(ctx, {
          parentId: req.params.parentId!,
          relatedListId: req.params.relatedListId!,
          query: url.searchParams,
          userId: String(res.locals.userId),
          version: String(res.locals.version),
        }),
      );
    } catch (err) {
      if (err instanceof SalesforceError) return send(res, err);
      throw err;
    }
  });

  versioned.post('/sobjects/:type', async (req, res, next) => {
    if (!req.is('multipart/form-data')) return next();
    try {
      const def = ctx.data.describe(req.params.type!);
      const blobField = def.fields.find((f) => f.type === 'base64');
      if (!blobField)
        throw new SalesforceError(400, 'INVALID_MULTIPART_REQUEST', `${def.name} has no blob field to upload`);
      const part = await parseBlobInsert(req, def.name, blobField.name, maxUploadBytes);
      const id = ctx.data.create(def.name, part.json, String(res.locals.userId), { bytes: part.bytes });
      res
        .status(201)
        .location(`/services/data/v${String(res.locals.version)}/sobjects/${def.name}/${id}`)
        .json({ id, success: true, errors: [] });
    } catch (err) {
      if (err instanceof SalesforceError) return send(res, err);
      throw err;
    }
  });

  versioned.use(
    express.json({ limit: '50mb', type: () => true }),
    (err: Error & { type?: string }, _req: Request, res: Response, next: NextFunction) => {
      if (err.type === 'entity.too.large')
        return send(res, new SalesforceError(413, 'JSON_PARSER_ERROR', 'Maximum size of request reached.'));
      if (err.type === 'entity.parse.failed')
        return send(
          res,
          new SalesforceError(400, 'JSON_PARSER_ERROR', `Unexpected character in JSON body: ${err.message}`),
        );
      next(err);
    },
  );

  versioned.all('/{*rest}', (req, res) => {
    const url = new URL(req.url, 'http://x');
    const path = url.pathname.replace(/^\//, '');
    const out = api.handle({
      method: req.method,
      path,
      query: url.searchParams,
      body: req.body,
      userId: String(res.locals.userId),
      version: String(res.locals.version),
      headers: { 'sforce-query-options': req.get('sforce-query-options') },
    });
    if (out.headers) res.set(out.headers);
    if (out.body === undefined) res.status(out.status).end();
    else res.status(out.status).json(out.body);
  });
  versioned.all('/', (req, res) => {
    const out = api.handle({
      method: req.method,
      path: '',
      query: new URLSearchParams(),
      body: undefined,
      userId: String(res.locals.userId),
      version: String(res.locals.version),
      headers: {},
    });
    res.status(out.status).json(out.body);
  });

  return router;
}

/** A ContentVersion's bytes with its type and name, honouring Range (the REST blob URL and the file servlet). */
export function sendVersion(ctx: SalesforceContext, req: Request, res: Response, versionId: string): void {
  const bytes = ctx.data.versionData(versionId);
  const record = ctx.data.get('ContentVersion', versionId);
  sendBytes(req, res, bytes, {
    'Content-Type': mimeFor(String(record.FileExtension ?? '')),
    'Content-Disposition': `attachment; filename="${String(record.PathOnClient).replace(/[^\w.-]/g, '_')}"`,
  });
}

export function mimeFor(ext: string): string {
  const types: Record<string, string> = {
    webm: 'video/webm',
    mp4: 'video/mp4',
    png: 'image/png',
    jpg: 'image/jpeg',
    jpeg: 'image/jpeg',
    pdf: 'application/pdf',
    txt: 'text/plain; charset=utf-8',
    json: 'application/json',
  };
  return types[ext.toLowerCase()] ?? 'application/octet-stream';
}
