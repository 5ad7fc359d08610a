// A real X display for tests: Xvfb on a free display number (-displayfd), stopped after the test.
import { spawn } from 'node:child_process';
import type { TestContext } from 'node:test';

export interface Xvfb {
  display: string;
  width: number;
  height: number;
}

export async function startXvfb(t: TestContext, width = 2560, height = 800): Promise<Xvfb> {
  const proc = spawn(
    'Xvfb',
    ['-displayfd', '3', '-screen', '0', `${width}x${height}x24`, '-nolisten', 'tcp', '-noreset'],
    {
      stdio: ['ignore', 'ignore', 'pipe', 'pipe'],
    },
  );
  t.after(() => {
    proc.kill('SIGTERM');
  });
  let stderr = '';
  proc.stderr!.on('data', (c: Buffer) => (stderr += c.toString()));
  const number = await new Promise<string>((resolve, reject) => {
    let out = '';
    proc.stdio[3]!.on('data', (c: Buffer) => {
      out += c.toString();
      if (out.includes('\n')) resolve(out.trim());
    });
    proc.once('exit', (code) => reject(new Error(`Xvfb exited ${code}: ${stderr}`)));
    proc.once('error', reject);
  });
  return { display: `:${number}`, width, height };
}
