// The ServiceNow-compatible server: OAuth, Table and Attachment APIs and the people pages.
import express from 'express';
import { collapseSlashes } from '../http.ts';
import type { Logger } from 'pino';
import { assetsRouter } from '../pages/assets.ts';
import { servicenowPagesRouter } from '../pages/servicenowPages.ts';
import { servicenowApiRouter } from './apiRouter.ts';
import type { ServiceNowContext } from './context.ts';
import { ServiceNowError } from './errors.ts';
import { servicenowOAuthRouter } from './oauthRouter.ts';

export function servicenowApp(ctx: ServiceNowContext, logger: Logger): express.Express {
  const app = express();
  app.disable('x-powered-by');
  app.set('query parser', 'simple');
  app.use(collapseSlashes);
  app.use(assetsRouter());
  app.use(servicenowOAuthRouter(ctx));
  app.use(servicenowApiRouter(ctx));
  app.use(servicenowPagesRouter(ctx));
  app.use((_req, res) => {
    res.status(404).json(new ServiceNowError(404, 'Requested URI does not represent any resource').body());
  });
  app.use((err: Error, _req: express.Request, res: express.Response, _next: express.NextFunction) => {
    logger.error(
      { err: { name: err.name, message: err.message, stack: err.stack } },
      'servicenow sandbox request failed',
    );
    if (res.headersSent) return;
    res.status(500).json(new ServiceNowError(500, 'Internal server error').body());
  });
  return app;
}
