// The scripted support session's "screen": a 1280x720 desktop with a case form and a long
// knowledge article, driven by a fixed script (typing, reading, scrolling, switching windows,
// idling). `supportScene` is self-contained on purpose: it is shipped into Chromium as source text
// (window.__supportScene) and used both by the loopback measurement and as the join page's screen.

export interface ScenePhase {
  from: number;
  to: number;
  label: string;
}

export interface Scene {
  width: number;
  height: number;
  phases: ScenePhase[];
  /** Text-heavy moments where legibility is measured (the picture has been still for a while). */
  measureAt: Array<{ t: number; label: string }>;
  /** Changes exactly when the picture does. */
  stateKey(t: number): string;
  draw(g: CanvasRenderingContext2D | OffscreenCanvasRenderingContext2D, t: number): void;
}

export function supportScene(): Scene {
  const W = 1280;
  const H = 720;
  const phases = [
    { from: 0, to: 2, label: 'idle: case form open' },
    { from: 2, to: 15, label: 'typing: contact and subject' },
    { from: 15, to: 20, label: 'idle: reading (caret blinks)' },
    { from: 20, to: 32, label: 'scrolling: knowledge article' },
    { from: 32, to: 40, label: 'switching windows every 2 s' },
    { from: 40, to: 50, label: 'idle: article, nothing moves' },
    { from: 50, to: 57, label: 'typing: case description' },
    { from: 57, to: 60, label: 'idle' },
  ];
  const measureAt = [
    { t: 19.2, label: 'case form filled in' },
    { t: 24.4, label: 'article, pause between scrolls' },
    { t: 47, label: 'article, idle' },
    { t: 59.5, label: 'case description typed' },
  ];
  const fields = [
    { label: 'Contact name', text: 'Jordan Alvarez' },
    { label: 'Email', text: 'jordan.alvarez@northwind-traders.example' },
    { label: 'Phone', text: '+1 (415) 555-0142' },
    { label: 'Subject', text: 'Quarterly revenue export fails with error 0x80070005' },
  ];
  const description =
    'Customer clicks Export on the Reports tab, picks CSV and the last quarter. After about ten seconds the ' +
    'browser shows "Access denied (0x80070005)". Same result in Edge and Chrome. Other exports work. We ' +
    "checked folder permissions together; the issue started after Tuesday's update.";
  const words = (
    'the report export settings page shows each column with its data type and the filter that applies when a user ' +
    'schedules a recurring export to a shared folder or an email address permissions are checked at run time so a ' +
    'change to the folder owner takes effect on the next run if the export fails the error code and the last ' +
    'successful run are listed in the history panel together with the number of rows written'
  ).split(' ');
  const article: string[] = [];
  for (let i = 0; i < 220; i++) {
    if (i % 12 === 0) article.push(`${i / 12 + 1}. Troubleshooting step ${i / 12 + 1}`);
    else {
      const line: string[] = [];
      for (let w = 0; w < 14; w++) line.push(words[(i * 7 + w * 3) % words.length]!);
      article.push(line.join(' '));
    }
  }
  const typed = (t: number, start: number, cps: number, total: number) =>
    Math.max(0, Math.min(total, Math.floor((t - start) * cps)));

  interface State {
    front: 'form' | 'doc';
    fieldChars: number[];
    descChars: number;
    scroll: number;
    caret: boolean;
    focus: number; // 0-3 fields, 4 description, -1 none
  }
  function stateAt(t: number): State {
    const lengths = fields.map((f) => f.text.length);
    let left = typed(
      t,
      2,
      9.5,
      lengths.reduce((a, b) => a + b, 0),
    );
    const fieldChars = lengths.map((n) => {
      const c = Math.min(n, left);
      left -= c;
      return c;
    });
    const typing = fieldChars.findIndex((c, i) => c < lengths[i]!);
    const focus = t < 50 ? (typing < 0 ? 3 : typing) : 4;
    const descChars = typed(t, 50, 30, description.length);
    let scroll = 0;
    if (t >= 20) {
      // 3 s scrolling at 380 px/s, then 1.5 s reading, repeated until 32 s
      const s = Math.min(t, 32) - 20;
      const cycles = Math.floor(s / 4.5);
      scroll = Math.round((cycles * 3 + Math.min(3, s - cycles * 4.5)) * 380);
    }
    let front: State['front'] = 'form';
    if (t >= 20 && t < 32) front = 'doc';
    else if (t >= 32 && t < 40) front = Math.floor((t - 32) / 2) % 2 === 0 ? 'form' : 'doc';
    else if (t >= 40 && t < 50) front = 'doc';
    const caret = front === 'form' && Math.floor(t / 0.53) % 2 === 0;
    return { front, fieldChars, descChars, scroll, caret, focus: front === 'form' ? focus : -1 };
  }

  function draw(g: CanvasRenderingContext2D | OffscreenCanvasRenderingContext2D, t: number): void {
    const s = stateAt(t);
    const chrome = (x: number, y: number, w: number, h: number, title: string, active: boolean) => {
      g.fillStyle = '#00000033';
      g.fillRect(x + 4, y + 4, w, h);
      g.fillStyle = '#ffffff';
      g.fillRect(x, y, w, h);
      g.fillStyle = active ? '#1b5fae' : '#8a96a3';
      g.fillRect(x, y, w, 30);
      g.fillStyle = '#ffffff';
      g.font = '14px "DejaVu Sans", sans-serif';
      g.fillText(title, x + 12, y + 20);
    };
    const drawForm = (active: boolean) => {
      const x = 60;
      const y = 50;
      chrome(x, y, 760, 560, 'Case 00001026 - Northwind Traders - Service Console', active);
      g.font = '13px "DejaVu Sans", sans-serif';
      fields.forEach((f, i) => {
        const fy = y + 60 + i * 62;
        g.fillStyle = '#3e3e3c';
        g.fillText(f.label, x + 24, fy);
        g.strokeStyle = s.focus === i ? '#1b5fae' : '#c9c9c9';
        g.lineWidth = s.focus === i ? 2 : 1;
        g.strokeRect(x + 24, fy + 8, 700, 30);
        g.fillStyle = '#080707';
        const value = f.text.slice(0, s.fieldChars[i]);
        g.fillText(value, x + 32, fy + 28);
        if (s.focus === i && s.caret) g.fillRect(x + 33 + g.measureText(value).width, fy + 14, 1, 18);
      });
      const dy = y + 320;
      g.fillStyle = '#3e3e3c';
      g.fillText('Description', x + 24, dy);
      g.strokeStyle = s.focus === 4 ? '#1b5fae' : '#c9c9c9';
      g.lineWidth = s.focus === 4 ? 2 : 1;
      g.strokeRect(x + 24, dy + 8, 700, 200);
      g.fillStyle = '#080707';
      let line = '';
      let ly = dy + 30;
      for (const word of description.slice(0, s.descChars).split(' ')) {
        if (g.measureText(line + word).width > 680) {
          g.fillText(line, x + 32, ly);
          ly += 20;
          line = '';
        }
        line += word + ' ';
      }
      g.fillText(line, x + 32, ly);
      if (s.focus === 4 && s.caret) g.fillRect(x + 33 + g.measureText(line.trimEnd()).width, ly - 14, 1, 18);
    };
    const drawDoc = (active: boolean) => {
      const x = 420;
      const y = 90;
      const w = 800;
      const h = 580;
      chrome(x, y, w, h, 'Knowledge: Export fails with access denied - Article 000482', active);
      g.save();
      g.beginPath();
      g.rect(x, y + 30, w, h - 30);
      g.clip();
      const first = Math.floor(s.scroll / 22);
      for (let i = first; i < first + 28 && i < article.length; i++) {
        const heading = /^\d+\. /.test(article[i]!);
        g.font = heading ? 'bold 16px "DejaVu Sans", sans-serif' : '14px "DejaVu Serif", serif';
        g.fillStyle = heading ? '#16325c' : '#222222';
        g.fillText(article[i]!, x + 20, y + 56 + i * 22 - s.scroll);
      }
      g.restore();
      g.fillStyle = '#d8dde6';
      g.fillRect(x + w - 10, y + 30, 10, h - 30);
      g.fillStyle = '#7f8da0';
      g.fillRect(x + w - 10, y + 30 + (s.scroll / (article.length * 22)) * (h - 30), 10, 40);
    };
    g.fillStyle = '#2f4858';
    g.fillRect(0, 0, W, H);
    g.fillStyle = '#1d2b36';
    g.fillRect(0, H - 36, W, 36);
    g.fillStyle = '#e8eef3';
    g.font = '13px "DejaVu Sans", sans-serif';
    g.fillText('Service Console    Knowledge    Mail', 16, H - 13);
    if (s.front === 'form') {
      drawDoc(false);
      drawForm(true);
    } else {
      drawForm(false);
      drawDoc(true);
    }
  }

  return { width: W, height: H, phases, measureAt, stateKey: (t) => JSON.stringify(stateAt(t)), draw };
}

/** The init script that defines window.__supportScene in a page. */
export const SCENE_SCRIPT = `window.__supportScene = ${supportScene.toString()};`;
