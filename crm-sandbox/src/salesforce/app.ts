// The Salesforce-compatible server: OAuth, REST API and the people pages on one origin.
import express from 'express';
import { collapseSlashes } from '../http.ts';
import type { SalesforceContext } from './context.ts';
import { SalesforceError } from './errors.ts';
import { salesforceOAuthRouter } from './oauthRouter.ts';
import { salesforceRestRouter } from './restRouter.ts';
import { salesforcePagesRouter } from '../pages/salesforcePages.ts';
import { assetsRouter } from '../pages/assets.ts';
import type { Logger } from 'pino';

export function salesforceApp(ctx: SalesforceContext, logger: Logger): express.Express {
  const app = express();
  app.disable('x-powered-by');
  app.set('query parser', 'simple');
  app.use(collapseSlashes);
  app.use(assetsRouter());
  app.use(salesforceOAuthRouter(ctx));
  app.use(salesforceRestRouter(ctx, ctx.config.sandbox.maxUploadBytes));
  app.use(salesforcePagesRouter(ctx));
  app.use((_req, res) => {
    res.status(404).json(new SalesforceError(404, 'NOT_FOUND', 'The requested resource does not exist').body());
  });
  app.use((err: Error, _req: express.Request, res: express.Response, _next: express.NextFunction) => {
    logger.error(
      { err: { name: err.name, message: err.message, stack: err.stack } },
      'salesforce sandbox request failed',
    );
    if (res.headersSent) return;
    res.status(500).json([{ message: 'An unexpected error occurred.', errorCode: 'UNKNOWN_EXCEPTION' }]);
  });
  return app;
}
