// Child process entry: how late a 5 ms timer fires on an otherwise idle, pinned, boosted process.
// This is the machine's own scheduling noise (other tenants, a busy host): no server can have
// less added latency than this on the same core.
const seconds = Number(process.argv[2] ?? 3);
const late: number[] = [];
let last = performance.now();
const timer = setInterval(() => {
  const now = performance.now();
  late.push(Math.max(0, now - last - 5));
  last = now;
}, 5);
setTimeout(() => {
  clearInterval(timer);
  late.sort((a, b) => a - b);
  const at = (p: number) => Math.round(late[Math.min(late.length - 1, Math.floor((p / 100) * late.length))]! * 10) / 10;
  process.send!({
    ticks: late.length,
    expected: Math.round((seconds * 1000) / 5),
    p50: at(50),
    p99: at(99),
    max: at(100),
  });
  process.disconnect();
}, seconds * 1000);
