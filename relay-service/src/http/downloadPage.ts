// The download page: the installer for each platform a release published, the visitor's first.
import type { SightlineConfig } from '@sightline/config';

type Downloads = SightlineConfig['desktop']['downloads'];
type Platform = keyof Downloads;

const LABEL: Record<Platform, string> = {
  windows: 'Windows (10 or later, installer)',
  macos: 'macOS (12 or later, disk image)',
  linux: 'Linux (AppImage, X11 desktop)',
};

const escapeHtml = (s: string) =>
  s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);

/** The platform a User-Agent names, if any. */
export function platformOf(userAgent: string): Platform | null {
  if (/Windows/i.test(userAgent)) return 'windows';
  if (/Mac OS X|Macintosh/i.test(userAgent)) return 'macos';
  if (/Linux|X11/i.test(userAgent) && !/Android/i.test(userAgent)) return 'linux';
  return null;
}

export function downloadPageHtml(downloads: Downloads, userAgent: string): string {
  const mine = platformOf(userAgent);
  const order = (['windows', 'macos', 'linux'] as const).toSorted((a, b) => Number(b === mine) - Number(a === mine));
  const items = order
    .map((p) => {
      const url = downloads[p];
      const label = escapeHtml(LABEL[p]);
      const yours = p === mine ? ' <strong>(this computer)</strong>' : '';
      return url
        ? `<li data-platform="${p}"><a href="${escapeHtml(url)}" rel="noopener">${label}</a>${yours}</li>`
        : `<li data-platform="${p}">${label}${yours}: not published on this relay yet</li>`;
    })
    .join('\n');
  return `<!doctype html>
<html lang="en">
<head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="robots" content="noindex">
<title>Download the Sightline app</title><link rel="stylesheet" href="/static/page.css"></head>
<body><main class="boot">
<h1>Download the Sightline app</h1>
<p>The app lets your agent see your whole screen, or a monitor you choose, and, if you allow it,
control your pointer and keyboard. A coloured border shows what is visible; you can stop at any moment.</p>
<ul>
${items}
</ul>
<p>After installing, go back to the join page and click <em>Open the Sightline app</em> again.</p>
</main></body>
</html>
`;
}
