// multipart/form-data for sObject blob inserts: one JSON part (named entity_content or after the
// sObject) and one binary part (the blob field), in either order, as Salesforce and jsforce send them.
import type { Request } from 'express';
import busboy from 'busboy';
import { SalesforceError } from './errors.ts';

export interface BlobInsert {
  json: Record<string, unknown>;
  field: string;
  fileName: string | undefined;
  bytes: Uint8Array;
}

const bad = (message: string) => new SalesforceError(400, 'INVALID_MULTIPART_REQUEST', message);

export function parseBlobInsert(
  req: Request,
  sobject: string,
  blobField: string,
  maxBytes: number,
): Promise<BlobInsert> {
  return new Promise((resolve, reject) => {
    let bb: busboy.Busboy;
    try {
      bb = busboy({
        headers: req.headers,
        limits: { fileSize: maxBytes, files: 1, fields: 1, fieldSize: 1024 * 1024 },
      });
    } catch (err) {
      reject(bad(`Invalid multipart request: ${(err as Error).message}`));
      return;
    }
    let jsonText: string | undefined;
    let file: { field: string; fileName: string | undefined; bytes: Uint8Array } | undefined;
    let failure: SalesforceError | undefined;
    const fail = (e: SalesforceError) => {
      failure ??= e;
    };
    const acceptJson = (name: string, text: string) => {
      if (name !== 'entity_content' && name.toLowerCase() !== sobject.toLowerCase()) {
        return fail(bad(`Unexpected non-binary part '${name}': expected 'entity_content' or '${sobject}'`));
      }
      jsonText = text;
    };
    bb.on('field', (name, value, info) => {
      if (info.valueTruncated) return fail(bad('The JSON part is too large'));
      acceptJson(name, value);
    });
    bb.on('file', (name, stream, info) => {
      // A part with a JSON content type and no file name is the entity part (busboy calls it a file
      // when the part has its own Content-Type).
      if (info.mimeType === 'application/json' && !info.filename) {
        const chunks: Buffer[] = [];
        stream.on('data', (c: Buffer) => chunks.push(c));
        stream.on('end', () => acceptJson(name, Buffer.concat(chunks).toString('utf8')));
        return;
      }
      if (name !== blobField) {
        stream.resume();
        return fail(bad(`Unexpected binary part '${name}': expected '${blobField}'`));
      }
      const chunks: Buffer[] = [];
      stream.on('data', (c: Buffer) => chunks.push(c));
      stream.on('limit', () =>
        fail(
          new SalesforceError(
            413,
            'MAXIMUM_SIZE_OF_ATTACHMENT',
            `Maximum size of request reached. Maximum size of request is ${maxBytes} bytes.`,
          ),
        ),
      );
      stream.on('end', () => {
        file = { field: name, fileName: info.filename, bytes: Buffer.concat(chunks) };
      });
    });
    bb.on('filesLimit', () => fail(bad('A multipart insert takes one binary part')));
    bb.on('fieldsLimit', () => fail(bad('A multipart insert takes one JSON part')));
    bb.on('error', (err: Error) => {
      fail(bad(`Invalid multipart request: ${err.message}`));
      req.unpipe(bb);
      req.resume();
      finish();
    });
    let done = false;
    const finish = () => {
      if (done) return;
      done = true;
      if (failure) return reject(failure);
      if (jsonText === undefined) return reject(bad('Multipart message must include a non-binary part'));
      if (!file) return reject(bad(`Multipart message must include a binary part named '${blobField}'`));
      let json: unknown;
      try {
        json = JSON.parse(jsonText);
      } catch {
        return reject(new SalesforceError(400, 'JSON_PARSER_ERROR', 'The non-binary part is not valid JSON'));
      }
      if (typeof json !== 'object' || json === null || Array.isArray(json)) {
        return reject(new SalesforceError(400, 'JSON_PARSER_ERROR', 'The non-binary part must be a JSON object'));
      }
      resolve({ json: json as Record<string, unknown>, ...file });
    };
    bb.on('close', finish);
    req.on('aborted', () => fail(bad('Request aborted')));
    req.pipe(bb);
  });
}
