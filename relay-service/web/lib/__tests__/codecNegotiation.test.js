// The presenter encodes only what every viewer decodes: the viewer's probe, the choice, and when the
// encoder must switch.
import { codecFamily, pickEncoderConfig, pickRecordingConfig, probeDecoders } from '../codecs.js';
import { ScreenEncoder } from '../screenEncoder.js';

const encodesAll = { isConfigSupported: jest.fn(async () => ({ supported: true })) };

/** @param {(codec: string) => boolean} decodes */
const decoder = (decodes) => ({ isConfigSupported: jest.fn(async (c) => ({ supported: decodes(c.codec) })) });

describe('viewer decoder probe', () => {
  it('asks once per family and keeps the presenter order', async () => {
    const Decoder = decoder((codec) => !codec.startsWith('av01'));
    expect(await probeDecoders(Decoder)).toEqual(['vp9', 'vp8', 'h264']);
    expect(Decoder.isConfigSupported).toHaveBeenCalledTimes(4);
    for (const [config] of Decoder.isConfigSupported.mock.calls) expect(config.codedWidth).toBe(1920);
  });

  it('counts a family whose probe throws as not decoded', async () => {
    const Decoder = {
      isConfigSupported: async (c) => {
        if (c.codec === 'vp8') throw new TypeError('unknown codec');
        return { supported: true };
      },
    };
    expect(await probeDecoders(Decoder)).toEqual(['av1', 'vp9', 'h264']);
  });

  it('says nothing is decoded without WebCodecs', async () => {
    expect(await probeDecoders(undefined)).toEqual([]);
  });
});

describe('codec choice for the viewers', () => {
  it('encodes AV1 when every viewer decodes it', async () => {
    const config = await pickEncoderConfig(1280, 720, encodesAll, ['av1', 'vp9', 'vp8', 'h264']);
    expect(codecFamily(config.codec)).toBe('av1');
  });

  it('skips AV1 when one viewer cannot decode it (a Safari guest): VP9', async () => {
    const config = await pickEncoderConfig(1280, 720, encodesAll, ['vp9', 'vp8', 'h264']);
    expect(config.codec).toBe('vp09.00.10.08');
  });

  it('takes the first codec both sides have, never one only the encoder has', async () => {
    const Encoder = {
      isConfigSupported: jest.fn(async (c) => ({ supported: c.codec.startsWith('av01') || c.codec === 'vp8' })),
    };
    const config = await pickEncoderConfig(1280, 720, Encoder, ['vp9', 'vp8']);
    expect(config.codec).toBe('vp8');
    // AV1 was never asked about: no viewer could have shown it.
    expect(Encoder.isConfigSupported.mock.calls.map(([c]) => c.codec)).toEqual(['vp09.00.10.08', 'vp8']);
  });

  it('returns null when the encoder has none of the viewers\u2019 codecs', async () => {
    const Encoder = { isConfigSupported: async (c) => ({ supported: c.codec.startsWith('av01') }) };
    expect(await pickEncoderConfig(1280, 720, Encoder, ['vp9', 'h264'])).toBeNull();
  });

  it('falls back to what was sent before (no AV1) when the viewers decode nothing in common', async () => {
    const config = await pickEncoderConfig(1280, 720, encodesAll, []);
    expect(config.codec).toBe('vp09.00.10.08');
  });

  it('keeps the recording rule: H.264 is still found for the recorder', async () => {
    expect(codecFamily((await pickRecordingConfig(1280, 720, encodesAll)).codec)).toBe('h264');
  });

  it('names each family from its codec string', () => {
    expect(['av01.0.05M.08', 'vp09.00.10.08', 'vp8', 'avc1.42E01F', 'hev1'].map(codecFamily)).toEqual([
      'av1',
      'vp9',
      'vp8',
      'h264',
      null,
    ]);
  });
});

describe('the encoder switches when the viewers change', () => {
  const Offscreen = globalThis.OffscreenCanvas;
  beforeAll(() => {
    // Only the constructor's thumbnail canvas; nothing is drawn here.
    globalThis.OffscreenCanvas = class {
      getContext() {
        return {};
      }
    };
  });
  afterAll(() => {
    globalThis.OffscreenCanvas = Offscreen;
  });

  /** @param {string} codec what the encoder was configured with */
  function encoderOn(codec) {
    const encoder = new ScreenEncoder({ onConfig() {}, onChunk() {} });
    encoder.codec = codec;
    return encoder;
  }

  it('reconfigures at once when a viewer who cannot decode the current codec joins', () => {
    const encoder = encoderOn('av01.0.05M.08');
    encoder.setDecoders(['vp9', 'vp8', 'h264']);
    expect(encoder.reconfigure).toBe(true);
  });

  it('stays on its codec when every viewer still decodes it', () => {
    const encoder = encoderOn('vp09.00.10.08');
    encoder.setDecoders(['av1', 'vp9', 'vp8', 'h264']); // first: AV1 was already allowed
    encoder.reconfigure = false;
    encoder.setDecoders(['vp9', 'h264']);
    expect(encoder.reconfigure).toBe(false);
  });

  it('goes back to the preferred codec when the viewer who lacked it left', () => {
    const encoder = encoderOn('av01.0.05M.08');
    encoder.setDecoders(['vp9', 'vp8', 'h264']);
    encoder.codec = 'vp09.00.10.08'; // what configure() picked
    encoder.reconfigure = false;
    encoder.setDecoders(['av1', 'vp9', 'vp8', 'h264']);
    expect(encoder.reconfigure).toBe(true);
  });

  it('does nothing before its first configuration (that one picks with the new set)', () => {
    const encoder = encoderOn('');
    encoder.setDecoders(['vp8']);
    expect(encoder.reconfigure).toBe(false);
    expect(encoder.decoders).toEqual(['vp8']);
  });
});
