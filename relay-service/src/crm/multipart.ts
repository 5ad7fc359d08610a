// multipart/form-data for a blob insert, streamed: the JSON part, then the binary part read from the
// file chunk by chunk, so a 2 GB recording never sits in memory. The length is known up front.
import { randomBytes } from 'node:crypto';
import { Readable } from 'node:stream';

export interface MultipartBody {
  contentType: string;
  length: number;
  /** Read as the socket drains (streamUpload pipes it). */
  body: Readable;
}

export function multipartBlob(options: {
  jsonName: string;
  json: unknown;
  fileField: string;
  fileName: string;
  fileType: string;
  size: number;
  file: Readable;
}): MultipartBody {
  const boundary = `sightline-${randomBytes(12).toString('hex')}`;
  const quoted = (s: string) => s.replace(/["\r\n\\]/g, '_');
  const head = Buffer.from(
    [
      `--${boundary}`,
      `Content-Disposition: form-data; name="${options.jsonName}"`,
      'Content-Type: application/json',
      '',
      JSON.stringify(options.json),
      `--${boundary}`,
      `Content-Disposition: form-data; name="${options.fileField}"; filename="${quoted(options.fileName)}"`,
      `Content-Type: ${options.fileType}`,
      '',
      '',
    ].join('\r\n'),
  );
  const tail = Buffer.from(`\r\n--${boundary}--\r\n`);
  async function* parts(): AsyncGenerator<Uint8Array> {
    yield head;
    let sent = 0;
    for await (const chunk of options.file) {
      sent += (chunk as Buffer).byteLength;
      yield chunk as Buffer;
    }
    if (sent !== options.size) throw new Error(`the file gave ${sent} bytes, not ${options.size}`);
    yield tail;
  }
  return {
    contentType: `multipart/form-data; boundary=${boundary}`,
    length: head.byteLength + options.size + tail.byteLength,
    body: Readable.from(parts(), { objectMode: false }),
  };
}

/** A call's timeout plus time for the bytes at a slow 1 MB/s: a large file is not cut off at 30 s. */
export function uploadTimeoutMs(callTimeoutMs: number, bytes: number): number {
  return callTimeoutMs + Math.ceil(bytes / 1000);
}
