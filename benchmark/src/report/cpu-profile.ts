// Summary of a V8 CPU profile (`node --cpu-prof`): where a target spent its CPU time, as the top
// functions by self time and by module, and the heaviest call stacks (a flame graph in text form).
import { readFileSync } from 'node:fs';
import { z } from 'zod';

const profileSchema = z.object({
  nodes: z.array(
    z.object({
      id: z.number(),
      callFrame: z.object({ functionName: z.string(), url: z.string(), lineNumber: z.number() }),
      children: z.array(z.number()).optional(),
    }),
  ),
  samples: z.array(z.number()),
  timeDeltas: z.array(z.number()),
});

type Node = z.infer<typeof profileSchema>['nodes'][number];

/** Where a function lives, short: the package (node_modules/<pkg>) or the repository-relative file. */
function place(url: string): string {
  if (url === '') return '(native)';
  const nm = url.lastIndexOf('node_modules/');
  if (nm >= 0) return url.slice(nm + 'node_modules/'.length).replace(/^(@[^/]+\/[^/]+|[^/]+)\/.*$/, '$1');
  if (url.startsWith('node:')) return url;
  const repo = url.match(/\/(relay-service|config|crm-sandbox|benchmark)\/(.*)$/);
  return repo ? `${repo[1]}/${repo[2]}` : url;
}

const label = (n: Node) =>
  `${n.callFrame.functionName || '(anonymous)'} ${place(n.callFrame.url)}${n.callFrame.url ? `:${n.callFrame.lineNumber + 1}` : ''}`;

export function summarizeProfile(path: string, top = 20): string {
  const p = profileSchema.parse(JSON.parse(readFileSync(path, 'utf8')));
  const byId = new Map(p.nodes.map((n) => [n.id, n]));
  const parent = new Map<number, number>();
  for (const n of p.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
  const self = new Map<number, number>();
  for (let i = 0; i < p.samples.length; i++) {
    const id = p.samples[i]!;
    self.set(id, (self.get(id) ?? 0) + (p.timeDeltas[i] ?? 0));
  }
  const idle = new Set(['(idle)', '(program)']);
  let busy = 0;
  let total = 0;
  const byFunction = new Map<string, number>();
  const byModule = new Map<string, number>();
  const byStack = new Map<string, number>();
  for (const [id, us] of self) {
    const n = byId.get(id)!;
    total += us;
    // The profiler's own call (a windowed profile is started and stopped over the inspector) is the harness's.
    if (idle.has(n.callFrame.functionName) || n.callFrame.url === 'node:inspector') continue;
    busy += us;
    byFunction.set(label(n), (byFunction.get(label(n)) ?? 0) + us);
    const mod = n.callFrame.functionName === '(garbage collector)' ? '(garbage collector)' : place(n.callFrame.url);
    byModule.set(mod, (byModule.get(mod) ?? 0) + us);
    // The stack from the root, innermost 6 frames (what a flame graph's top rows would show).
    const stack: string[] = [];
    for (let at: number | undefined = id; at !== undefined; at = parent.get(at)) {
      const f = byId.get(at)!;
      if (f.callFrame.functionName !== '(root)') stack.push(label(f));
    }
    const key = stack.slice(0, 6).reverse().join(' > ');
    byStack.set(key, (byStack.get(key) ?? 0) + us);
  }
  const pct = (us: number) => `${((us / busy) * 100).toFixed(1)}%`;
  const rows = (m: Map<string, number>, n: number) =>
    [...m]
      .sort((a, b) => b[1] - a[1])
      .slice(0, n)
      .map(([k, us]) => `| ${pct(us)} | ${(us / 1000).toFixed(0)} | \`${k.replaceAll('|', '/')}\` |`);
  return [
    `${(busy / 1e6).toFixed(1)} s busy of ${(total / 1e6).toFixed(1)} s profiled; shares are of the busy time.`,
    '',
    '| self | ms | by module |',
    '|---|---|---|',
    ...rows(byModule, 12),
    '',
    '| self | ms | by function |',
    '|---|---|---|',
    ...rows(byFunction, top),
    '',
    '| self | ms | heaviest stacks (outermost first, innermost 6 frames) |',
    '|---|---|---|',
    ...rows(byStack, 12),
    '',
  ].join('\n');
}
