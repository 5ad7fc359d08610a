// The HTML shells of the relay's pages: a mount point with data attributes and the bundle.
// Every value placed in the page is escaped (and validated by the router before).

import { escapeHtml } from '../src/http/messagePage.ts';

interface Shell {
  title: string;
  script: 'join' | 'console' | 'supervise';
  data: Record<string, string>;
  loading: string;
}

export function pageHtml({ title, script, data, loading }: Shell): string {
  const attrs = Object.entries(data)
    .map(([k, v]) => ` data-${k}="${escapeHtml(v)}"`)
    .join('');
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="robots" content="noindex">
<title>${escapeHtml(title)}</title>
<link rel="stylesheet" href="/static/page.css">
<script type="module" src="/static/${script}.js"></script>
</head>
<body>
<div id="app"${attrs}><p class="boot" role="status">${escapeHtml(loading)}</p></div>
<noscript><p class="boot">This page needs JavaScript. Please enable it, or use a current browser.</p></noscript>
</body>
</html>
`;
}

/** The agent picks the CRM to sign in with (when the relay serves both). */
export function signInChoiceHtml(returnTo: string): string {
  const link = (crm: string, label: string) =>
    `<li><a href="/auth/${crm}?returnTo=${encodeURIComponent(returnTo)}">${label}</a></li>`;
  return `<!doctype html>
<html lang="en">
<head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>Sign in · Sightline</title><link rel="stylesheet" href="/static/page.css"></head>
<body><main class="boot message"><h1>Sign in to open the console</h1>
<p>Sign in with the CRM you started the session from.</p>
<ul>${link('salesforce', 'Sign in with Salesforce')}${link('servicenow', 'Sign in with ServiceNow')}</ul>
</main></body>
</html>
`;
}
