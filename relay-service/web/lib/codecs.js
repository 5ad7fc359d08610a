// Codec choice for screen content: the first of AV1, VP9, VP8, H.264 that this browser can encode;
// H.264 while the session is recorded, where the browser has an encoder for it. AV1 first because,
// with contentHint 'text' (Chromium tunes libaom for screen content), it kept text sharper for fewer
// bits than VP9 on the scripted support session (benchmark/README.md, "Bandwidth").
// Only codecs every viewer decodes are candidates: the relay tells the presenter the families all
// its viewers decode (snapshot `decoders`), from what each viewer's hello said (`probeDecoders`).
import { LEGACY_DECODERS, codecFamilySchema } from '../../src/protocol/messages.ts';

/** @typedef {import('../../src/protocol/messages.ts').CodecFamily} CodecFamily */

/**
 * @param {number} width
 * @param {number} height
 * @returns {number} bits per second: legible text at a low average (frames are only sent on change)
 */
export function screenBitrate(width, height) {
  const ratio = (width * height) / (1280 * 720);
  return Math.round(Math.min(160_000, Math.max(40_000, 80_000 * ratio)));
}

/**
 * AV1's share of that target. With contentHint 'text' libaom keeps text sharp at half VP9's rate: on
 * the scripted 60 s support session, 80 -> 40 kbit/s took the average from 54.7 to 48.9 kbit/s with
 * the lowest text SSIM 0.9967 -> 0.9921 (benchmark/README.md, "Bandwidth"). VP9, VP8 and H.264 keep
 * the full target: VP9 was already at SSIM 0.97 after scrolling.
 */
export const AV1_BITRATE_SHARE = 0.5;

/** H.264 constrained baseline; the level grows with the picture so large screens still encode. */
function avcCodec(width, height) {
  const area = width * height;
  const level = area <= 921_600 ? '1F' : area <= 2_228_224 ? '2A' : '33';
  return `avc1.42E0${level}`;
}

/** AV1 main profile, 8-bit; the level grows with the picture (3.1 up to 720p, 4.0 to 1080p, 5.0 above). */
function av1Codec(width, height) {
  const area = width * height;
  const level = area <= 1_065_024 ? '05' : area <= 2_359_296 ? '08' : '12';
  return `av01.0.${level}M.08`;
}

/**
 * @param {number} width even pixel width
 * @param {number} height even pixel height
 * @returns {VideoEncoderConfig[]} candidates in order of preference
 */
export function encoderCandidates(width, height) {
  const base = {
    width,
    height,
    bitrate: screenBitrate(width, height),
    framerate: 30,
    latencyMode: /** @type {LatencyMode} */ ('realtime'),
    bitrateMode: /** @type {VideoEncoderBitrateMode} */ ('variable'),
    // Screen text: prefer sharpness over motion smoothness (ignored where unknown).
    contentHint: 'text',
  };
  return [
    { ...base, codec: av1Codec(width, height), bitrate: Math.round(base.bitrate * AV1_BITRATE_SHARE) },
    { ...base, codec: 'vp09.00.10.08' },
    { ...base, codec: 'vp8' },
    { ...base, codec: avcCodec(width, height), avc: { format: 'annexb' } },
    // Encoders without Annex B output: length-prefixed NALs plus an avcC description in stream-start.
    { ...base, codec: avcCodec(width, height), avc: { format: 'avc' } },
  ];
}

/**
 * @typedef {{isConfigSupported(config: VideoEncoderConfig): Promise<{supported?: boolean}>}} EncoderSupport
 * @typedef {{isConfigSupported(config: VideoDecoderConfig): Promise<{supported?: boolean}>}} DecoderSupport
 */

/** @param {string} codec a WebCodecs codec string @returns {CodecFamily | null} */
export function codecFamily(codec) {
  if (codec.startsWith('av01')) return 'av1';
  if (codec.startsWith('vp09')) return 'vp9';
  if (codec === 'vp8') return 'vp8';
  if (codec.startsWith('avc1')) return 'h264';
  return null;
}

