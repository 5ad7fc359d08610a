// A real Redis (Debian's redis-server) for cluster tests: its own process on a free loopback port,
// in a temp directory; stopped with the test. stop()/start() model an outage. No persistence unless
// `persistent` (append-only file, fsync on every write: what a production queue needs).
import { spawn, type ChildProcess } from 'node:child_process';
import type { TestContext } from 'node:test';
import { freePort } from './relayProcess.ts';
import { tmpDir } from './tmp.ts';

export interface RedisServer {
  readonly url: string;
  start(): Promise<void>;
  stop(): Promise<void>;
}

export async function startRedis(t: TestContext, { persistent = false } = {}): Promise<RedisServer> {
  const port = await freePort();
  const dir = tmpDir(t, 'sightline-redis-');
  let child: ChildProcess | null = null;
  const server: RedisServer = {
    url: `redis://127.0.0.1:${port}`,
    async start() {
      const durability = persistent ? ['--appendonly', 'yes', '--appendfsync', 'always'] : ['--appendonly', 'no'];
      const args = ['--port', String(port), '--bind', '127.0.0.1', '--dir', dir, '--save', '', ...durability];
      const c = spawn('redis-server', args, { stdio: ['ignore', 'pipe', 'pipe'] });
      child = c;
      let out = '';
      await new Promise<void>((ok, fail) => {
        c.stdout!.on('data', (d: Buffer) => {
          out += d.toString();
          if (out.includes('Ready to accept connections')) ok();
        });
        c.once('exit', (code) => fail(new Error(`redis-server exited with ${code}:\n${out}`)));
      });
    },
    async stop() {
      const c = child;
      if (!c) return;
      child = null;
      await new Promise<void>((ok) => {
        c.once('exit', () => ok());
        c.kill('SIGKILL');
      });
    },
  };
  await server.start();
  t.after(() => server.stop());
  return server;
}
