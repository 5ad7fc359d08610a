// The captured emails of both CRMs, newest first, links clickable.
import type { OutboxEmail } from '../store.ts';
import { esc, linkify } from './html.ts';

export function outboxHtml(emails: OutboxEmail[]): string {
  if (!emails.length) return '<p class="empty">No emails sent yet.</p>';
  return emails
    .map(
      (e) => `<article class="email" id="email-${e.id}"><h2>${esc(e.subject)}</h2>
<p class="hint">${esc(e.createdAt)} &middot; from ${esc(e.from)} to ${esc(e.to.join(', '))} &middot; via ${esc(e.crm)}${e.relatedId ? ` &middot; about ${esc(e.relatedId)}` : ''}</p>
<pre>${linkify(e.body)}</pre></article>`,
    )
    .join('<hr>');
}
