// A recording file as Debian's ffprobe reads it: container, codec, size, duration, where a seek to 70%
// lands, and the order of the MP4 boxes (the index before the media is what lets a browser play and
// seek at once). Shared by the relay's recording tests and the browser stories.
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';

const run = promisify(execFile);

export interface Probed {
  formatName: string;
  codec: string;
  width: number;
  height: number;
  durationSeconds: number;
  /** A seek to 70% of the duration: the first packet read, and whether it is a keyframe. */
  seek: { target: number; pts: number; keyframe: boolean };
  /** Box types in the order ffprobe parses them (MP4; asked for with `boxes`, else empty). */
  boxes: string[];
}

/** @param boxes also trace the container's boxes (one line per box and packet: small files only) */
export async function probeFile(file: string, { boxes = false } = {}): Promise<Probed> {
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
    streams: { codec_name: string; width: number; height: number }[];
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
  const trace = boxes
    ? await run('ffprobe', ['-v', 'trace', file]).catch((e: { stderr: string }) => e)
    : { stderr: '' };
  return {
    formatName: info.format.format_name,
    codec: info.streams[0]?.codec_name ?? '',
    width: info.streams[0]?.width ?? 0,
    height: info.streams[0]?.height ?? 0,
    durationSeconds,
    seek: { target, pts: Number(pts), keyframe: (flags ?? '').startsWith('K') },
    boxes: [...trace.stderr.matchAll(/type:'(\w{4})'/g)].map((m) => m[1]!),
  };
}
