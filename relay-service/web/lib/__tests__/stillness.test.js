import { StillnessGate, changedPixels, toLuma } from '../stillness.js';
import { encoderCandidates, pickEncoderConfig, pickRecordingConfig, screenBitrate, codecName } from '../codecs.js';
import { checkShareCapability } from '../capabilities.js';

const thumb = (value, n = 16) => new Uint8Array(n).fill(value);

describe('stillness gate', () => {
  it('converts RGBA to luma', () => {
    expect([...toLuma(new Uint8ClampedArray([255, 255, 255, 255, 0, 0, 0, 255]))]).toEqual([255, 0]);
  });

  it('counts changed pixels above the noise threshold', () => {
    const a = thumb(100);
    const b = thumb(100);
    b[3] = 102; // below threshold
    b[5] = 140;
    expect(changedPixels(a, b)).toBe(1);
    expect(changedPixels(null, b)).toBe(Infinity);
  });

  it('sends while the screen changes, settles, then stays silent until a heartbeat', () => {
    const gate = new StillnessGate({
      settleFrames: 2,
      heartbeatMs: 10_000,
      minIntervalMs: 0,
      largeChangeIntervalMs: 0,
    });
    const verdicts = [];
    verdicts.push(gate.decide(thumb(10), 0));
    verdicts.push(gate.decide(thumb(50), 33));
    for (let t = 66; t < 400; t += 33) verdicts.push(gate.decide(thumb(50), t));
    expect(verdicts.slice(0, 4)).toEqual(['change', 'change', 'settle', 'settle']);
    expect(verdicts.slice(4).every((v) => v === 'skip')).toBe(true);
    expect(gate.decide(thumb(50), 10_100)).toBe('heartbeat');
    expect(gate.decide(thumb(50), 10_133)).toBe('skip');
    gate.reset();
    expect(gate.decide(thumb(50), 10_166)).toBe('change');
  });

  it('caps the frame rate while the picture changes and always sends the latest picture', () => {
    const gate = new StillnessGate({
      settleFrames: 1,
      heartbeatMs: 60_000,
      minIntervalMs: 125,
      largeChangeIntervalMs: 125,
    });
    // Captures every 33 ms, each one different, until 300 ms; then the picture stays.
    const verdicts = [];
    for (let t = 0; t <= 297; t += 33) verdicts.push([t, gate.decide(thumb(t % 250), t)]);
    const sent = verdicts.filter(([, v]) => v !== 'skip');
    expect(sent).toEqual([
      [0, 'change'],
      [132, 'change'],
      [264, 'change'],
    ]);
    // The change at 297 ms has not gone out yet: it does once the interval has passed.
    expect(gate.decide(thumb(297 % 250), 330)).toBe('skip');
    expect(gate.decide(thumb(297 % 250), 396)).toBe('change');
    expect(gate.decide(thumb(297 % 250), 429)).toBe('skip');
    expect(gate.decide(thumb(297 % 250), 528)).toBe('settle');
    expect(gate.decide(thumb(297 % 250), 700)).toBe('skip');
    // After a pause the first change goes out at once.
    expect(gate.decide(thumb(1), 2_000)).toBe('change');
  });
});

describe('large changes', () => {
  it('paces a change of much of the picture (a scroll) slower than a small one (typing)', () => {
    const gate = new StillnessGate({
      settleFrames: 0,
      heartbeatMs: 60_000,
      minIntervalMs: 100,
      largeChangeIntervalMs: 400,
    });
    const small = (n) => {
      const t = thumb(50);
      t[0] = n; // one pixel differs: typing
      return t;
    };
    expect(gate.decide(small(0), 0)).toBe('change'); // the first picture goes out at once
    expect(gate.decide(small(200), 100)).toBe('change');
    // Every pixel changes (scrolling): held until 400 ms after the last frame sent, then the latest goes.
    expect(gate.decide(thumb(90), 200)).toBe('skip');
    expect(gate.decide(thumb(120), 300)).toBe('skip');
    expect(gate.decide(thumb(150), 499)).toBe('skip');
    expect(gate.decide(thumb(150), 500)).toBe('change');
    // Back to small changes: the short interval again.
    const typed = thumb(150);
    typed[3] = 0;
    expect(gate.decide(typed, 600)).toBe('change');
  });
});

describe('codec choice', () => {
  it('prefers AV1, then VP9, VP8 and H.264, for realtime screen text', () => {
    const list = encoderCandidates(1280, 720);
    expect(list.map((c) => codecName(c.codec))).toEqual(['AV1', 'VP9', 'VP8', 'H.264', 'H.264']);
    expect(list[0]).toMatchObject({ codec: 'av01.0.05M.08', latencyMode: 'realtime', contentHint: 'text' });
    expect(list[0]).toMatchObject({ bitrate: 40_000 }); // AV1: half the target keeps text sharp
    expect(list[1]).toMatchObject({ bitrate: 80_000 });
    expect(list[0].scalabilityMode).toBeUndefined();
    expect(encoderCandidates(1920, 1080)[0].codec).toBe('av01.0.08M.08');
    expect(encoderCandidates(3840, 2160)[0].codec).toBe('av01.0.12M.08');
    expect(list[3].avc).toEqual({ format: 'annexb' });
    expect(list[4].avc).toEqual({ format: 'avc' });
  });

  it('keeps the bitrate target in the screen-content range', () => {
    expect(screenBitrate(640, 360)).toBe(40_000);
    expect(screenBitrate(1280, 720)).toBe(80_000);
    expect(screenBitrate(3840, 2160)).toBe(160_000);
  });

  it('picks the first configuration the browser supports', async () => {
    const Encoder = {
      isConfigSupported: jest.fn(async (c) => {
        if (c.codec.startsWith('av01') || c.codec.startsWith('vp09')) throw new TypeError('unknown codec');
        return { supported: c.codec.startsWith('avc1') };
      }),
    };
    const config = await pickEncoderConfig(1920, 1080, Encoder);
    expect(config.codec).toBe('avc1.42E02A');
    expect(Encoder.isConfigSupported).toHaveBeenCalledTimes(4); // stops at the first supported one
    expect(await pickEncoderConfig(1280, 720, { isConfigSupported: async () => ({ supported: false }) })).toBeNull();
  });

  it('for a recorded session picks H.264 only, Annex B first, or null without an H.264 encoder', async () => {
    const all = { isConfigSupported: jest.fn(async () => ({ supported: true })) };
    const config = await pickRecordingConfig(1280, 720, all);
    expect(config.codec).toBe('avc1.42E01F');
    expect(config.avc).toEqual({ format: 'annexb' });
    expect(all.isConfigSupported).toHaveBeenCalledTimes(1);
    const vpxOnly = { isConfigSupported: async (c) => ({ supported: !c.codec.startsWith('avc1') }) };
    expect(await pickRecordingConfig(1280, 720, vpxOnly)).toBeNull();
  });
});

describe('capability check', () => {
  it('explains a missing screen share or encoder in plain words', () => {
    expect(checkShareCapability({ navigator: {} }).reason).toMatch(/cannot share a screen.*desktop client/);
    const noCodecs = { navigator: { mediaDevices: { getDisplayMedia() {} } }, WebSocket() {} };
    expect(checkShareCapability(noCodecs).reason).toMatch(/WebCodecs is missing/);
    expect(checkShareCapability({ ...noCodecs, VideoEncoder() {} }).ok).toBe(true);
  });
});
