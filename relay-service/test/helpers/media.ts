// Reads a recording back with mediabunny, as a player would.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ALL_FORMATS, BufferSource, EncodedPacketSink, Input } from 'mediabunny';

export async function probe(bytes: Uint8Array) {
  const input = new Input({ source: new BufferSource(bytes), formats: ALL_FORMATS });
  const track = await input.getPrimaryVideoTrack();
  if (!track) throw new Error('no video track');
  const sink = new EncodedPacketSink(track);
  const packets: { type: string; timestamp: number }[] = [];
  for await (const p of sink.packets()) packets.push({ type: p.type, timestamp: p.timestamp });
  return {
    mimeType: await input.getMimeType(),
    codec: track.codec,
    width: track.codedWidth,
    height: track.codedHeight,
    duration: await input.computeDuration(),
    packets,
  };
}

/** Recorder limits for a test: a private spill directory, removed after the test. */
export function recorderLimits(t?: { after(fn: () => void): void }, memoryBytes = 1 << 30) {
  // Without a test context: a shared directory, only created if a file spills (and emptied by its delete).
  const spillDir = t ? mkdtempSync(join(tmpdir(), 'sightline-spill-')) : join(tmpdir(), 'sightline-test-spill');
  if (t) t.after(() => rmSync(spillDir, { recursive: true, force: true }));
  return { memoryBytes, spillDir, maxPackets: 100_000 };
}

/** The whole file (small test recordings only). */
export async function bytesOf(recording: { file: { chunks(): AsyncIterable<Buffer> } }): Promise<Buffer> {
  const parts: Buffer[] = [];
  for await (const c of recording.file.chunks()) parts.push(c);
  return Buffer.concat(parts);
}
