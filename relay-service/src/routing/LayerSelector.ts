// Which simulcast rendition of each stream one viewer gets (see `simulcastOf` in protocol/messages.ts),
// as an SFU picks a layer: the highest whose rate the viewer's link delivers with room to spare.
//
// - Down at once when the viewer's queue had to skip frames of the rendition it gets, or when its link
//   measured slower than that rendition's rate. The rendition it had stops at once (its keyframes too:
//   they are what a slow link can least afford), so the viewer sees the smaller one as soon as its
//   keyframe arrives.
// - Up when the link measured `upHeadroom` times the higher rendition's rate, not within `holdMs` of
//   going down. A link carrying small frames reads slower than it is (each frame's time includes the
//   round trip), so the relay also tries the higher rendition now and then (a probe) when even that
//   reading delivers its keyframe within `probeCostMs`: a probe that fails costs at most about that
//   much of age, and the next one waits twice as long (up to MAX_PROBE_BACKOFF_MS). A slow link never
//   passes that test, so it is never probed. The current rendition keeps flowing until the higher
//   one's keyframe.
// Switches happen at the new rendition's keyframe, which is asked for through `want`.

export interface LayerSelectorOptions {
  /** The renditions of the group `stream` belongs to, highest rate first; undefined when it has none. */
  layersOf(stream: number): readonly number[] | undefined;
  /** What a stream carries lately, bytes per second. */
  streamRate(stream: number): number;
  /** The size of the stream's latest keyframe (0 before one). */
  keyframeBytes(stream: number): number;
  /** What this viewer's link delivers, bytes per second; null before it is measured. */
  linkRate(): number | null;
  /** Milliseconds, monotonic. */
  now(): number;
  /** This viewer is to switch to `stream`: it needs a keyframe of it. */
  want(stream: number): void;
  /** This viewer no longer gets `stream` (its queue forgets it). */
  leave(stream: number): void;
  /** Up only when the link delivers this many times the higher rendition's rate. */
  upHeadroom: number;
  /** No step up within this long after a step down. */
  holdMs: number;
  /** A probe is tried only when the link's reading delivers the higher keyframe within this long. */
  probeCostMs: number;
  /** How often the link is compared with the renditions. */
  checkEveryMs: number;
}

/** Probes of a link that keeps failing them are at least this far apart. */
export const MAX_PROBE_BACKOFF_MS = 5 * 60_000;

interface Choice {
  /** The rendition this viewer gets now (null until its first keyframe). */
  current: number | null;
  /** The rendition it switches to at that rendition's next keyframe. */
  target: number;
  downAt: number;
  upAt: number;
  /** The next probe is due then; each failed probe doubles the wait. */
  probeAt: number;
  backoffMs: number;
  checkedAt: number;
}

export class LayerSelector {
  readonly #o: LayerSelectorOptions;
  /** By the group's first (highest) stream. */
  readonly #choices = new Map<number, Choice>();

  constructor(options: LayerSelectorOptions) {
    this.#o = options;
  }

  /** The rendition of `stream`'s group this viewer gets (or is about to); undefined without simulcast. */
  chosen(stream: number): number | undefined {
    const layers = this.#o.layersOf(stream);
    if (!layers) return undefined;
    const c = this.#choices.get(layers[0]!);
    return c ? (c.current ?? c.target) : layers[0];
  }

  /** Whether this frame goes to this viewer. Streams without renditions always do. */
  accept(stream: number, keyframe: boolean): boolean {
    const layers = this.#o.layersOf(stream);
    if (!layers) return true;
    const c = this.#choice(layers);
    this.#check(c, layers);
    if (stream === c.target && keyframe && stream !== c.current) {
      const previous = c.current;
      c.current = stream;
      if (previous !== null) this.#o.leave(previous);
      return true;
    }
    if (stream !== c.current) return false;
    // Going down: the rendition that did not fit sends nothing more, least of all a keyframe.
    return !(c.target !== c.current && layers.indexOf(c.target) > layers.indexOf(stream));
  }

  /**
   * The viewer's queue skipped frames of `stream` and its link has room for a keyframe now: the
   * stream whose keyframe to ask for (a lower rendition when there is one).
   */
  skipped(stream: number): number {
    const layers = this.#o.layersOf(stream);
    if (!layers) return stream;
    const c = this.#choice(layers);
    if (stream === c.current && c.target === c.current) this.#down(c, layers, false);
    else if (stream === c.current && layers.indexOf(c.target) < layers.indexOf(stream)) {
      // Stepping up while the rendition it has does not fit: stay.
      c.target = stream;
      c.downAt = this.#o.now();
      c.backoffMs = Math.min(2 * c.backoffMs, MAX_PROBE_BACKOFF_MS);
      c.probeAt = c.downAt + c.backoffMs;
    }
    return c.target;
  }

  /** The group's renditions changed (a stream started or stopped): choose again from the top. */
  reset(stream: number): void {
    this.#choices.delete(stream);
  }

  #choice(layers: readonly number[]): Choice {
    let c = this.#choices.get(layers[0]!);
    if (!c) {
      c = {
        current: null,
        target: layers[0]!,
        downAt: -Infinity,
        upAt: -Infinity,
        probeAt: -Infinity,
        backoffMs: this.#o.holdMs,
        checkedAt: -Infinity,
      };
      this.#choices.set(layers[0]!, c);
    }
    return c;
  }

  #check(c: Choice, layers: readonly number[]): void {
    const now = this.#o.now();
    if (now - c.checkedAt < this.#o.checkEveryMs || c.current === null || c.target !== c.current) return;
    c.checkedAt = now;
    const link = this.#o.linkRate();
    if (link === null) return;
    const at = layers.indexOf(c.current);
    if (at < layers.length - 1 && link < this.#o.streamRate(c.current)) return this.#down(c, layers, true);
    if (at === 0 || now - c.downAt < this.#o.holdMs) return;
    const higher = layers[at - 1]!;
    const measured = link >= this.#o.upHeadroom * this.#o.streamRate(higher);
    const probe = now >= c.probeAt && (this.#o.keyframeBytes(higher) * 1000) / link <= this.#o.probeCostMs;
    if (!measured && !probe) return;
    c.target = higher;
    c.upAt = now;
    this.#o.want(higher);
  }

  #down(c: Choice, layers: readonly number[], ask: boolean): void {
    const at = layers.indexOf(c.current ?? c.target);
    if (at < 0 || at === layers.length - 1) return;
    const now = this.#o.now();
    c.target = layers[at + 1]!;
    c.downAt = now;
    // Down again soon after going up: that step (a probe, or a reading that was wrong) failed.
    c.backoffMs = now - c.upAt < 2 * this.#o.holdMs ? Math.min(2 * c.backoffMs, MAX_PROBE_BACKOFF_MS) : this.#o.holdMs;
    c.probeAt = now + c.backoffMs;
    // From a skip the queue asks for the keyframe itself (once its link has room).
    if (ask) this.#o.want(c.target);
  }
}
