// The bytes of one recording as the muxer writes them (mostly appends, plus small patches of headers
// and cluster sizes written earlier). They stay in memory up to the recording's memory bound (and while
// the relay-wide RecordingBudget has room); past that the file continues in an encrypted SpillFile and
// only a short tail stays in memory. Read back as a stream of chunks, never as one buffer.
import { Readable } from 'node:stream';
import type { RecordingBudget } from './RecordingBudget.ts';
import { SpillFile } from './SpillFile.ts';

/** Plaintext bytes per spill record. */
export const SPILL_RECORD_BYTES = 256 * 1024;
/** Kept in memory past the last record while spilling, so the muxer's patches of recent bytes land in place. */
const SPILL_SLACK_BYTES = 64 * 1024;
/** Patches to bytes already on disk (WebM cluster sizes, the header, an MP4 moov) are kept in memory up to this. */
const MAX_PATCH_BYTES = 16 * 1024 * 1024;

export class RecordingFileError extends Error {}

export interface RecordingFileOptions {
  /** Bytes this recording keeps in memory before spilling. */
  memoryBytes: number;
  /** Where the spill file goes (relay.dataDir/recordings). */
  spillDir: string;
  budget?: RecordingBudget;
}

interface Patch {
  position: number;
  data: Buffer;
}

export class RecordingFile {
  readonly #options: RecordingFileOptions;
  /** Bytes [0, #flushed) are in the spill file; [#flushed, #end) in #tail. */
  #tail: Buffer[] = [];
  #tailBytes = 0;
  #flushed = 0;
  #end = 0;
  #patches: Patch[] = [];
  #patchBytes = 0;
  #spill: SpillFile | null = null;
  /** Bytes reserved from the budget (memory mode only). */
  #reserved = 0;
  #deleted = false;

  constructor(options: RecordingFileOptions) {
    this.#options = options;
  }

  get size(): number {
    return this.#end;
  }

  /** True once part of the file is on disk. */
  get spilled(): boolean {
    return this.#spill !== null;
  }

  /** Bytes of this file held in the relay's memory now. */
  get memoryBytes(): number {
    return this.#tailBytes + this.#patchBytes;
  }

  /** The spill file's path while there is one (tests check it goes away). */
  get spillPath(): string | null {
    return this.#spill?.path ?? null;
  }