/** One decoder probe per family, at the largest picture the presenter sends (1080p and above). */
const DECODER_PROBES = /** @type {Record<CodecFamily, VideoDecoderConfig>} */ ({
  av1: { codec: 'av01.0.08M.08', codedWidth: 1920, codedHeight: 1080 },
  vp9: { codec: 'vp09.00.10.08', codedWidth: 1920, codedHeight: 1080 },
  vp8: { codec: 'vp8', codedWidth: 1920, codedHeight: 1080 },
  h264: { codec: 'avc1.42E02A', codedWidth: 1920, codedHeight: 1080 },
});

/**
 * The codec families this browser decodes, asked once per family.
 * @param {DecoderSupport | undefined} Decoder
 * @returns {Promise<CodecFamily[]>} empty without WebCodecs
 */
export async function probeDecoders(Decoder) {
  if (!Decoder) return [];
  const answers = await Promise.all(
    codecFamilySchema.options.map(async (family) => {
      try {
        const { supported } = await Decoder.isConfigSupported({ ...DECODER_PROBES[family], optimizeForLatency: true });
        return supported === true;
      } catch {
        return false; // an unknown codec string can throw instead of answering false
      }
    }),
  );
  return codecFamilySchema.options.filter((_, i) => answers[i]);
}

/** @type {Promise<CodecFamily[]> | null} */
let decodable = null;

/** This page's decoders, probed once (the relay socket says them in each hello). */
export function pageDecoders() {
  decodable ??= probeDecoders(globalThis.VideoDecoder);
  return decodable;
}

/**
 * The candidates every viewer decodes. Nobody decodes any (a viewer without WebCodecs): what the
 * presenter sent before viewers said anything, so the others still see the screen.
 * @param {VideoEncoderConfig[]} configs
 * @param {readonly CodecFamily[]} decoders
 */
function decodableBy(configs, decoders) {
  const ok = configs.filter((c) => decoders.includes(/** @type {CodecFamily} */ (codecFamily(c.codec))));
  return ok.length
    ? ok
    : configs.filter((c) => LEGACY_DECODERS.includes(/** @type {CodecFamily} */ (codecFamily(c.codec))));
}

/**
 * @param {VideoEncoderConfig[]} configs in order of preference
 * @param {EncoderSupport} Encoder
 * @returns {Promise<VideoEncoderConfig | null>} the first supported configuration
 */
async function firstSupported(configs, Encoder) {
  for (const config of configs) {
    try {
      // One at a time, in order of preference: the first supported one wins.
      // eslint-disable-next-line no-await-in-loop
      const { supported } = await Encoder.isConfigSupported(config);
      if (supported) return config;
    } catch {
      // An unknown codec string can throw instead of answering false; try the next one.
    }
  }
  return null;
}

/**
 * @param {number} width
 * @param {number} height
 * @param {EncoderSupport} [Encoder]
 * @param {readonly CodecFamily[]} [decoders] what every viewer decodes (snapshot `decoders`)
 * @returns {Promise<VideoEncoderConfig | null>} the first configuration this browser encodes and every viewer decodes
 */
export function pickEncoderConfig(
  width,
  height,
  Encoder = globalThis.VideoEncoder,
  decoders = codecFamilySchema.options,
) {
  return firstSupported(decodableBy(encoderCandidates(width, height), decoders), Encoder);
}

/**
 * What the presenter encodes while the session is recorded: H.264, which the relay records as
 * faststart MP4 (it plays in every browser, Safari on iPhone and iPad included; WebM/VP9 does not).
 * @param {number} width
 * @param {number} height
 * @param {EncoderSupport} [Encoder]
 * @returns {Promise<VideoEncoderConfig | null>} null: this browser has no H.264 encoder
 */
export function pickRecordingConfig(width, height, Encoder = globalThis.VideoEncoder) {
  const h264 = encoderCandidates(width, height).filter((c) => codecFamily(c.codec) === 'h264');
  return firstSupported(h264, Encoder);
}

/** @param {string} codec */
export function codecName(codec) {
  if (codec.startsWith('av01')) return 'AV1';
  if (codec.startsWith('vp09')) return 'VP9';
  if (codec === 'vp8') return 'VP8';
  if (codec.startsWith('avc1')) return 'H.264';
  return codec;
}
