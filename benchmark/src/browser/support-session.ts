// The scripted support session, run inside Chromium by page.evaluate (so it must be one
// self-contained function: Playwright ships its source text, not its closure).
//
// It draws a 1280x720 "screen" with two windows (a case form and a long knowledge article) on a
// canvas, plays a fixed script (typing, reading, scrolling, switching windows, idling) in virtual
// time, encodes every changed frame with WebCodecs exactly as a presenter would (nothing is sent
// while the screen is still), decodes the chunks again as the agent's console would, and measures
// PSNR/SSIM of the decoded picture against the source at text-heavy moments.

export interface SupportSessionOptions {
  codec: string;
  width: number;
  height: number;
  bitrate: number;
  /** Capture rate while the screen changes. */
  framerate: number;
  durationSeconds: number;
  /** A keyframe every this many seconds of sent frames (0 = only the first frame). */
  keyframeIntervalSeconds: number;
  contentHint: string;
  /** Return PNG data URLs of source and decoded pictures at the measured moments (for a look by eye). */
  snapshots?: boolean;
}

export interface SupportSessionResult {
  userAgent: string;
  codec: string;
  encoderConfig: Record<string, unknown>;
  /** [capture time ms from start, payload bytes, 1 = keyframe]. */
  chunks: Array<[number, number, 0 | 1]>;
  /** Extra keyframes forced on distinct scenes after the run, so replay knows what a keyframe costs. */
  keyframeBytes: number[];
  quality: Array<{ atSeconds: number; label: string; psnrDb: number; ssim: number }>;
  snapshots: Array<{ label: string; source: string; decoded: string }>;
  phases: Array<{ from: number; to: number; label: string }>;
}

