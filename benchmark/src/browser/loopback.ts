// The presenter's pipeline without the network, inside Chromium (run by page.evaluate, so it is one
// self-contained function): the scripted scene is "captured" at the join page's frame rate in
// virtual time, gated by the join page's own StillnessGate and encoded with the join page's own
// encoder configuration (both imported from relay-service/web/lib), then decoded again as the
// agent console would. Returns every chunk and luma snapshots of source and decoded picture at the
// scene's text-heavy moments (the quality figures are computed in Node).
import type { Scene } from './scene.ts';

export interface LoopbackOptions {
  /** URL prefix the join page's lib modules are served at. */
  libUrl: string;
  durationSeconds: number;
  /** Capture rate of the screen track (frames offered to the gate). */
  captureFps: number;
  /** Encode as the join page does while the session is recorded (H.264, codecs.pickRecordingConfig). */
  recording?: boolean;
  /** Fields laid over the join page's chosen configuration (codec and rate-control sweeps). */
  configOverride?: Record<string, unknown>;
  /** StillnessGate options (frame pacing sweeps). */
  gateOptions?: Record<string, number>;
  /** Extra VideoEncoderEncodeOptions per frame (a quantizer in bitrateMode 'quantizer'). */
  encodeOptions?: Record<string, unknown>;
}

export interface LumaSnapshot {
  atSeconds: number;
  label: string;
  width: number;
  height: number;
  /** base64 of width*height luma bytes */
  source: string;
  decoded: string;
}

export interface LoopbackResult {
  userAgent: string;
  codec: string;
  encoderConfig: Record<string, unknown>;
  /** [capture time ms from start, payload bytes, 1 = keyframe]. */
  chunks: Array<[number, number, 0 | 1]>;
  /** Extra keyframes forced on distinct screens after the run: what a requested keyframe costs. */
  keyframeBytes: number[];
  snapshots: LumaSnapshot[];
  phases: Array<{ from: number; to: number; label: string }>;
  /** Wall time the page waited on encode + flush, summed over the run: the encoder's busy time. */
  encodeMs: number;
}

