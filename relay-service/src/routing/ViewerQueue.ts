// One viewer's frame queue, bounded in frames and in time. Frames are the presenter's Buffers, shared by
// every viewer (never copied).
//
// What has been handed to the viewer's socket is bounded by the viewer's acks (see protocol/frame.ts),
// not by `bufferedAmount`: the kernel's send buffer can hold seconds of a slow link's video, so a
// socket that "accepted" a frame says nothing about when the viewer sees it. A frame goes out only
// when the bytes not yet acknowledged stay under a window worth `targetDelayMs` of what the link
// delivered lately (and the oldest of them is younger than `maxPipeMs`); one frame may always be
// in flight. Frames wait in the queue meanwhile, and one that waited longer than `maxQueueMs` is not
// sent at all: that stream skips to its next keyframe, asked for once all that was sent arrived. A slow
// viewer so sees fewer frames, never old ones.
import { DeliveryRate } from './DeliveryRate.ts';
import { NumberRing } from './NumberRing.ts';

export interface ViewerQueueOptions {
  /** Frames queued at most; past it deltas are dropped until the next keyframe. */
  capacity: number;
  /** Unacknowledged bytes at most, whatever the link's rate. */
  maxInflightBytes: number;
  /** The window at least, however slow the link measured or before it is measured. */
  minWindowBytes: number;
  /** The window holds this much of the link's measured delivery rate. */
  targetDelayMs: number;
  /** No further frame while the oldest unacknowledged one was sent longer ago than this. */
  maxPipeMs: number;
  /** A frame that waited longer than this in the queue is dropped (its stream skips to a keyframe). */
  maxQueueMs: number;
  /** Milliseconds, monotonic (injected so tests need no wall clock). */
  now(): number;
  /** Writes one frame to the socket. */
  send(frame: Buffer): void;
  /** This stream needs a keyframe for this viewer, and the viewer's link has room for it now. */
  onSkip(stream: number): void;
  /** A frame was dropped for this viewer. */
  onDrop(): void;
  /** A frame was handed to the socket. */
  onSent(bytes: number): void;
  /** The queue has room again after being full. */
  onRoom(): void;
}

interface Queued {
  frame: Buffer;
  stream: number;
  sequence: number;
  keyframe: boolean;
  queuedAt: number;
}

/** Columns of a frame in flight (handed to the socket, not yet acknowledged). */
const STREAM = 0;
const SEQUENCE = 1;
const BYTES = 2;
const SENT_AT = 3;

/** The span over which the link's delivery rate is measured. */
const RATE_SPAN_MS = 2000;

export class ViewerQueue {
  readonly #o: ViewerQueueOptions;
  // The options' limits are read on every frame: fields of the queue, not one more object away.
  readonly #capacity: number;
  readonly #maxInflightBytes: number;
  readonly #minWindowBytes: number;
  readonly #targetDelayMs: number;
  readonly #maxPipeMs: number;
  readonly #maxQueueMs: number;
  #items: Queued[] = [];
  readonly #inflight = new NumberRing(4);
  #inflightBytes = 0;
  #lastAckAt = -Infinity;
  readonly #rate = new DeliveryRate(RATE_SPAN_MS);
  /** Streams whose deltas are dropped until a keyframe. */
  readonly #skipping = new Set<number>();
  /** Skipping streams whose keyframe request waits for the link to have room. */
  readonly #wantKeyframe = new Set<number>();
  #wasFull = false;
  #closed = false;

  constructor(options: ViewerQueueOptions) {
    this.#o = options;
    this.#capacity = options.capacity;
    this.#maxInflightBytes = options.maxInflightBytes;
    this.#minWindowBytes = options.minWindowBytes;
    this.#targetDelayMs = options.targetDelayMs;
    this.#maxPipeMs = options.maxPipeMs;
    this.#maxQueueMs = options.maxQueueMs;
  }

  get length(): number {
    return this.#items.length;
  }

  /** Behind: the queue is full, so the next delta frame would be dropped. */
  get full(): boolean {
    return this.#items.length >= this.#capacity;
  }

  /** Bytes handed to the socket and not yet acknowledged by the viewer. */
  get inflightBytes(): number {
    return this.#inflightBytes;
  }

  /** What the viewer's link delivered lately, bytes per second while busy; null before it is measured. */
  get deliveryRate(): number | null {
    return this.#rate.bytesPerSecond(this.#o.now());
  }

  isSkipping(stream: number): boolean {
    return this.#skipping.has(stream);
  }

  /** This viewer can only start (or restart) the stream at a keyframe: late join, unpause, new stream. */
  waitForKeyframe(stream: number): void {
    this.#skipping.add(stream);
    this.#dropQueued(stream);
    this.#checkRoom();
  }

