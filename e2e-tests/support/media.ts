// A recording as Debian's ffprobe reads it: container, codec, duration, where a seek lands, and the
// order of the MP4 boxes (the index before the media is what lets a browser play and seek at once).
import { execFile } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);

export interface Probed {
  formatName: string;
  codec: string;
  durationSeconds: number;
  /** A seek to 70% of the duration: the first packet read, and whether it is a keyframe. */
  seek: { target: number; pts: number; keyframe: boolean };
  /** Box types in the order ffprobe parses them (MP4 only). */
  boxes: string[];
}

export async function probeRecording(bytes: Buffer, fileName: string): Promise<Probed> {
  const dir = await mkdtemp(join(tmpdir(), 'sightline-e2e-probe-'));
  try {
    const file = join(dir, fileName);
    await writeFile(file, bytes);
    const { stdout } = await run('ffprobe', [
      '-v',
      'error',
      '-print_format',
      'json',
      '-show_format',
      '-show_streams',
      file,
    ]);
    const info = JSON.parse(stdout) as {
      format: { format_name: string; duration: string };
      streams: { codec_name: string }[];
    };
    const durationSeconds = Number(info.format.duration);
    const target = durationSeconds * 0.7;
    const seek = await run('ffprobe', [
      '-v',
      'error',
      '-select_streams',
      'v',
      '-read_intervals',
      `${target}%+#1`,
      '-show_entries',
      'packet=pts_time,flags',
      '-of',
      'csv=p=0',
      file,
    ]);
    const [pts, flags] = seek.stdout.trim().split('\n')[0]!.split(',');
    const trace = await run('ffprobe', ['-v', 'trace', file]).catch((e: { stderr: string }) => e);
    return {
      formatName: info.format.format_name,
      codec: info.streams[0]?.codec_name ?? '',
      durationSeconds,
      seek: { target, pts: Number(pts), keyframe: (flags ?? '').startsWith('K') },
      boxes: [...trace.stderr.matchAll(/type:'(\w{4})'/g)].map((m) => m[1]!),
    };
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
