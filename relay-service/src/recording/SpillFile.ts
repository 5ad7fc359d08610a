// A recording's overflow on disk: an append-only file of AES-256-GCM records under a key that exists
// only in this object (a relay restart leaves unreadable bytes, which the start-up sweep deletes).
// Each record is authenticated with its index and the file's id, so records cannot be reordered,
// dropped from the middle or moved between files without the read failing.
import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import { mkdirSync, readdirSync, rmSync } from 'node:fs';
import { open, rm, type FileHandle } from 'node:fs/promises';
import { join } from 'node:path';

const IV_BYTES = 12;
const TAG_BYTES = 16;
/** Record header: ciphertext length (uint32 BE). */
const HEADER_BYTES = 4;
export const SPILL_SUFFIX = '.spill';

export class SpillFileError extends Error {}

/** Deletes every spill file a previous process left (its key died with it); returns how many. */
export function sweepSpillDir(dir: string): number {
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  let removed = 0;
  for (const name of readdirSync(dir)) {
    if (!name.endsWith(SPILL_SUFFIX)) continue;
    rmSync(join(dir, name), { force: true });
    removed++;
  }
  return removed;
}

export class SpillFile {
  readonly path: string;
  readonly #id: Buffer;
  readonly #key: Buffer;
  readonly #handle: FileHandle;
  /** Plaintext length of each record, in order. */
  readonly #records: number[] = [];
  #fileBytes = 0;
  #plainBytes = 0;
  #deleted = false;

  private constructor(path: string, id: Buffer, handle: FileHandle) {
    this.path = path;
    this.#id = id;
    this.#key = randomBytes(32);
    this.#handle = handle;
  }

  static async create(dir: string): Promise<SpillFile> {
    mkdirSync(dir, { recursive: true, mode: 0o700 });
    const id = randomBytes(16);
    const path = join(dir, `${id.toString('hex')}${SPILL_SUFFIX}`);
    const handle = await open(path, 'wx+', 0o600);
    return new SpillFile(path, id, handle);
  }

  /** Plaintext bytes stored. */
  get size(): number {
    return this.#plainBytes;
  }

  /** Bytes on disk (records with their IV, tag and header). */
  get fileBytes(): number {
    return this.#fileBytes;
  }

  get recordCount(): number {
    return this.#records.length;
  }

  /** Appends one record. Calls must not overlap (the owner awaits each). */
  async append(plain: Uint8Array): Promise<void> {
    if (this.#deleted) throw new SpillFileError('the spill file was deleted');
    const iv = randomBytes(IV_BYTES);
    const cipher = createCipheriv('aes-256-gcm', this.#key, iv);
    cipher.setAAD(this.#aad(this.#records.length));
    const body = Buffer.concat([cipher.update(plain), cipher.final()]);
    const header = Buffer.alloc(HEADER_BYTES);
    header.writeUInt32BE(body.byteLength);
    const record = Buffer.concat([header, iv, body, cipher.getAuthTag()]);
    await this.#handle.write(record, 0, record.byteLength, this.#fileBytes);
    this.#fileBytes += record.byteLength;
    this.#records.push(plain.byteLength);
    this.#plainBytes += plain.byteLength;
  }

  /** The records' plaintext, one at a time (never the whole file in memory). */
  async *records(): AsyncGenerator<Buffer> {
    let offset = 0;
    for (let index = 0; index < this.#records.length; index++) {
      if (this.#deleted) throw new SpillFileError('the spill file was deleted');
      const plainLength = this.#records[index]!;
      const length = HEADER_BYTES + IV_BYTES + plainLength + TAG_BYTES;
      const record = Buffer.alloc(length);
      const { bytesRead } = await this.#handle.read(record, 0, length, offset);
      if (bytesRead !== length || record.readUInt32BE(0) !== plainLength)
        throw new SpillFileError(`spill record ${index} is truncated`);
      const iv = record.subarray(HEADER_BYTES, HEADER_BYTES + IV_BYTES);
      const decipher = createDecipheriv('aes-256-gcm', this.#key, iv);
      decipher.setAAD(this.#aad(index));
      decipher.setAuthTag(record.subarray(length - TAG_BYTES));
      try {
        yield Buffer.concat([
          decipher.update(record.subarray(HEADER_BYTES + IV_BYTES, length - TAG_BYTES)),
          decipher.final(),
        ]);
      } catch {
        throw new SpillFileError(`spill record ${index} failed authentication`);
      }
      offset += length;
    }
  }

  /** Closes and removes the file; the key goes with this object. Idempotent. */
  async delete(): Promise<void> {
    if (this.#deleted) return;
    this.#deleted = true;
    await this.#handle.close().catch(() => undefined);
    await rm(this.path, { force: true });
  }

  #aad(index: number): Buffer {
    const aad = Buffer.alloc(this.#id.byteLength + 8);
    this.#id.copy(aad);
    aad.writeBigUInt64BE(BigInt(index), this.#id.byteLength);
    return aad;
  }
}
