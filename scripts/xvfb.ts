// A virtual X display for what needs a real screen (headful Firefox sharing it with getDisplayMedia).
// Xvfb picks a free display number itself (-displayfd) and the display lives as long as its owner.
import { spawn } from 'node:child_process';

export interface Display {
  /** The DISPLAY value, e.g. ":99". */
  name: string;
  close(): Promise<void>;
}

export function startXvfb({ width = 1400, height = 1000 } = {}): Promise<Display> {
  const xvfb = spawn('Xvfb', ['-displayfd', '3', '-screen', '0', `${width}x${height}x24`, '-nolisten', 'tcp'], {
    stdio: ['ignore', 'ignore', 'pipe', 'pipe'],
  });
  const exited = new Promise<void>((ok) => xvfb.once('exit', () => ok()));
  let err = '';
  xvfb.stderr!.on('data', (d: Buffer) => (err += d.toString()));
  return new Promise((ok, fail) => {
    let out = '';
    xvfb.once('error', fail);
    void exited.then(() => fail(new Error(`Xvfb exited before it was ready: ${err}`)));
    xvfb.stdio[3]!.on('data', (d: Buffer) => {
      out += d.toString();
      if (!out.includes('\n')) return;
      ok({
        name: `:${out.trim()}`,
        close: async () => {
          if (xvfb.exitCode === null) xvfb.kill('SIGTERM');
          await exited;
        },
      });
    });
  });
}