  /** One muxer write at `position`; calls must not overlap (the muxer's WritableStream serializes them). */
  async write(position: number, data: Uint8Array): Promise<void> {
    if (this.#deleted) throw new RecordingFileError('the recording file was deleted');
    if (position > this.#end) this.#append(Buffer.alloc(position - this.#end));
    let src = Buffer.from(data.buffer, data.byteOffset, data.byteLength);
    let at = position;
    if (at < this.#flushed) {
      const n = Math.min(src.byteLength, this.#flushed - at);
      this.#patch(at, src.subarray(0, n));
      at += n;
      src = src.subarray(n);
    }
    if (src.byteLength && at < this.#end) {
      const n = Math.min(src.byteLength, this.#end - at);
      this.#overwriteTail(at, src.subarray(0, n));
      at += n;
      src = src.subarray(n);
    }
    if (src.byteLength) this.#append(Buffer.from(src));
    await this.#maybeSpill();
  }

  /** The whole file, chunk by chunk (spill records decrypted one at a time), patches applied. */
  async *chunks(): AsyncGenerator<Buffer> {
    let offset = 0;
    if (this.#spill) {
      for await (const record of this.#spill.records()) {
        yield this.#patched(record, offset);
        offset += record.byteLength;
      }
    }
    // The muxer's many small writes, regrouped into pieces of at most one record.
    let group: Buffer[] = [];
    let groupBytes = 0;
    for (const segment of this.#tail) {
      if (groupBytes + segment.byteLength > SPILL_RECORD_BYTES && groupBytes > 0) {
        yield this.#patched(Buffer.concat(group), offset);
        offset += groupBytes;
        group = [];
        groupBytes = 0;
      }
      group.push(segment);
      groupBytes += segment.byteLength;
    }
    if (groupBytes) yield this.#patched(Buffer.concat(group), offset);
  }

  stream(): Readable {
    return Readable.from(this.chunks(), { objectMode: false });
  }

  /** Only for a file that never spilled (bounded by the memory bound): the outbox stores it. */
  toBuffer(): Buffer {
    if (this.#spill) throw new RecordingFileError('a spilled recording is read as a stream');
    return this.#patched(Buffer.concat(this.#tail), 0);
  }

  /** Drops the memory, deletes the spill file and gives the budget back. Idempotent. */
  async delete(): Promise<void> {
    if (this.#deleted) return;
    this.#deleted = true;
    this.#tail = [];
    this.#tailBytes = 0;
    this.#patches = [];
    this.#patchBytes = 0;
    this.#release();
    await this.#spill?.delete();
  }

  #append(buf: Buffer): void {
    this.#tail.push(buf);
    this.#tailBytes += buf.byteLength;
    this.#end += buf.byteLength;
  }

  #overwriteTail(position: number, data: Buffer): void {
    let segStart = this.#flushed;
    let done = 0;
    for (const segment of this.#tail) {
      const segEnd = segStart + segment.byteLength;
      const from = position + done;
      if (from < segEnd && from >= segStart) {
        const n = Math.min(data.byteLength - done, segEnd - from);
        data.copy(segment, from - segStart, done, done + n);
        done += n;
        if (done === data.byteLength) return;
      }
      segStart = segEnd;
    }
  }

  #patch(position: number, data: Buffer): void {
    this.#patchBytes += data.byteLength;
    if (this.#patchBytes > MAX_PATCH_BYTES)
      throw new RecordingFileError('the muxer rewrote more of the spilled file than the relay keeps in memory');
    // Its own small allocation: a pooled copy would keep a whole 8 KiB pool slab alive per patch.
    const copy = Buffer.allocUnsafeSlow(data.byteLength);
    data.copy(copy);
    this.#patches.push({ position, data: copy });
  }

  #patched(chunk: Buffer, offset: number): Buffer {
    let out = chunk;
    const end = offset + chunk.byteLength;
    for (const p of this.#patches) {
      const from = Math.max(p.position, offset);
      const to = Math.min(p.position + p.data.byteLength, end);
      if (from >= to) continue;
      if (out === chunk) out = Buffer.from(chunk);
      p.data.copy(out, from - offset, from - p.position, to - p.position);
    }
    return out;
  }

  async #maybeSpill(): Promise<void> {
    if (!this.#spill) {
      const grow = this.#tailBytes - this.#reserved;
      const fits = this.#tailBytes <= this.#options.memoryBytes;
      if (fits && (!this.#options.budget || grow <= 0 || this.#options.budget.take(grow))) {
        this.#reserved = Math.max(this.#reserved, this.#tailBytes);
        return;
      }
      this.#spill = await SpillFile.create(this.#options.spillDir);
      this.#release();
    }
    while (this.#tailBytes >= SPILL_RECORD_BYTES + SPILL_SLACK_BYTES) await this.#flushRecord();
  }

  /** Moves the first SPILL_RECORD_BYTES of the tail into one encrypted record. */
  async #flushRecord(): Promise<void> {
    const parts: Buffer[] = [];
    let taken = 0;
    while (taken < SPILL_RECORD_BYTES) {
      const segment = this.#tail[0]!;
      const n = Math.min(segment.byteLength, SPILL_RECORD_BYTES - taken);
      parts.push(segment.subarray(0, n));
      if (n === segment.byteLength) this.#tail.shift();
      else this.#tail[0] = segment.subarray(n);
      taken += n;
    }
    const record = Buffer.concat(parts);
    // Patches that landed on these bytes while they were in memory were applied in place already.
    await this.#spill!.append(record);
    this.#tailBytes -= taken;
    this.#flushed += taken;
  }

  #release(): void {
    if (this.#reserved) this.#options.budget?.give(this.#reserved);
    this.#reserved = 0;
  }
}
