// The shared stylesheet of the people pages, and the Salesforce package's browser build when present.
import express from 'express';
import { STYLESHEET } from './html.ts';

export function assetsRouter(): express.Router {
  const router = express.Router();
  router.get('/sandbox-assets/sandbox.css', (_req, res) => {
    res.type('css').set('Cache-Control', 'no-cache').send(STYLESHEET);
  });
  router.get('/favicon.ico', (_req, res) => {
    res.status(204).end();
  });
  return router;
}
