// How fast a viewer's link delivers, from the viewer's acks: bytes acknowledged over the time the link
// was busy carrying them, summed over the last span. An ack's busy time runs from the later of the
// previous ack and the moment its oldest frame was sent, so idle gaps (a still screen) do not count
// as slowness and a fast link reads fast even when the stream is small. A burst that a link's shaper
// lets through at once is averaged with the samples around it rather than trusted alone.
export class DeliveryRate {
  readonly #spanMs: number;
  readonly #samples: { at: number; bytes: number; busyMs: number }[] = [];
  #bytes = 0;
  #busyMs = 0;

  constructor(spanMs: number) {
    this.#spanMs = spanMs;
  }

  add(now: number, bytes: number, busyMs: number): void {
    const busy = Math.max(busyMs, 0.1); // an ack in the same millisecond still took some time
    this.#samples.push({ at: now, bytes, busyMs: busy });
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
    // Usually none or one sample ages out per ack: shift them, no spliced copy.
    while (samples.length > 0 && samples[0]!.at <= now - this.#spanMs) {
      const old = samples.shift()!;
      this.#bytes -= old.bytes;
      this.#busyMs -= old.busyMs;
    }
    if (samples.length === 0) this.#bytes = this.#busyMs = 0; // no float drift when empty
  }
}