export async function runLoopback(opts: LoopbackOptions): Promise<LoopbackResult> {
  const scene = (window as unknown as { __supportScene: () => Scene }).__supportScene();
  const codecs = await import(`${opts.libUrl}codecs.js`);
  const still = await import(`${opts.libUrl}stillness.js`);
  const W = scene.width;
  const H = scene.height;
  const screen = new OffscreenCanvas(W, H);
  const g = screen.getContext('2d', { willReadFrequently: true })!;
  const agentView = new OffscreenCanvas(W, H);
  const ag = agentView.getContext('2d', { willReadFrequently: true })!;
  const thumbCanvas = new OffscreenCanvas(still.THUMB_WIDTH, still.THUMB_HEIGHT);
  const tg = thumbCanvas.getContext('2d', { willReadFrequently: true })!;

  const lumaBase64 = (c: OffscreenCanvasRenderingContext2D) => {
    const luma: Uint8Array = still.toLuma(c.getImageData(0, 0, W, H).data);
    let bin = '';
    for (let i = 0; i < luma.length; i += 0x8000) bin += String.fromCharCode(...luma.subarray(i, i + 0x8000));
    return btoa(bin);
  };

  const chunks: LoopbackResult['chunks'] = [];
  const keyframeBytes: number[] = [];
  let collecting = true;
  let lastDecoded: VideoFrame | null = null;
  let failure: unknown = null;
  let submitted = 0;
  let decoded = 0;
  const decoder = new VideoDecoder({
    output: (f) => {
      decoded++;
      lastDecoded?.close();
      lastDecoded = f;
    },
    error: (e) => (failure = e),
  });
  const config: VideoEncoderConfig | null = opts.recording
    ? await codecs.pickRecordingConfig(W, H)
    : await codecs.pickEncoderConfig(W, H);
  if (!config) throw new Error(`no supported ${opts.recording ? 'recording (H.264) ' : ''}encoder configuration`);
  if (opts.configOverride) Object.assign(config, opts.configOverride);
  let encodeMs = 0;
  decoder.configure({ codec: config.codec, codedWidth: W, codedHeight: H, optimizeForLatency: true });
  const encoder = new VideoEncoder({
    output: (chunk) => {
      if (!collecting) return void keyframeBytes.push(chunk.byteLength);
      chunks.push([Math.round(chunk.timestamp / 100) / 10, chunk.byteLength, chunk.type === 'key' ? 1 : 0]);
      try {
        decoder.decode(chunk);
        submitted++;
      } catch (e) {
        failure = e;
      }
    },
    error: (e) => (failure = e),
  });
  encoder.configure(config);
  // decoder.flush() would make the next chunk need to be a keyframe (WebCodecs spec): wait instead.
  const caughtUp = async () => {
    while (decoded < submitted && !failure) await new Promise((r) => setTimeout(r, 1));
  };

  const gate = new still.StillnessGate(opts.gateOptions);
  const snapshots: LumaSnapshot[] = [];
  const pending = [...scene.measureAt];
  let drawnKey = '';
  let thumb: Uint8Array | null = null;
  let first = true;
  for (let i = 0; i / opts.captureFps < opts.durationSeconds; i++) {
    const t = i / opts.captureFps;
    const key = scene.stateKey(t);
    if (key !== drawnKey) {
      drawnKey = key;
      scene.draw(g, t);
      tg.drawImage(screen, 0, 0, still.THUMB_WIDTH, still.THUMB_HEIGHT);
      thumb = still.toLuma(tg.getImageData(0, 0, still.THUMB_WIDTH, still.THUMB_HEIGHT).data);
    }
    // Every captured frame goes through the gate, changed or not, as on the join page.
    const verdict: string = gate.decide(thumb, t * 1000);
    const keyFrame = first || verdict === 'heartbeat';
    if (verdict !== 'skip' || keyFrame) {
      first = false;
      const frame = new VideoFrame(screen, { timestamp: Math.round(t * 1e6) });
      const began = performance.now();
      encoder.encode(frame, { ...opts.encodeOptions, keyFrame });
      frame.close();
      await encoder.flush();
      encodeMs += performance.now() - began;
    }
    while (pending.length > 0 && pending[0]!.t <= t) {
      const m = pending.shift()!;
      await caughtUp();
      if (!lastDecoded) continue;
      ag.drawImage(lastDecoded, 0, 0);
      snapshots.push({
        atSeconds: m.t,
        label: m.label,
        width: W,
        height: H,
        source: lumaBase64(g),
        decoded: lumaBase64(ag),
      });
    }
    if (failure) throw failure;
  }
  collecting = false;
  for (const t of [10, 26, 36, 45, 57]) {
    scene.draw(g, t);
    const frame = new VideoFrame(screen, { timestamp: Math.round((opts.durationSeconds + t) * 1e6) });
    encoder.encode(frame, { keyFrame: true });
    frame.close();
    await encoder.flush();
  }
  encoder.close();
  await caughtUp();
  decoder.close();
  (lastDecoded as VideoFrame | null)?.close();
  if (failure) throw failure;
  const { codec, bitrate, framerate, latencyMode, bitrateMode } = config as VideoEncoderConfig &
    Record<string, unknown>;
  return {
    userAgent: navigator.userAgent,
    codec: config.codec,
    encoderConfig: {
      codec,
      width: W,
      height: H,
      bitrate,
      framerate,
      latencyMode,
      bitrateMode,
      contentHint: (config as { contentHint?: string }).contentHint,
    },
    chunks,
    keyframeBytes,
    snapshots,
    phases: scene.phases,
    encodeMs: Math.round(encodeMs),
  };
}
