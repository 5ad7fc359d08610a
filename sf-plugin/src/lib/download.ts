// Streams one file to disk through `<name>.part`: resumes with a Range request from what is already
// there, writes chunk by chunk (never the whole file in memory), renames once the size is complete.
import { createWriteStream } from 'node:fs';
import { rename, stat, truncate } from 'node:fs/promises';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { SfError } from '@salesforce/core';

export interface DownloadRequest {
  url: string;
  /** Bearer token for the request (asked again after a 401, so a refreshed token is used). */
  token: () => Promise<string>;
  refresh?: () => Promise<void>;
  path: string;
  size: number;
  onBytes?: (bytesSoFar: number) => void;
}

export type DownloadStatus = 'downloaded' | 'resumed' | 'skipped';

const sizeOf = async (path: string) => (await stat(path).catch(() => null))?.size ?? null;

export async function downloadFile(req: DownloadRequest): Promise<DownloadStatus> {
  if ((await sizeOf(req.path)) === req.size) {
    req.onBytes?.(req.size);
    return 'skipped';
  }
  const part = `${req.path}.part`;
  let have = (await sizeOf(part)) ?? 0;
  if (have > req.size) {
    await truncate(part, 0);
    have = 0;
  }
  let res = await get(req, have);
  if (res.status === 401 && req.refresh) {
    await res.body?.cancel();
    await req.refresh();
    res = await get(req, have);
  }
  let resumed = false;
  if (res.status === 206 && have > 0) {
    const range = /^bytes (\d+)-\d+\/(\d+|\*)$/.exec(res.headers.get('content-range') ?? '');
    if (!range || Number(range[1]) !== have) {
      await res.body?.cancel();
      throw new SfError(`The org answered a resume of ${req.path} with the wrong range.`, 'BadRange');
    }
    resumed = true;
  } else if (res.status === 416 && have === req.size) {
    await res.body?.cancel();
  } else if (res.status !== 200) {
    await res.body?.cancel();
    throw new SfError(`Downloading ${req.url} failed with HTTP ${res.status}.`, 'DownloadFailed');
  }
  if (res.status !== 416) {
    if (!res.body) throw new SfError(`The org sent no body for ${req.url}.`, 'DownloadFailed');
    let written = resumed ? have : 0;
    req.onBytes?.(written);
    const body = Readable.fromWeb(res.body as import('node:stream/web').ReadableStream<Uint8Array>);
    body.on('data', (chunk: Buffer) => {
      written += chunk.length;
      req.onBytes?.(written);
    });
    await pipeline(body, createWriteStream(part, { flags: resumed ? 'a' : 'w' }));
  }
  const got = await sizeOf(part);
  if (got !== req.size)
    throw new SfError(
      `${req.path}: got ${got ?? 0} of ${req.size} bytes; run the command again to resume.`,
      'Incomplete',
    );
  await rename(part, req.path);
  return resumed ? 'resumed' : 'downloaded';
}

async function get(req: DownloadRequest, from: number): Promise<Response> {
  const headers: Record<string, string> = { authorization: `Bearer ${await req.token()}` };
  if (from > 0) headers.range = `bytes=${from}-`;
  try {
    return await fetch(req.url, { headers, redirect: 'follow' });
  } catch (err) {
    throw new SfError(`Cannot reach ${new URL(req.url).origin}: ${(err as Error).message}`, 'DownloadFailed', [
      'Run the command again: the download resumes where it stopped.',
    ]);
  }
}
