// One viewer's bounded frame queue. Frames are the presenter's Buffers, shared by every viewer (never
// copied). When the viewer falls behind (queue full because its socket does not drain), further delta
// frames of that stream are dropped until the next keyframe, and `onSkip` asks for a keyframe; a
// keyframe arriving while the viewer is behind replaces the stale frames still queued.

export interface ViewerQueueOptions {
  capacity: number;
  /** Bytes handed to the socket but not yet flushed to the kernel before the queue holds back. */
  highWaterBytes: number;
  /** Writes one frame; `done` is called once it left the process (ws send callback). */
  send(frame: Buffer, done: (ok: boolean) => void): void;
  /** The viewer started skipping this stream (a keyframe is needed). */
  onSkip(stream: number): void;
  /** A frame was dropped for this viewer. */
  onDrop(): void;
  /** A frame was written (after the socket took it). */
  onSent(bytes: number): void;
  /** The queue has room again after being full. */
  onRoom(): void;
}

interface Item {
  frame: Buffer;
  stream: number;
}

export class ViewerQueue {
  private readonly options: ViewerQueueOptions;
  private items: Item[] = [];
  private inflightBytes = 0;
  private readonly skipping = new Set<number>();
  private wasFull = false;
  private closed = false;

  constructor(options: ViewerQueueOptions) {
    this.options = options;
  }

  get length(): number {
    return this.items.length;
  }

  /** Behind: the queue is full, so the next delta frame would be dropped. */
  get full(): boolean {
    return this.items.length >= this.options.capacity;
  }

  isSkipping(stream: number): boolean {
    return this.skipping.has(stream);
  }

  /** This viewer can only start (or restart) the stream at a keyframe: late join, unpause, new stream. */
  waitForKeyframe(stream: number): void {
    this.skipping.add(stream);
    this.dropQueued(stream);
  }

  push(frame: Buffer, stream: number, keyframe: boolean): void {
    if (this.closed) return;
    if (keyframe) {
      this.skipping.delete(stream);
      // A viewer that is behind jumps straight to the new keyframe instead of playing stale frames.
      if (this.items.length >= this.options.capacity / 2) this.dropQueued(stream);
    } else if (this.skipping.has(stream)) {
      this.options.onDrop();
      return;
    } else if (this.full) {
      this.options.onDrop();
      this.skipping.add(stream);
      this.options.onSkip(stream);
      return;
    }
    if (this.full) {
      // Only a keyframe of another stream can get here; the oldest frame makes room.
      const dropped = this.items.shift()!;
      this.options.onDrop();
      this.skipping.add(dropped.stream);
      this.options.onSkip(dropped.stream);
    }
    this.items.push({ frame, stream });
    this.wasFull ||= this.full;
    this.pump();
  }

  /** Drops everything (viewer gone or no longer allowed to view). */
  close(): void {
    this.closed = true;
    this.items = [];
    this.skipping.clear();
  }

  /** Forgets a stream that stopped. */
  forget(stream: number): void {
    this.skipping.delete(stream);
    this.dropQueued(stream);
  }

  private dropQueued(stream: number): void {
    const before = this.items.length;
    this.items = this.items.filter((i) => i.stream !== stream);
    for (let i = this.items.length; i < before; i++) this.options.onDrop();
    this.checkRoom();
  }

  private pump(): void {
    while (!this.closed && this.items.length > 0 && this.inflightBytes < this.options.highWaterBytes) {
      const { frame } = this.items.shift()!;
      const bytes = frame.byteLength;
      this.inflightBytes += bytes;
      this.options.send(frame, (ok) => {
        this.inflightBytes -= bytes;
        if (ok) this.options.onSent(bytes);
        this.pump();
      });
    }
    this.checkRoom();
  }

  private checkRoom(): void {
    if (this.wasFull && this.items.length < this.options.capacity) {
      this.wasFull = false;
      this.options.onRoom();
    }
  }
}
