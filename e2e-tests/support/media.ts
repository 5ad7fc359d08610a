// A recording as Debian's ffprobe reads it (relay-service/test/helpers/ffprobe.ts), from the bytes the
// CRM serves.
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { probeFile, type Probed } from '../../relay-service/test/helpers/ffprobe.ts';

export type { Probed };

export async function probeRecording(bytes: Buffer, fileName: string): Promise<Probed> {
  const dir = await mkdtemp(join(tmpdir(), 'sightline-e2e-probe-'));
  try {
    const file = join(dir, fileName);
    await writeFile(file, bytes);
    return await probeFile(file, { boxes: true });
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
