// Tiny HTML helpers for the people pages: everything interpolated goes through `esc`.
export function esc(value: unknown): string {
  return String(value ?? '')
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&#39;');
}

/** Escaped text with http(s) URLs turned into links (how the outbox makes emailed links clickable). */
export function linkify(text: string): string {
  const parts = text.split(/(https?:\/\/[^\s<>"']+)/g);
  return parts.map((p, i) => (i % 2 === 1 ? `<a href="${esc(p)}">${esc(p)}</a>` : esc(p))).join('');
}

export interface PageOptions {
  title: string;
  brand: string;
  nav: Array<[href: string, label: string]>;
  user?: string | undefined;
  body: string;
  head?: string;
}

export function page(o: PageOptions): string {
  const nav = o.nav.map(([href, label]) => `<a href="${esc(href)}">${esc(label)}</a>`).join('');
  const who = o.user
    ? `<form method="post" action="/logout" class="who"><span>${esc(o.user)}</span><button type="submit">Sign out</button></form>`
    : '';
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>${esc(o.title)}</title>${o.head ?? ''}<link rel="stylesheet" href="/sandbox-assets/sandbox.css"></head>
<body><header><strong>${esc(o.brand)}</strong><nav>${nav}</nav>${who}</header>
<main>${o.body}</main></body></html>`;
}

export function table(headers: string[], rows: string[][], empty = 'None yet.'): string {
  if (!rows.length) return `<p class="empty">${esc(empty)}</p>`;
  const head = headers.map((h) => `<th>${esc(h)}</th>`).join('');
  const body = rows.map((r) => `<tr>${r.map((c) => `<td>${c}</td>`).join('')}</tr>`).join('');
  return `<table><thead><tr>${head}</tr></thead><tbody>${body}</tbody></table>`;
}

/** Label/value pairs; values are already-escaped HTML. */
export function fields(pairs: Array<[string, string]>): string {
  return `<dl class="fields">${pairs.map(([k, v]) => `<dt>${esc(k)}</dt><dd>${v || '&nbsp;'}</dd>`).join('')}</dl>`;
}

export const STYLESHEET = `
*{box-sizing:border-box}body{margin:0;font:15px/1.45 system-ui,sans-serif;color:#1b1f24;background:#f3f5f8}
header{display:flex;gap:1.5rem;align-items:center;padding:.6rem 1.2rem;background:#0b5cab;color:#fff}
header nav a{color:#fff;margin-right:1rem;text-decoration:none}header .who{margin-left:auto;display:flex;gap:.6rem;align-items:center}
main{max-width:1100px;margin:1.2rem auto;padding:0 1rem}section{background:#fff;border:1px solid #d8dde6;border-radius:6px;padding:1rem 1.2rem;margin-bottom:1rem}
h1{font-size:1.4rem;margin:.2rem 0 1rem}h2{font-size:1.1rem;margin:0 0 .7rem}
table{border-collapse:collapse;width:100%}th,td{text-align:left;padding:.35rem .5rem;border-bottom:1px solid #e5e8ee;vertical-align:top}
dl.fields{display:grid;grid-template-columns:max-content 1fr;gap:.3rem 1rem;margin:0}dt{color:#5c6470}dd{margin:0}
pre{white-space:pre-wrap;background:#f7f8fa;border:1px solid #e5e8ee;padding:.5rem;border-radius:4px;margin:.3rem 0}
video{max-width:100%;max-height:420px;background:#000}.empty{color:#5c6470}.error{color:#b3261e;font-weight:600}
form.signin{display:grid;gap:.6rem;max-width:360px}input{padding:.45rem;font:inherit;border:1px solid #b8c0cc;border-radius:4px}
button{padding:.45rem .9rem;font:inherit;border-radius:4px;border:1px solid #0b5cab;background:#0b5cab;color:#fff;cursor:pointer}
button.secondary{background:#fff;color:#0b5cab}.hint{color:#5c6470;font-size:.9rem}#sightline-mount{min-height:1rem}
`;
