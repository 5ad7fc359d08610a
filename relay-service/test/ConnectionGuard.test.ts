// The connection guard closes silent connections, not connections whose request the relay is still
// answering (before this, any answer slower than the idle timeout was cut: the 20 s sign-in long poll
// died at 10 s with "other side closed").
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import { connect } from 'node:net';
import { guardConnections } from '../src/http/ConnectionGuard.ts';

const IDLE_MS = 200;

async function listen(t: { after(fn: () => unknown): void }, answerAfterMs: number): Promise<string> {
  const server: Server = createServer((_req, res) => void setTimeout(() => res.end('answered'), answerAfterMs));
  guardConnections(server, { maxConnectionsPerAddress: 10, idleTimeoutMs: IDLE_MS });
  await new Promise<void>((ok) => server.listen(0, '127.0.0.1', ok));
  t.after(() => new Promise((ok) => server.close(ok)));
  const { port } = server.address() as { port: number };
  return `http://127.0.0.1:${port}/`;
}

test('an answer slower than the idle timeout still reaches the client', async (t) => {
  const url = await listen(t, IDLE_MS * 4);
  const res = await fetch(url);
  assert.equal(await res.text(), 'answered');
});

test('a connection that never sends a request is still closed', async (t) => {
  const { hostname, port } = new URL(await listen(t, 0));
  const socket = connect({ host: hostname, port: Number(port) });
  t.after(() => socket.destroy());
  // Waits for the relay's close; the test's own timeout fails it if the guard never closes it.
  await new Promise<void>((ok) => socket.once('close', () => ok()));
  assert.equal(socket.bytesWritten, 0);
});
