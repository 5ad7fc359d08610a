// How fast a viewer's link delivers, from the viewer's acks: bytes acknowledged over the time the link
// was busy carrying them, summed over the last span. An ack's busy time runs from the later of the
// previous ack and the moment its oldest frame was sent, so idle gaps (a still screen) do not count
// as slowness and a fast link reads fast even when the stream is small. A burst that a link's shaper
// lets through at once is averaged with the samples around it rather than trusted alone.
import { NumberRing } from './NumberRing.ts';

/** Columns of a sample. */
const AT = 0;
const BYTES = 1;
const BUSY_MS = 2;

export class DeliveryRate {
  readonly #spanMs: number;
  readonly #samples = new NumberRing(3);
  #bytes = 0;
  #busyMs = 0;

  constructor(spanMs: number) {
    this.#spanMs = spanMs;
  }

  add(now: number, bytes: number, busyMs: number): void {
    const busy = Math.max(busyMs, 0.1); // an ack in the same millisecond still took some time
    this.#samples.push(now, bytes, busy);
    this.#bytes += bytes;
    this.#busyMs += busy;
    this.#prune(now);
  }

  /** Bytes per second while busy over the last span; null when nothing was acknowledged in it. */
  bytesPerSecond(now: number): number | null {
    this.#prune(now);
    return this.#samples.length === 0 ? null : (this.#bytes * 1000) / this.#busyMs;
  }

  #prune(now: number): void {
    const samples = this.#samples;
    while (samples.length > 0 && samples.get(0, AT) <= now - this.#spanMs) {
      this.#bytes -= samples.get(0, BYTES);
      this.#busyMs -= samples.get(0, BUSY_MS);
      samples.drop();
    }
    if (samples.length === 0) this.#bytes = this.#busyMs = 0; // no float drift when empty
  }
}