export async function runSupportSession(opts: SupportSessionOptions): Promise<SupportSessionResult> {
  const W = opts.width;
  const H = opts.height;
  const screen = new OffscreenCanvas(W, H);
  const g = screen.getContext('2d', { willReadFrequently: true })!;
  const agentView = new OffscreenCanvas(W, H);
  const ag = agentView.getContext('2d', { willReadFrequently: true })!;

  // ---- the script ---------------------------------------------------------------------------
  const phases = [
    { from: 0, to: 2, label: 'idle: case form open' },
    { from: 2, to: 14, label: 'typing: contact and subject' },
    { from: 14, to: 20, label: 'idle: reading (caret blinks)' },
    { from: 20, to: 32, label: 'scrolling: knowledge article' },
    { from: 32, to: 40, label: 'switching windows every 2 s' },
    { from: 40, to: 50, label: 'idle: article, nothing moves' },
    { from: 50, to: 58, label: 'typing: case description' },
    { from: 58, to: 60, label: 'idle' },
  ];
  const measureAt = [
    { t: 13.9, label: 'case form filled in' },
    { t: 24.4, label: 'article, pause between scrolls' },
    { t: 45, label: 'article, idle' },
    { t: 59, label: 'case description typed' },
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
  const words =
    'the report export settings page shows each column with its data type and the filter that applies when a user ' +
    'schedules a recurring export to a shared folder or an email address permissions are checked at run time so a ' +
    'change to the folder owner takes effect on the next run if the export fails the error code and the last ' +
    'successful run are listed in the history panel together with the number of rows written';
  const wordList = words.split(' ');
  const article: string[] = [];
  for (let i = 0; i < 220; i++) {
    if (i % 12 === 0) article.push(`${Math.floor(i / 12) + 1}. Troubleshooting step ${Math.floor(i / 12) + 1}`);
    else {
      let line = '';
      for (let w = 0; w < 14; w++) line += wordList[(i * 7 + w * 3) % wordList.length] + ' ';
      article.push(line.trim());
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
    const totalFieldChars = lengths.reduce((a, b) => a + b, 0);
    let left = typed(t, 2, 9.5, totalFieldChars);
    const fieldChars = lengths.map((n) => {
      const c = Math.min(n, left);
      left -= c;
      return c;
    });
    const focus = t < 50 ? Math.min(3, fieldChars.findIndex((c, i) => c < lengths[i]!) >>> 0) : 4;
    const descChars = typed(t, 50, 30, description.length); // pasted-ish fast typing
    let scroll = 0;
    if (t >= 20) {
      // 3 s scrolling at 380 px/s, then 1.5 s reading, repeated until 32 s
      const s = Math.min(t, 32) - 20;
      const cycles = Math.floor(s / 4.5);
      const within = s - cycles * 4.5;
      scroll = Math.round((cycles * 3 + Math.min(3, within)) * 380);
    }
    let front: State['front'] = 'form';
    if (t >= 20 && t < 32) front = 'doc';
    else if (t >= 32 && t < 40) front = Math.floor((t - 32) / 2) % 2 === 0 ? 'form' : 'doc';
    else if (t >= 40 && t < 50) front = 'doc';
    const caretBlinks = front === 'form';
    const caret = caretBlinks && Math.floor(t / 0.53) % 2 === 0;
    return { front, fieldChars, descChars, scroll, caret, focus: front === 'form' ? focus : -1 };
  }

  // ---- drawing ------------------------------------------------------------------------------
  function chrome(x: number, y: number, w: number, h: number, title: string, active: boolean) {
    g.fillStyle = '#00000033';
    g.fillRect(x + 4, y + 4, w, h);
    g.fillStyle = '#ffffff';
    g.fillRect(x, y, w, h);
    g.fillStyle = active ? '#1b5fae' : '#8a96a3';
    g.fillRect(x, y, w, 30);
    g.fillStyle = '#ffffff';
    g.font = '14px "DejaVu Sans", sans-serif';
    g.fillText(title, x + 12, y + 20);
  }
  function drawForm(s: State, active: boolean) {
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
    g.strokeRect(x + 24, dy + 8, 700, 200);
    g.fillStyle = '#080707';
    const text = description.slice(0, s.descChars);
    let line = '';
    let ly = dy + 30;
    let lastLine = '';
    for (const word of text.split(' ')) {
      if (g.measureText(line + word).width > 680) {
        g.fillText(line, x + 32, ly);
        ly += 20;
        line = '';
      }
      line += word + ' ';
      lastLine = line;
    }
    g.fillText(line, x + 32, ly);
    if (s.focus === 4 && s.caret) g.fillRect(x + 33 + g.measureText(lastLine.trimEnd()).width, ly - 14, 1, 18);
  }
  function drawDoc(s: State, active: boolean) {
    const x = 420;
    const y = 90;
    const w = 800;
    const h = 580;
    chrome(x, y, w, h, 'Knowledge: Export fails with access denied - Article 000482', active);
    g.save();
    g.beginPath();
    g.rect(x, y + 30, w, h - 30);
    g.clip();
    const lineH = 22;
    const first = Math.floor(s.scroll / lineH);
    for (let i = first; i < first + 28 && i < article.length; i++) {
      const ly = y + 56 + i * lineH - s.scroll;
      const heading = /^\d+\. /.test(article[i]!);
      g.font = heading ? 'bold 16px "DejaVu Sans", sans-serif' : '14px "DejaVu Serif", serif';
      g.fillStyle = heading ? '#16325c' : '#222222';
      g.fillText(article[i]!, x + 20, ly);
    }
    g.restore();
    g.fillStyle = '#d8dde6';
    g.fillRect(x + w - 10, y + 30, 10, h - 30);
    g.fillStyle = '#7f8da0';
    g.fillRect(x + w - 10, y + 30 + (s.scroll / (article.length * 22)) * (h - 30), 10, 40);
  }
  function draw(s: State) {
    g.fillStyle = '#2f4858';
    g.fillRect(0, 0, W, H);
    g.fillStyle = '#1d2b36';
    g.fillRect(0, H - 36, W, 36);
    g.fillStyle = '#e8eef3';
    g.font = '13px "DejaVu Sans", sans-serif';
    g.fillText('Service Console    Knowledge    Mail', 16, H - 13);
    if (s.front === 'form') {
      drawDoc(s, false);
      drawForm(s, true);
    } else {
      drawForm(s, false);
      drawDoc(s, true);
    }
  }

  // ---- quality ------------------------------------------------------------------------------
  function luma(img: ImageData): Float32Array {
    const d = img.data;
    const out = new Float32Array(img.width * img.height);
    for (let i = 0, p = 0; p < out.length; i += 4, p++) out[p] = 0.299 * d[i]! + 0.587 * d[i + 1]! + 0.114 * d[i + 2]!;
    return out;
  }
  function psnr(a: Float32Array, b: Float32Array): number {
    let se = 0;
    for (let i = 0; i < a.length; i++) se += (a[i]! - b[i]!) ** 2;
    const mse = se / a.length;
    return mse === 0 ? 99 : 10 * Math.log10((255 * 255) / mse);
  }
  // Mean SSIM over 8x8 windows of luma (Wang et al. constants).
  function ssim(a: Float32Array, b: Float32Array): number {
    const c1 = (0.01 * 255) ** 2;
    const c2 = (0.03 * 255) ** 2;
    let sum = 0;
    let n = 0;
    for (let by = 0; by + 8 <= H; by += 8) {
      for (let bx = 0; bx + 8 <= W; bx += 8) {
        let ma = 0;
        let mb = 0;
        for (let y = by; y < by + 8; y++)
          for (let x = bx; x < bx + 8; x++) {
            ma += a[y * W + x]!;
            mb += b[y * W + x]!;
          }
        ma /= 64;
        mb /= 64;
        let va = 0;
        let vb = 0;
        let cov = 0;
        for (let y = by; y < by + 8; y++)
          for (let x = bx; x < bx + 8; x++) {
            const da = a[y * W + x]! - ma;
            const db = b[y * W + x]! - mb;
            va += da * da;
            vb += db * db;
            cov += da * db;
          }
        va /= 63;
        vb /= 63;
        cov /= 63;
        sum += ((2 * ma * mb + c1) * (2 * cov + c2)) / ((ma * ma + mb * mb + c1) * (va + vb + c2));
        n++;
      }
    }
    return sum / n;
  }

  // ---- encode and decode --------------------------------------------------------------------
  const chunks: SupportSessionResult['chunks'] = [];
  let collectMain = true;
  const extraKeys: number[] = [];
  let lastDecoded: VideoFrame | null = null;
  let failure: unknown = null;
  let submitted = 0;
  let decoded = 0;
  // decoder.flush() would make the next chunk need to be a keyframe (WebCodecs spec), so wait for
  // the outputs to catch up instead.
  const caughtUp = async () => {
    while (decoded < submitted && !failure) await new Promise((r) => setTimeout(r, 1));
  };
  const decoder = new VideoDecoder({
    output: (f) => {
      decoded++;
      lastDecoded?.close();
      lastDecoded = f;
    },
    error: (e) => (failure = e),
  });
  decoder.configure({ codec: opts.codec, codedWidth: W, codedHeight: H, optimizeForLatency: true });
  const encoderConfig: VideoEncoderConfig & { contentHint?: string } = {
    codec: opts.codec,
    width: W,
    height: H,
    bitrate: opts.bitrate,
    framerate: opts.framerate,
    latencyMode: 'realtime',
    bitrateMode: 'variable',
    hardwareAcceleration: 'prefer-software',
    contentHint: opts.contentHint,
  };
  const support = await VideoEncoder.isConfigSupported(encoderConfig);
  if (!support.supported) throw new Error(`encoder config not supported: ${JSON.stringify(encoderConfig)}`);
  const encoder = new VideoEncoder({
    output: (chunk) => {
      if (collectMain) {
        chunks.push([Math.round(chunk.timestamp / 100) / 10, chunk.byteLength, chunk.type === 'key' ? 1 : 0]);
        try {
          decoder.decode(chunk);
          submitted++;
        } catch (e) {
          failure = e;
        }
      } else extraKeys.push(chunk.byteLength);
    },
    error: (e) => (failure = e),
  });
  encoder.configure(encoderConfig);

  const quality: SupportSessionResult['quality'] = [];
  const snapshots: SupportSessionResult['snapshots'] = [];
  const step = 1 / opts.framerate;
  let prevKey = '';
  let lastKeyAt = -Infinity;
  const pending = [...measureAt];
  for (let i = 0; i * step < opts.durationSeconds; i++) {
    const t = i * step;
    const s = stateAt(t);
    const key = JSON.stringify(s);
    if (key !== prevKey) {
      // The presenter's rule: a frame only when the picture changed.
      prevKey = key;
      draw(s);
      const keyFrame = t - lastKeyAt >= (opts.keyframeIntervalSeconds || Infinity) || lastKeyAt < 0;
      if (keyFrame) lastKeyAt = t;
      const frame = new VideoFrame(screen, { timestamp: Math.round(t * 1e6) });
      encoder.encode(frame, { keyFrame });
      frame.close();
      await encoder.flush();
    }
    while (pending.length > 0 && pending[0]!.t <= t) {
      const m = pending.shift()!;
      await caughtUp();
      if (!lastDecoded) continue;
      ag.drawImage(lastDecoded, 0, 0);
      const src = luma(g.getImageData(0, 0, W, H));
      const seen = luma(ag.getImageData(0, 0, W, H));
      if (opts.snapshots) {
        const png = async (c: OffscreenCanvas) => {
          const blob = await c.convertToBlob({ type: 'image/png' });
          const bytes = new Uint8Array(await blob.arrayBuffer());
          let bin = '';
          for (const b of bytes) bin += String.fromCharCode(b);
          return btoa(bin);
        };
        snapshots.push({ label: m.label, source: await png(screen), decoded: await png(agentView) });
      }
      quality.push({
        atSeconds: m.t,
        label: m.label,
        psnrDb: Math.round(psnr(src, seen) * 100) / 100,
        ssim: Math.round(ssim(src, seen) * 10000) / 10000,
      });
    }
    if (failure) throw failure;
  }
  // What a keyframe costs on different screens (a late joiner or a skipping viewer asks for one).
  collectMain = false;
  for (const t of [10, 26, 36, 45, 57]) {
    draw(stateAt(t));
    const frame = new VideoFrame(screen, { timestamp: Math.round((opts.durationSeconds + t) * 1e6) });
    encoder.encode(frame, { keyFrame: true });
    frame.close();
    await encoder.flush();
  }
  encoder.close();
  await decoder.flush();
  decoder.close();
  (lastDecoded as VideoFrame | null)?.close();
  if (failure) throw failure;
  return {
    userAgent: navigator.userAgent,
    codec: opts.codec,
    encoderConfig: { ...encoderConfig },
    chunks,
    keyframeBytes: extraKeys,
    quality,
    snapshots,
    phases,
  };
}
