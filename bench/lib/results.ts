// What a benchmark reports, and the results files: bench/results/latest.json for tools and
// bench/results/latest.md for people. A run of some benchmarks keeps the others' last results.
import { existsSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { availableParallelism, cpus, loadavg, totalmem } from 'node:os';
import { join } from 'node:path';
import { round } from './stats.ts';

export interface Table {
  title: string;
  columns: string[];
  rows: (string | number)[][];
}

export interface Goal {
  name: string;
  /** e.g. '>= 0.85' or '<= 10 ms' */
  target: string;
  value: number;
  pass: boolean;
}

export interface Machine {
  nproc: number;
  cpu: string;
  memoryGiB: number;
  node: string;
  platform: string;
  /** 1-minute load average when the benchmark started and ended: the machine may be shared. */
  load: [number, number];
}

export interface BenchResult {
  name: string;
  title: string;
  date: string;
  seconds: number;
  machine: Machine;
  goals: Goal[];
  tables: Table[];
  notes: string[];
}

/** What a benchmark module produces; run.ts adds name, date, duration and machine. */
export type Measured = Pick<BenchResult, 'title' | 'goals' | 'tables' | 'notes'>;

export function machine(loadAtStart: number): Machine {
  return {
    load: [loadAtStart, Math.round(loadavg()[0] * 10) / 10],
    nproc: availableParallelism(),
    cpu: cpus()[0]?.model ?? 'unknown',
    memoryGiB: Math.round(totalmem() / 2 ** 30),
    node: process.version,
    platform: `${process.platform}-${process.arch}`,
  };
}

/**
 * A goal's verdict is the measured value's, unrounded: 10.04 ms does not meet `<= 10 ms`. It is
 * shown to 3 significant digits, or to as many more as it takes for the figure shown to meet the
 * goal exactly when the value does (10.04, not 10).
 */
function goal(name: string, target: string, value: number, meets: (v: number) => boolean): Goal {
  const pass = meets(value);
  let shown = round(value);
  for (let digits = 4; meets(shown) !== pass && digits <= 17; digits++) shown = Number(value.toPrecision(digits));
  return { name, target, value: shown, pass };
}

export const atMost = (name: string, value: number, limit: number, unit: string): Goal => goal(name, `<= ${limit} ${unit}`, value, (v) => v <= limit);
export const atLeast = (name: string, value: number, limit: number): Goal => goal(name, `>= ${limit}`, value, (v) => v >= limit);

type ResultsFile = { benchmarks: Record<string, BenchResult> };

export function saveResults(dir: string, results: BenchResult[]): { json: string; md: string } {
  const json = join(dir, 'latest.json');
  const previous: ResultsFile = existsSync(json) ? JSON.parse(readFileSync(json, 'utf8')) : { benchmarks: {} };
  for (const r of results) previous.benchmarks[r.name] = r;
  const md = join(dir, 'latest.md');
  writeAtomically(json, `${JSON.stringify(previous, null, 2)}\n`);
  writeAtomically(md, markdown(Object.values(previous.benchmarks)));
  return { json, md };
}

// A run stopped half-way never leaves a truncated results file (*.tmp is gitignored).
function writeAtomically(file: string, text: string): void {
  writeFileSync(`${file}.tmp`, text);
  renameSync(`${file}.tmp`, file);
}

export function markdown(results: BenchResult[]): string {
  const out = ['# opentrail benchmarks', '', 'Written by `npm run bench`; each benchmark keeps its own date and machine.', ''];
  for (const r of results) {
    const m = r.machine;
    out.push(`## ${r.title} (\`${r.name}\`)`, '');
    out.push(`${r.date} · ${m.nproc} CPUs (${m.cpu}) · ${m.memoryGiB} GiB · Node ${m.node} · ${m.platform} · ${Math.round(r.seconds)} s · ${m.load ? `load average ${m.load[0]} at start, ${m.load[1]} at end` : ''}`, '');
    out.push(...tableLines({ title: 'Goals', columns: ['goal', 'target', 'measured', 'result'], rows: r.goals.map((g) => [g.name, g.target, g.value, g.pass ? 'pass' : 'FAIL']) }));
    for (const t of r.tables) out.push(...tableLines(t));
    if (r.notes.length) out.push(...r.notes.map((n) => `- ${n}`), '');
  }
  return `${out.join('\n').trimEnd()}\n`;
}

export function tableLines(t: Table): string[] {
  return [`**${t.title}**`, '', `| ${t.columns.join(' | ')} |`, `|${t.columns.map(() => '---').join('|')}|`, ...t.rows.map((r) => `| ${r.join(' | ')} |`), ''];
}
