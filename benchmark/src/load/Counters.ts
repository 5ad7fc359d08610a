// Per-window tallies of one worker, shared by its presenters and viewers.
export class Counters {
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
  peerLatencies = new Samples();

  reset(): void {
    this.framesSent = this.bytesSent = this.framesSkipped = 0;
    this.framesReceived = this.bytesReceived = this.slowFramesReceived = 0;
    this.slowSessionFramesSent = this.keyframeRequests = this.peerFramesReceived = 0;
    this.latencies = new Samples();
    this.slowLatencies = new Samples();
    this.peerLatencies = new Samples();
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
