// A hand-written SVG line chart: added latency (p50, p99) against concurrent sessions.
export interface Series {
  label: string;
  color: string;
  dashed?: boolean;
  points: Array<[number, number]>;
}

const esc = (s: string) => s.replace(/[<>&"]/g, (c) => `&#${c.charCodeAt(0)};`);

function niceMax(v: number): number {
  if (!(v > 0)) return 1;
  const p = 10 ** Math.floor(Math.log10(v));
  return [1, 2, 2.5, 5, 10].map((m) => m * p).find((m) => m >= v)!;
}

export function lineChart(o: {
  title: string;
  xLabel: string;
  yLabel: string;
  series: Series[];
  /** A horizontal reference line (e.g. the 50 ms budget). */
  budget?: { y: number; label: string };
}): string {
  const W = 760;
  const H = 440;
  const m = { l: 70, r: 200, t: 44, b: 56 };
  const pw = W - m.l - m.r;
  const ph = H - m.t - m.b;
  const all = o.series.flatMap((s) => s.points);
  const xMax = niceMax(Math.max(1, ...all.map((p) => p[0])));
  const yMax = niceMax(Math.max(o.budget ? o.budget.y * 1.2 : 1, ...all.map((p) => Math.min(p[1], 400))));
  const x = (v: number) => m.l + (v / xMax) * pw;
  const y = (v: number) => m.t + ph - (Math.min(v, yMax) / yMax) * ph;
  const out: string[] = [];
  out.push(
    `<svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="${H}" viewBox="0 0 ${W} ${H}" font-family="sans-serif" font-size="12">`,
    `<rect width="${W}" height="${H}" fill="#fff"/>`,
    `<text x="${m.l}" y="24" font-size="15" font-weight="bold">${esc(o.title)}</text>`,
  );
  for (let i = 0; i <= 5; i++) {
    const yv = (yMax / 5) * i;
    const xv = (xMax / 5) * i;
    out.push(
      `<line x1="${m.l}" x2="${m.l + pw}" y1="${y(yv)}" y2="${y(yv)}" stroke="#e5e5e5"/>`,
      `<text x="${m.l - 8}" y="${y(yv) + 4}" text-anchor="end">${+yv.toFixed(1)}</text>`,
      `<line x1="${x(xv)}" x2="${x(xv)}" y1="${m.t}" y2="${m.t + ph}" stroke="#f0f0f0"/>`,
      `<text x="${x(xv)}" y="${m.t + ph + 18}" text-anchor="middle">${Math.round(xv)}</text>`,
    );
  }
  out.push(
    `<rect x="${m.l}" y="${m.t}" width="${pw}" height="${ph}" fill="none" stroke="#999"/>`,
    `<text x="${m.l + pw / 2}" y="${H - 14}" text-anchor="middle">${esc(o.xLabel)}</text>`,
    `<text transform="translate(18 ${m.t + ph / 2}) rotate(-90)" text-anchor="middle">${esc(o.yLabel)}</text>`,
  );
  if (o.budget) {
    out.push(
      `<line x1="${m.l}" x2="${m.l + pw}" y1="${y(o.budget.y)}" y2="${y(o.budget.y)}" stroke="#c00" stroke-dasharray="6 4"/>`,
      `<text x="${m.l + pw - 4}" y="${y(o.budget.y) - 6}" text-anchor="end" fill="#c00">${esc(o.budget.label)}</text>`,
    );
  }
  o.series.forEach((s, i) => {
    const pts = [...s.points].sort((a, b) => a[0] - b[0]);
    if (pts.length > 0) {
      const d = pts.map((p, j) => `${j ? 'L' : 'M'}${x(p[0]).toFixed(1)} ${y(p[1]).toFixed(1)}`).join(' ');
      out.push(
        `<path d="${d}" fill="none" stroke="${s.color}" stroke-width="2"${s.dashed ? ' stroke-dasharray="5 3"' : ''}/>`,
      );
      for (const p of pts)
        out.push(`<circle cx="${x(p[0]).toFixed(1)}" cy="${y(p[1]).toFixed(1)}" r="3" fill="${s.color}"/>`);
    }
    const ly = m.t + 10 + i * 20;
    out.push(
      `<line x1="${m.l + pw + 16}" x2="${m.l + pw + 40}" y1="${ly}" y2="${ly}" stroke="${s.color}" stroke-width="2"${s.dashed ? ' stroke-dasharray="5 3"' : ''}/>`,
      `<text x="${m.l + pw + 46}" y="${ly + 4}">${esc(s.label)}</text>`,
    );
  });
  out.push(
    `<text x="${m.l + pw}" y="${m.t - 8}" text-anchor="end" fill="#666">values above ${yMax} ms are drawn at the top</text>`,
  );
  out.push('</svg>');
  return out.join('\n') + '\n';
}
