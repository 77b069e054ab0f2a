// The aws CLI's --query and its json and text outputs, for the commands that stand in for its own.
import jmespath from 'jmespath';
import { CliError, jsonSafe, terminalSafe } from './aws-client.ts';

/** A --query expression, checked before any call as the aws CLI does; `undefined` keeps the whole response. */
export class Query {
  private constructor(private readonly expression: string | undefined) {}

  static parse(expression: string | undefined): Query {
    if (expression !== undefined) {
      try {
        // compile is exported by jmespath but missing from @types/jmespath.
        (jmespath as unknown as { compile(e: string): unknown }).compile(expression);
      } catch (err) {
        throw new CliError(`Bad value for --query ${expression}: ${(err as Error).message}`, 255);
      }
    }
    return new Query(expression);
  }

  apply(data: unknown): unknown {
    if (this.expression === undefined) return data;
    try {
      return jmespath.search(data, this.expression);
    } catch (err) {
      // A function given the wrong type (`length(\`1\`)`): only the data tells.
      throw new CliError(`--query ${this.expression}: ${(err as Error).message}`, 255);
    }
  }
}

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
const isContainer = (v: unknown) => typeof v === 'object' && v !== null;

/** The aws CLI's json output: 4-space indents; an empty object, what commands without output return, prints nothing. */
export function jsonOutput(value: unknown): string {
  if (isObject(value) && Object.keys(value).length === 0) return '';
  return `${jsonSafe(JSON.stringify(value, null, 4))}\n`;
}

/**
 * The aws CLI's text output: a row of tab-separated scalars per object, in the order of their
 * keys, named after the key that holds them (EVENTS, RESOURCES) once nested; the rows of an
 * object's lists and objects follow its own. Scalars print as Python prints them (True, None),
 * and characters that could drive a terminal or split a row (tabs, newlines) as '?'.
 */
export function textOutput(value: unknown): string {
  const lines: string[] = [];
  writeText(value, lines);
  return lines.map((l) => `${l}\n`).join('');
}

function writeText(item: unknown, lines: string[], identifier?: string, scalarKeys?: string[]): void {
  if (isObject(item)) writeObject(item, lines, identifier, scalarKeys);
  else if (Array.isArray(item)) writeList(item, lines, identifier);
  else lines.push(scalar(item));
}

function writeList(items: unknown[], lines: string[], identifier?: string): void {
  if (items.some(isObject)) {
    // Objects of one list share their columns: every scalar key any of them has.
    const keys = [...new Set(items.filter(isObject).flatMap((o) => Object.keys(o).filter((k) => !isContainer(o[k]))))].sort();
    for (const item of items) writeText(item, lines, identifier, keys);
  } else if (items.some(Array.isArray)) {
    const scalars = items.filter((i) => !isContainer(i));
    if (scalars.length) writeScalars(scalars, lines, identifier);
    for (const nested of items.filter(isContainer)) writeText(nested, lines, identifier);
  } else if (items.length) {
    writeScalars(items, lines, identifier);
  }
}

function writeScalars(items: unknown[], lines: string[], identifier?: string): void {
  if (identifier === undefined) lines.push(items.map(scalar).join('\t'));
  else for (const item of items) lines.push(`${identifier.toUpperCase()}\t${scalar(item)}`);
}

function writeObject(item: Record<string, unknown>, lines: string[], identifier?: string, scalarKeys?: string[]): void {
  const keys = Object.keys(item).sort();
  const row = scalarKeys ? scalarKeys.map((k) => (k in item ? scalar(item[k]) : '')) : keys.filter((k) => !isContainer(item[k])).map((k) => scalar(item[k]));
  const nested = keys.filter((k) => (scalarKeys ? !scalarKeys.includes(k) : isContainer(item[k])));
  if (row.length) lines.push((identifier === undefined ? row : [identifier.toUpperCase(), ...row]).join('\t'));
  for (const k of nested) writeText(item[k], lines, k);
}

function scalar(v: unknown): string {
  if (v === null || v === undefined) return 'None';
  if (typeof v === 'boolean') return v ? 'True' : 'False';
  return terminalSafe(typeof v === 'string' ? v : isContainer(v) ? JSON.stringify(v) : String(v));
}
