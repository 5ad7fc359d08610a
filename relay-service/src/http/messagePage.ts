// The relay's plain pages (an invalid link, a sign-in that failed, a page that is not there): the same
// frame and stylesheet as the join page and console, so a person never meets a bare error.

export const escapeHtml = (s: string) =>
  s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);

/** A titled card with one sentence and, optionally, one link onward; every value escaped. */
export function messageHtml(title: string, text: string, link?: { href: string; label: string }): string {
  const onward = link ? `<p><a href="${escapeHtml(link.href)}">${escapeHtml(link.label)}</a></p>` : '';
  return `<!doctype html>
<html lang="en">
<head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="robots" content="noindex">
<title>${escapeHtml(title)} · Sightline</title><link rel="stylesheet" href="/static/page.css"></head>
<body><main class="boot message"><h1>${escapeHtml(title)}</h1><p>${escapeHtml(text)}</p>${onward}</main></body>
</html>
`;
}

/** What a person reads for an error on a page they opened (not an API call). */
export function errorPageText(status: number, error: string, message: string): { title: string; text: string } {
  const sentence = message ? message[0]!.toUpperCase() + message.slice(1).replace(/\.?$/, '.') : '';
  if (error === 'sign_in_refused' || error === 'crm_error')
    return { title: 'Sign-in did not complete', text: `${sentence} Close this window and start again from your CRM.` };
  if (status === 401) return { title: 'You are signed out', text: 'Sign in again from your CRM to continue.' };
  if (status === 403) return { title: 'Not allowed', text: sentence };
  if (status === 404) return { title: 'Page not found', text: 'This address does not open anything on Sightline.' };
  if (status < 500) return { title: 'This link is not valid', text: sentence };
  return { title: 'Something went wrong', text: 'Sightline could not answer this page. Please try again in a moment.' };
}