  /** `now`: the caller's clock reading for this frame, when it has one (one per frame, not per viewer). */
  push(frame: Buffer, stream: number, sequence: number, keyframe: boolean, now = this.#o.now()): void {
    if (this.#closed) return;
    if (keyframe) {
      this.#skipping.delete(stream);
      this.#wantKeyframe.delete(stream);
      // Anything of this stream still queued is older than this picture: the viewer jumps to it.
      this.#dropQueued(stream);
    } else if (this.#skipping.size > 0 && this.#skipping.has(stream)) {
      // Its size first, above: the common case then reads no hash table (a cold line per viewer).
      this.#o.onDrop();
      return;
    } else if (this.full) {
      this.#o.onDrop();
      this.#skip(stream);
      this.#pump();
      return;
    }
    if (this.#items.length === 0 && this.#hasRoom(frame.byteLength, now)) {
      // The common case, nothing waiting and room in the window: straight to the socket, unqueued.
      this.#transmit(frame, stream, sequence, now);
      this.#afterPump();
      return;
    }
    if (this.full) {
      // Only a keyframe of another stream can get here; the oldest frame makes room.
      const dropped = this.#items.shift()!;
      this.#o.onDrop();
      this.#skip(dropped.stream);
    }
    this.#items.push({ frame, stream, sequence, keyframe, queuedAt: now });
    this.#wasFull ||= this.full;
    this.#pump(now);
  }

  /**
   * The viewer received this frame (and so every frame sent before it). False when it names no frame
   * in flight (a duplicate, or a frame this queue never sent): nothing changes then.
   */
  ack(stream: number, sequence: number, now = this.#o.now()): boolean {
    const inflight = this.#inflight;
    let i = 0;
    while (i < inflight.length && (inflight.get(i, STREAM) !== stream || inflight.get(i, SEQUENCE) !== sequence)) i++;
    if (i === inflight.length) return false;
    const busySince = Math.max(this.#lastAckAt, inflight.get(0, SENT_AT));
    let bytes = 0;
    for (let k = 0; k <= i; k++) bytes += inflight.get(k, BYTES);
    inflight.drop(i + 1);
    this.#inflightBytes -= bytes;
    this.#rate.add(now, bytes, now - busySince);
    this.#lastAckAt = now;
    this.#pump(now);
    return true;
  }

  /** Drops everything (viewer gone or no longer allowed to view). */
  close(): void {
    this.#closed = true;
    this.#items = [];
    this.#skipping.clear();
    this.#wantKeyframe.clear();
  }

  /** Forgets a stream that stopped. */
  forget(stream: number): void {
    this.#skipping.delete(stream);
    this.#wantKeyframe.delete(stream);
    this.#dropQueued(stream);
    this.#checkRoom();
  }

  #skip(stream: number): void {
    this.#skipping.add(stream);
    this.#wantKeyframe.add(stream);
    this.#dropQueued(stream);
  }

  #dropQueued(stream: number): void {
    const before = this.#items.length;
    if (before === 0) return;
    this.#items = this.#items.filter((i) => i.stream !== stream);
    for (let i = this.#items.length; i < before; i++) this.#o.onDrop();
  }

  #window(now: number): number {
    const rate = this.#rate.bytesPerSecond(now) ?? 0; // not measured (lately): the minimum
    return Math.min(this.#maxInflightBytes, Math.max(this.#minWindowBytes, (rate * this.#targetDelayMs) / 1000));
  }

  #hasRoom(bytes: number, now: number): boolean {
    if (this.#inflight.length === 0) return true;
    if (now - this.#inflight.get(0, SENT_AT) > this.#maxPipeMs) return false;
    return this.#inflightBytes + bytes <= this.#window(now);
  }

  #pump(now = this.#o.now()): void {
    if (this.#closed) return;
    while (this.#items.length > 0) {
      const head = this.#items[0]!;
      if (now - head.queuedAt > this.#maxQueueMs) {
        // Too old to show: this stream starts again at a keyframe.
        this.#skip(head.stream);
        continue;
      }
      if (!this.#hasRoom(head.frame.byteLength, now)) break;
      this.#items.shift();
      this.#transmit(head.frame, head.stream, head.sequence, now);
    }
    this.#afterPump();
  }

  #transmit(frame: Buffer, stream: number, sequence: number, now: number): void {
    const bytes = frame.byteLength;
    this.#inflight.push(stream, sequence, bytes, now);
    this.#inflightBytes += bytes;
    this.#o.send(frame);
    this.#o.onSent(bytes);
  }

  #afterPump(): void {
    // A keyframe is asked for only once everything sent has arrived, so it goes straight out and arrives
    // fresh, and a viewer that stopped reading does not make the presenter send keyframes to everyone.
    if (this.#wantKeyframe.size > 0 && this.#inflight.length === 0) {
      const streams = [...this.#wantKeyframe];
      this.#wantKeyframe.clear();
      for (const s of streams) this.#o.onSkip(s);
    }
    this.#checkRoom();
  }

  #checkRoom(): void {
    if (this.#wasFull && this.#items.length < this.#capacity) {
      this.#wasFull = false;
      this.#o.onRoom();
    }
  }
}
