// Reads a recording back with mediabunny, as a player would.
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
