// `npm run bench [-- name ...]`: runs the benchmarks (all, or those named), prints a summary and
// writes bench/results/latest.json and latest.md. Benchmarks are never part of `npm test`.
import { fork } from 'node:child_process';
import { loadavg } from 'node:os';
import { join } from 'node:path';
import { machine, saveResults, tableLines } from './lib/results.ts';
import type { BenchResult, Measured } from './lib/results.ts';

process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = 'true';

type Benchmark = { run(log: (line: string) => void): Promise<Measured> };

/** Every benchmark by name, in the order a full run takes them. Later issues add theirs here. */
const BENCHMARKS: Record<string, () => Promise<Benchmark>> = {
  throughput: () => import('./throughput.ts'),
  lookup: () => import('./lookup.ts'),
  console: () => import('./console.ts'),
  delivery: () => import('./delivery.ts'),
  'validate-logs': () => import('./validate-logs.ts'),
};

/** The argument a benchmark's own process is started with (see runAlone), before the benchmark's name. */
const CHILD = '--run-here';
const inChild = process.argv[2] === CHILD;
const asked = process.argv.slice(inChild ? 3 : 2);
const unknown = asked.filter((n) => !(n in BENCHMARKS));
if (unknown.length) {
  console.error(`unknown benchmark: ${unknown.join(', ')}; known: ${Object.keys(BENCHMARKS).join(', ')}`);
  process.exit(2);
}

/**
 * Each benchmark runs in a process of its own, started for it: none inherits another's heap, JIT
 * state or timers. Run after the throughput benchmark in one process, LookupEvents' first pages
 * were slower at the client than in runs of it alone: p50 3.8-4.1 ms against 3.2, p99 9.94
 * (probably the heap the throughput rounds grew, swept again after each collection between its
 * samples). In a process of its own after the throughput benchmark: p50 3.05-3.37, p99 7.91.
 */
function runAlone(name: string): Promise<Measured> {
  const child = fork(import.meta.filename, [CHILD, name], { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  return new Promise((resolve, reject) => {
    let measured: Measured | undefined;
    child.on('message', (m) => (measured = m as Measured));
    child.on('exit', (code) => (measured ? resolve(measured) : reject(new Error(`benchmark ${name} exited with ${code} before its result`))));
  });
}

if (inChild) {
  const measured = await (await BENCHMARKS[asked[0]]()).run((line) => console.log(`   ${line}`));
  // Ends once the result is sent: a benchmark may leave a handle open (a keep-alive socket).
  process.send!(measured, () => process.exit(0));
} else {
  const results: BenchResult[] = [];
  for (const name of asked.length ? asked : Object.keys(BENCHMARKS)) {
    console.log(`== ${name}`);
    const started = Date.now();
    const load = Math.round(loadavg()[0] * 10) / 10;
    const measured = await runAlone(name);
    const result: BenchResult = { name, date: new Date(started).toISOString(), seconds: (Date.now() - started) / 1000, machine: machine(load), ...measured };
    results.push(result);
    for (const t of result.tables) console.log(tableLines(t).join('\n'));
    for (const g of result.goals) console.log(`${g.pass ? 'pass' : 'FAIL'}  ${g.name}: ${g.value} (goal ${g.target})`);
  }
  const files = saveResults(join(import.meta.dirname, 'results'), results);
  console.log(`results: ${files.md}`);
  if (results.some((r) => r.goals.some((g) => !g.pass))) process.exitCode = 1;
}
