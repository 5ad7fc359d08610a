// ServiceNow people pages: sign-in, the incident list, an incident with its work notes, attachments
// (videos playable) and emails; the shared email outbox.
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import express from 'express';
import { SN_UI_COOKIE, type ServiceNowContext } from '../servicenow/context.ts';
import type { Doc } from '../store.ts';
import { guard } from './guard.ts';
import { esc, fields, page, table } from './html.ts';
import { outboxHtml } from './outbox.ts';

const BRAND = 'ServiceNow sandbox';
/** The ServiceNow app's own "Start Screen Share" UI action script, run on the incident page as the form runs it. */
export const UI_ACTION_SCRIPT = resolve(
  import.meta.dirname,
  '../../../servicenow-app/src/fluent/ui-action/start-screen-share.client.js',
);

const NAV: Array<[string, string]> = [
  ['/incident_list.do', 'Incidents'],
  ['/outbox', 'Outbox'],
];

export function servicenowPagesRouter(ctx: ServiceNowContext): express.Router {
  const router = express.Router();
  const {
    router: auth,
    requireUser,
    optionalUser,
  } = guard({
    auth: ctx.auth,
    cookieName: SN_UI_COOKIE,
    brand: BRAND,
    connectSources: () => [new URL(ctx.relayUrl()).origin],
  });
  router.use(auth);
  const userName = (id: unknown) => String(ctx.data.find('sys_user', String(id ?? ''))?.name ?? '');
  const render = (userId: string, title: string, body: string) =>
    page({ title: `${title} | ${BRAND}`, brand: BRAND, nav: NAV, user: userName(userId), body });

  const list = (req: express.Request, res: express.Response) => {
    const userId = requireUser(req, res);
    if (!userId) return;
    const rows = ctx.data
      .list('incident')
      .map((i) => [
        `<a href="/incident.do?sys_id=${esc(i.sys_id)}">${esc(i.number)}</a>`,
        esc(i.short_description),
        esc(userName(i.caller_id)),
        esc(userName(i.assigned_to)),
        esc(i.state),
        esc(i.sys_updated_on),
      ]);
    res
      .type('html')
      .send(
        render(
          userId,
          'Incidents',
          `<section><h1>Incidents</h1>${table(['Number', 'Short description', 'Caller', 'Assigned to', 'State', 'Updated'], rows)}</section>`,
        ),
      );
  };
  router.get('/', list);
  router.get('/incident_list.do', list);

  router.get('/incident.do', (req, res) => {
    const userId = requireUser(req, res);
    if (!userId) return;
    const id = typeof req.query.sys_id === 'string' ? req.query.sys_id : '';
    const inc = ctx.data.find('incident', id);
    if (!inc) {
      res
        .status(404)
        .type('html')
        .send(render(userId, 'Not found', '<section><h1>Record not found</h1></section>'));
      return;
    }
    res.type('html').send(render(userId, String(inc.number), startButton(ctx, inc) + incidentPage(ctx, inc, userName)));
  });

  router.get('/sightline-servicenow/ui-action.js', (_req, res, next) => {
    if (!existsSync(ctx.uiActionScript)) return next();
    res.type('js').set('Cache-Control', 'no-cache').sendFile(ctx.uiActionScript);
  });

  // Readable without signing in, like a local mail catcher: the customers it stands in for have no CRM login.
  router.get('/outbox', (req, res) => {
    const userId = optionalUser(req, res) ?? '';
    res
      .type('html')
      .send(render(userId, 'Outbox', `<section><h1>Outbox</h1>${outboxHtml(ctx.store.emails())}</section>`));
  });

  return router;
}

/** The form's UI action button, wired to the app's client script by a small g_form/g_scratchpad shim. */
function startButton(ctx: ServiceNowContext, inc: Doc): string {
  if (!existsSync(ctx.uiActionScript)) return '';
  return `<section><button type="button" id="sightline-start" data-sys-id="${esc(inc.sys_id)}" data-relay-url="${esc(ctx.relayUrl())}">Start Screen Share</button>
<p id="sightline-messages" class="error" role="alert"></p>
<script src="/sightline-servicenow/ui-action.js"></script><script src="/sandbox-assets/servicenow-form.js"></script></section>`;
}

function incidentPage(ctx: ServiceNowContext, inc: Doc, userName: (id: unknown) => string): string {
  const caller = ctx.data.find('sys_user', String(inc.caller_id ?? ''));
  const details = fields([
    ['Number', esc(inc.number)],
    ['Short description', esc(inc.short_description)],
    ['Caller', caller ? `${esc(caller.name)} &lt;${esc(caller.email)}&gt;` : ''],
    ['Assigned to', esc(userName(inc.assigned_to))],
    ['State', esc(inc.state)],
    ['Priority', esc(inc.priority)],
    ['Description', `<pre>${esc(inc.description)}</pre>`],
  ]);
  const id = String(inc.sys_id);
  const notes = ctx.data
    .journal('incident', id, 'work_notes')
    .map((j) => [esc(j.sys_created_on), esc(j.sys_created_by), `<pre>${esc(j.value)}</pre>`]);
  const comments = ctx.data
    .journal('incident', id, 'comments')
    .map((j) => [esc(j.sys_created_on), esc(j.sys_created_by), `<pre>${esc(j.value)}</pre>`]);
  const attachments = ctx.data
    .list('sys_attachment')
    .filter((a) => a.table_name === 'incident' && a.table_sys_id === id)
    .map((a) => {
      const url = `/api/now/attachment/${String(a.sys_id)}/file`;
      const video = /^video\/(webm|mp4)/.test(String(a.content_type))
        ? `<video controls preload="metadata" src="${esc(url)}"></video>`
        : '';
      return `<article class="file"><h3>${esc(a.file_name)}</h3><p class="hint">${esc(a.content_type)} &middot; ${esc(a.size_bytes)} bytes &middot; ${esc(a.sys_created_by)} &middot; ${esc(a.sys_created_on)} &middot; <a href="${esc(url)}">Download</a></p>${video}</article>`;
    });
  const emails = ctx.store
    .emails()
    .filter((e) => e.relatedId === id || (caller?.email && e.to.includes(String(caller.email))));
  const emailRows = emails.map((e) => [
    esc(e.createdAt),
    esc(e.to.join(', ')),
    esc(e.subject),
    `<a href="/outbox#email-${e.id}">open</a>`,
  ]);
  return `<section data-incident-id="${esc(id)}"><h1>${esc(inc.number)}: ${esc(inc.short_description)}</h1>${details}</section>
<section id="work-notes"><h2>Work notes (${notes.length})</h2>${table(['Created', 'By', 'Note'], notes, 'No work notes yet.')}</section>
<section id="comments"><h2>Additional comments (${comments.length})</h2>${table(['Created', 'By', 'Comment'], comments, 'No comments.')}</section>
<section id="attachments"><h2>Attachments (${attachments.length})</h2>${attachments.join('') || '<p class="empty">No attachments.</p>'}</section>
<section id="emails"><h2>Emails (${emails.length})</h2>${table(['Sent', 'To', 'Subject', ''], emailRows, 'No emails yet.')}</section>`;
}
