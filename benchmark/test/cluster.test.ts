// Smoke test of the cluster run's harness (not of performance): real nodes on a real Redis, and the
// figures it reports add up.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { clusterSection, measureCluster } from '../src/cluster.ts';

test('the cluster run places every session on some node and times the call both ways', async () => {
  const lines: string[] = [];
  const c = await measureCluster({ nodes: 2, sessions: 6, samples: 10 }, (l) => lines.push(l));
  assert.equal(c.perNode.length, 2);
  assert.equal(
    c.perNode.reduce((a, b) => a + b, 0),
    6,
    'every session is live on exactly one node',
  );
  assert.equal(c.direct.samples, 10);
  assert.equal(c.forwarded.samples, 10);
  assert.ok(c.direct.p50! > 0 && c.forwarded.p50! > 0);
  assert.equal(c.addedP50, Math.round((c.forwarded.p50! - c.direct.p50!) * 100) / 100);
  assert.match(lines.join('\n'), /placed: \d+ \/ \d+/);
  assert.match(clusterSection(c, 'npm run bench -- --cluster').join('\n'), /added by the routing hop/);
});
