// Salesforce people pages: sign-in, home (open cases), the case page with the Sightline mount point,
// tasks, files (playable), emails and related leads; the leads list; the email outbox.
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, resolve } from 'node:path';
import express from 'express';
import { UI_COOKIE, type SalesforceContext } from '../salesforce/context.ts';
import { sendVersion } from '../salesforce/restRouter.ts';
import { objectDef } from '../salesforce/schema.ts';
import type { Doc } from '../store.ts';
import { guard } from './guard.ts';
import { esc, fields, page, table } from './html.ts';
import { outboxHtml } from './outbox.ts';

const BRAND = 'Salesforce sandbox';
const NAV: Array<[string, string]> = [
  ['/', 'Cases'],
  ['/leads', 'Leads'],
  ['/outbox', 'Outbox'],
];
export const BROWSER_BUILD_DIR = resolve(import.meta.dirname, '../../../force-app/.browser-build');

/** The Salesforce Lightning Design System's built assets (styles, fonts, icons), as Lightning serves them. */
const SLDS_ASSETS = resolve(
  dirname(createRequire(import.meta.url).resolve('@salesforce-ux/design-system/package.json')),
  'assets',
);
/** Lightning styles every record page with SLDS; the base components' markup relies on its classes. */
const SLDS_HEAD = '<link rel="stylesheet" href="/slds/styles/salesforce-lightning-design-system.min.css">';

const caseLink = (c: Doc) => `<a href="/lightning/r/Case/${esc(c.Id)}/view">${esc(c.CaseNumber)}</a>`;

export function salesforcePagesRouter(ctx: SalesforceContext): express.Router {
  const router = express.Router();
  const {
    router: auth,
    requireUser,
    optionalUser,
  } = guard({
    auth: ctx.auth,
    cookieName: UI_COOKIE,
    brand: BRAND,
    connectSources: () => [new URL(ctx.relayUrl()).origin],
  });
  router.use(auth);
  const name = (id: unknown) => (typeof id === 'string' ? String(ctx.data.find(id)?.record.Name ?? id) : '');
  const render = (userId: string, title: string, body: string) =>
    page({ title: `${title} | ${BRAND}`, brand: BRAND, nav: NAV, user: name(userId), body, head: SLDS_HEAD });
  router.use('/slds', express.static(SLDS_ASSETS, { index: false, fallthrough: false, immutable: true, maxAge: '1d' }));

  router.get('/', (req, res) => {
    const userId = requireUser(req, res);
    if (!userId) return;
    const cases = ctx.data.list('Case');
    const rows = cases.map((c) => [
      caseLink(c),
      esc(c.Subject),
      esc(c.Status),
      esc(c.Priority),
      esc(name(c.ContactId)),
      esc(name(c.OwnerId)),
    ]);
    res
      .type('html')
      .send(
        render(
          userId,
          'Cases',
          `<section><h1>Cases</h1>${table(['Case', 'Subject', 'Status', 'Priority', 'Contact', 'Owner'], rows)}</section>`,
        ),
      );
  });

  router.get('/lightning/r/Case/:id/view', (req, res) => {
    const userId = requireUser(req, res);
    if (!userId) return;
    const found = ctx.data.find(req.params.id);
    if (!found || found.def.name !== 'Case') {
      res
        .status(404)
        .type('html')
        .send(render(userId, 'Not found', '<section><h1>Record not found</h1></section>'));
      return;
    }
    res
      .type('html')
      .send(render(userId, `Case ${String(found.record.CaseNumber)}`, casePage(ctx, found.record, userId, name)));
  });

  router.get('/leads', (req, res) => {
    const userId = requireUser(req, res);
    if (!userId) return;
    const rows = ctx.data
      .list('Lead')
      .map((l) => [
        esc(l.Name),
        esc(l.Company),
        esc(l.Email),
        esc(l.Status),
        esc(l.LeadSource),
        l.IsConverted ? 'yes' : 'no',
        esc(name(l.OwnerId)),
        esc(l.CreatedDate),
      ]);
    res
      .type('html')
      .send(
        render(
          userId,
          'Leads',
          `<section><h1>Leads</h1>${table(['Name', 'Company', 'Email', 'Status', 'Source', 'Converted', 'Owner', 'Created'], rows)}</section>`,
        ),
      );
  });

  // Readable without signing in, like a local mail catcher: the customers it stands in for have no CRM login.
  router.get('/outbox', (req, res) => {
    const userId = optionalUser(req, res) ?? '';
    res
      .type('html')
      .send(render(userId, 'Outbox', `<section><h1>Outbox</h1>${outboxHtml(ctx.store.emails())}</section>`));
  });

  // Where Lightning serves a file's bytes to a signed-in user (the org session cookie, no Bearer
  // header): what a <video> on a record page can load. It answers Range, as players need to seek.
  router.get('/sfc/servlet.shepherd/version/download/:id', (req, res) => {
    const userId = requireUser(req, res);
    if (!userId) return;
    const version = ctx.data.find(req.params.id)?.record;
    if (!version || version.Id === undefined || !ctx.data.canReadFile(String(version.Id), userId)) {
      res.status(404).type('text').send('File not found or not shared with you');
      return;
    }
    sendVersion(ctx, req, res, String(version.Id));
  });

  router.use('/sightline-components', (req, res, next) => {
    if (!existsSync(ctx.browserBuildDir)) return next();
    express.static(ctx.browserBuildDir, { fallthrough: true, index: false })(req, res, next);
  });

  return router;
}

