// `npm run bench [-- name ...]`: runs the benchmarks (all, or those named), prints a summary and
// writes bench/results/latest.json and latest.md. Benchmarks are never part of `npm test`.
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

const asked = process.argv.slice(2);
const unknown = asked.filter((n) => !(n in BENCHMARKS));
if (unknown.length) {
  console.error(`unknown benchmark: ${unknown.join(', ')}; known: ${Object.keys(BENCHMARKS).join(', ')}`);
  process.exit(2);
}

const results: BenchResult[] = [];
for (const name of asked.length ? asked : Object.keys(BENCHMARKS)) {
  console.log(`== ${name}`);
  const started = Date.now();
  const load = Math.round(loadavg()[0] * 10) / 10;
  const measured = await (await BENCHMARKS[name]()).run((line) => console.log(`   ${line}`));
  const result: BenchResult = { name, date: new Date(started).toISOString(), seconds: (Date.now() - started) / 1000, machine: machine(load), ...measured };
  results.push(result);
  for (const t of result.tables) console.log(tableLines(t).join('\n'));
  for (const g of result.goals) console.log(`${g.pass ? 'pass' : 'FAIL'}  ${g.name}: ${g.value} (goal ${g.target})`);
}
const files = saveResults(join(import.meta.dirname, 'results'), results);
console.log(`results: ${files.md}`);
if (results.some((r) => r.goals.some((g) => !g.pass))) process.exitCode = 1;
