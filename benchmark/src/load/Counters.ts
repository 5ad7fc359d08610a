// Per-window tallies of one worker, shared by its presenters and viewers. A window counts the
// frames *captured* inside it: sends while it is open, and their receipts even when they arrive
// after it closed (the parent waits a grace period), so slow delivery is not mistaken for loss.
export class Counters {
  windowStart = -Infinity;
  windowEnd = Infinity;
  framesSent = 0;
  bytesSent = 0;
  framesSkipped = 0;
  framesReceived = 0;
  bytesReceived = 0;
  slowFramesReceived = 0;
  slowSessionFramesSent = 0;
  peerFramesReceived = 0;
  keyframeRequests = 0;
  latencies = new Samples();
  slowLatencies = new Samples();
  /** When each of the slow viewer's frames arrived, ms into the window (its age over time). */
  slowReceivedAt = new Samples();
  peerLatencies = new Samples();

  inWindow(captureTimeMs: number): boolean {
    return captureTimeMs >= this.windowStart && captureTimeMs <= this.windowEnd;
  }

  /** Opens a new window at `start` (epoch ms); it stays open until close(). */
  reset(start = -Infinity): void {
    this.windowStart = start;
    this.windowEnd = Infinity;
    this.framesSent = this.bytesSent = this.framesSkipped = 0;
    this.framesReceived = this.bytesReceived = this.slowFramesReceived = 0;
    this.slowSessionFramesSent = this.keyframeRequests = this.peerFramesReceived = 0;
    this.latencies = new Samples();
    this.slowLatencies = new Samples();
    this.slowReceivedAt = new Samples();
    this.peerLatencies = new Samples();
  }

  close(end: number): void {
    this.windowEnd = end;
  }
}

/** A growable Float64Array (samples are sent to the parent as one typed array). */
export class Samples {
  private data = new Float64Array(4096);
  private n = 0;

  push(x: number): void {
    if (this.n === this.data.length) {
      const bigger = new Float64Array(this.data.length * 2);
      bigger.set(this.data);
      this.data = bigger;
    }
    this.data[this.n++] = x;
  }

  toArray(): Float64Array {
    return this.data.slice(0, this.n);
  }
}