function casePage(ctx: SalesforceContext, c: Doc, userId: string, name: (id: unknown) => string): string {
  const contact = c.ContactId ? ctx.data.find(String(c.ContactId))?.record : undefined;
  const details = fields([
    ['Case Number', esc(c.CaseNumber)],
    ['Subject', esc(c.Subject)],
    ['Status', esc(c.Status)],
    ['Priority', esc(c.Priority)],
    ['Contact', contact ? `${esc(contact.Name)} &lt;${esc(contact.Email)}&gt;` : ''],
    ['Account', esc(name(c.AccountId))],
    ['Owner', esc(name(c.OwnerId))],
    ['Description', `<pre>${esc(c.Description)}</pre>`],
  ]);
  const mount = existsSync(resolve(ctx.browserBuildDir, 'case-page.js'))
    ? `<section><h2>Sightline</h2><div id="sightline-mount" data-record-id="${esc(c.Id)}" data-relay-url="${esc(ctx.relayUrl())}" data-user-id="${esc(userId)}" data-api-version="62.0"></div>
<script type="module" src="/sightline-components/case-page.js"></script></section>`
    : '';
  const tasks = ctx.data.list('Task').filter((t) => t.WhatId === c.Id);
  const taskRows = tasks.map((t) => [
    `${esc(t.Subject)}<pre>${esc(t.Description)}</pre>`,
    esc(t.Status),
    esc(t.TaskSubtype),
    esc(name(t.WhoId)),
    esc(t.ActivityDate),
    t.CallDurationInSeconds === null ? '' : `${esc(t.CallDurationInSeconds)} s`,
    esc(name(t.OwnerId)),
  ]);
  const links = ctx.data.list('ContentDocumentLink').filter((l) => l.LinkedEntityId === c.Id);
  const files = links.flatMap((l) => {
    const doc = ctx.data.find(String(l.ContentDocumentId))?.record;
    const version = doc?.LatestPublishedVersionId
      ? ctx.data.find(String(doc.LatestPublishedVersionId))?.record
      : undefined;
    if (!doc || !version) return [];
    const url = `/sfc/servlet.shepherd/version/download/${String(version.Id)}`;
    const ext = String(version.FileExtension ?? '');
    const player =
      ext === 'webm' || ext === 'mp4'
        ? `<video controls preload="metadata" src="${esc(url)}" data-content-version-id="${esc(version.Id)}"></video>`
        : '';
    return [
      `<article class="file"><h3>${esc(version.Title)}</h3><p class="hint">${esc(version.PathOnClient)} &middot; ${esc(version.ContentSize)} bytes &middot; ${esc(name(version.OwnerId))} &middot; ${esc(version.CreatedDate)} &middot; <a href="${esc(url)}">Download</a></p>${player}</article>`,
    ];
  });
  // The Emails related list shows what was logged on the case (emailSimple with logEmailOnSend),
  // as Salesforce does; an email sent without logging is only in the outbox.
  const emails = ctx.data
    .list('EmailMessage')
    .filter((e) => e.ParentId === c.Id || e.RelatedToId === c.Id)
    .sort((a, b) => String(b.MessageDate).localeCompare(String(a.MessageDate)));
  const emailRows = emails.map((e) => [
    esc(e.MessageDate),
    esc(e.FromAddress),
    esc(e.ToAddress),
    `${esc(e.Subject)}<pre>${esc(e.TextBody)}</pre>`,
    esc(name(e.CreatedById)),
  ]);
  const mentioned = new Set(
    tasks
      .flatMap((t) => String(t.Description ?? '').match(/[^\s@<>()"',;]+@[^\s@<>()"',;]+\.[A-Za-z]{2,}/g) ?? [])
      .map((e) => e.toLowerCase()),
  );
  const sessions = new Set(tasks.map((t) => t.Sightline_Session_Id__c).filter(Boolean));
  const sessionLeads = new Set(
    ctx.data
      .list('Task')
      .filter((t) => sessions.has(t.Sightline_Session_Id__c) && String(t.WhoId ?? '').startsWith('00Q'))
      .map((t) => t.WhoId),
  );
  // The package's attendee records (when it defines them) name leads and emails of the case's sessions too.
  const attendees = objectDef('Sightline_Attendee__c')
    ? ctx.data.list('Sightline_Attendee__c').filter((a) => a.Case__c === c.Id)
    : [];
  for (const a of attendees) {
    if (a.Lead__c) sessionLeads.add(a.Lead__c);
    if (typeof a.Email__c === 'string') mentioned.add(a.Email__c.toLowerCase());
  }
  const leads = ctx.data
    .list('Lead')
    .filter((l) => sessionLeads.has(l.Id) || (typeof l.Email === 'string' && mentioned.has(l.Email.toLowerCase())));
  const leadRows = leads.map((l) => [
    esc(l.Name),
    esc(l.Company),
    esc(l.Email),
    esc(l.Status),
    esc(l.LeadSource),
    esc(l.CreatedDate),
  ]);
  return `<section data-case-id="${esc(c.Id)}"><h1>Case ${esc(c.CaseNumber)}: ${esc(c.Subject)}</h1>${details}</section>
${mount}
<section id="tasks"><h2>Activity (${tasks.length})</h2>${table(['Subject / description', 'Status', 'Type', 'Name', 'Date', 'Duration', 'Assigned'], taskRows, 'No activity yet.')}</section>
<section id="files"><h2>Files (${files.length})</h2>${files.join('') || '<p class="empty">No files yet.</p>'}</section>
<section id="emails"><h2>Emails (${emails.length})</h2>${table(['Sent', 'From', 'To', 'Subject / body', 'Sent by'], emailRows, 'No emails yet.')}</section>
<section id="leads"><h2>Leads from sessions (${leads.length})</h2>${table(['Name', 'Company', 'Email', 'Status', 'Source', 'Created'], leadRows, 'No leads from sessions.')}</section>`;
}
