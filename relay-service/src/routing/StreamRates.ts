// What each of the presenter's streams carries lately (bytes per second over a sliding span), so the
// relay can tell which simulcast rendition fits a viewer's link. One instance per room.
export class StreamRates {
  readonly #spanMs: number;
  readonly #samples = new Map<number, { at: number; bytes: number }[]>();
  readonly #totals = new Map<number, number>();
  readonly #keyframes = new Map<number, number>();

  constructor(spanMs: number) {
    this.#spanMs = spanMs;
  }

  add(stream: number, now: number, bytes: number, keyframe: boolean): void {
    if (keyframe) this.#keyframes.set(stream, bytes);
    let samples = this.#samples.get(stream);
    if (!samples) this.#samples.set(stream, (samples = []));
    samples.push({ at: now, bytes });
    this.#totals.set(stream, (this.#totals.get(stream) ?? 0) + bytes);
    this.#prune(stream, samples, now);
  }

  /** Bytes per second this stream carried over the last span (0 when it sent nothing in it). */
  bytesPerSecond(stream: number, now: number): number {
    const samples = this.#samples.get(stream);
    if (!samples) return 0;
    this.#prune(stream, samples, now);
    return ((this.#totals.get(stream) ?? 0) * 1000) / this.#spanMs;
  }

  /** The size of the stream's latest keyframe (0 before one). */
  keyframeBytes(stream: number): number {
    return this.#keyframes.get(stream) ?? 0;
  }

  forget(stream: number): void {
    this.#keyframes.delete(stream);
    this.#samples.delete(stream);
    this.#totals.delete(stream);
  }

  #prune(stream: number, samples: { at: number; bytes: number }[], now: number): void {
    let drop = 0;
    let bytes = 0;
    while (drop < samples.length && samples[drop]!.at <= now - this.#spanMs) bytes += samples[drop++]!.bytes;
    if (drop === 0) return;
    samples.splice(0, drop);
    this.#totals.set(stream, samples.length === 0 ? 0 : this.#totals.get(stream)! - bytes);
  }
}
