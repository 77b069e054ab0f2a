// `opentrail lookup-events`: the aws CLI's command of the same name (same options, same JSON),
// plus a readable table for people.
import type { Event, LookupAttribute, LookupEventsCommandInput } from '@aws-sdk/client-cloudtrail';
import type { Command } from 'commander';
import { addClientOptions, awsCallError, clientConfig, jsonSafe, terminalSafe } from './aws-client.ts';
import type { ClientOptions } from './aws-client.ts';

interface LookupOptions extends ClientOptions {
  lookupAttributes?: string[];
  startTime?: string;
  endTime?: string;
  eventCategory?: string;
  startingToken?: string;
  pageSize?: string;
  maxItems?: string;
  paginate: boolean;
  output: string;
}

export class UsageError extends Error {}

/** `AttributeKey=EventName,AttributeValue=X` (shorthand) or the JSON list the aws CLI accepts. */
export function parseLookupAttributes(values: string[]): LookupAttribute[] {
  return values.flatMap(parseLookupAttribute);
}

function parseLookupAttribute(value: string): LookupAttribute[] {
  const text = value.trim();
  if (text.startsWith('[') || text.startsWith('{')) {
    let parsed: LookupAttribute | LookupAttribute[];
    try {
      parsed = JSON.parse(text) as LookupAttribute | LookupAttribute[];
    } catch {
      throw new UsageError('--lookup-attributes: not valid JSON');
    }
    return Array.isArray(parsed) ? parsed : [parsed];
  }
  return text.split(/\s+/).map((item) => {
    const attr: Record<string, string> = {};
    for (const pair of item.split(',')) {
      const eq = pair.indexOf('=');
      if (eq < 0) throw new UsageError(`--lookup-attributes: expected Key=Value pairs, got '${pair}'`);
      attr[pair.slice(0, eq)] = pair.slice(eq + 1);
    }
    return attr as unknown as LookupAttribute;
  });
}

/** ISO-8601 or epoch seconds, like the aws CLI. */
export function parseTime(value: string, option: string): Date {
  const d = /^\d+(\.\d+)?$/.test(value) ? new Date(Number(value) * 1000) : new Date(value);
  if (Number.isNaN(d.getTime())) throw new UsageError(`${option}: '${value}' is not a timestamp (ISO-8601 or epoch seconds)`);
  return d;
}

const cliTime = (d: Date | undefined) => (d ? d.toISOString().replace(/\.\d{3}Z$/, '+00:00') : undefined);

function positive(value: string | undefined, option: string): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1) throw new UsageError(`${option} must be a positive whole number`);
  return n;
}

export async function lookupEvents(opts: LookupOptions, write: (s: string) => void = (s) => process.stdout.write(s)): Promise<void> {
  if (opts.output !== 'json' && opts.output !== 'table') throw new UsageError("--output must be 'json' or 'table'");
  // The SDK takes a second to load: only the command that talks to the server pays for it.
  const { CloudTrailClient, LookupEventsCommand } = await import('@aws-sdk/client-cloudtrail');
  const client = new CloudTrailClient(clientConfig(opts));
  const input: LookupEventsCommandInput = {
    LookupAttributes: opts.lookupAttributes ? parseLookupAttributes(opts.lookupAttributes) : undefined,
    StartTime: opts.startTime ? parseTime(opts.startTime, '--start-time') : undefined,
    EndTime: opts.endTime ? parseTime(opts.endTime, '--end-time') : undefined,
    EventCategory: opts.eventCategory as LookupEventsCommandInput['EventCategory'],
    NextToken: opts.startingToken,
  };
  const pageSize = positive(opts.pageSize, '--page-size');
  const maxItems = positive(opts.maxItems, '--max-items');
  const events: Event[] = [];
  let nextToken: string | undefined;
  try {
    for (;;) {
      // A page never holds more than --max-items still wants, so the NextToken printed at the
      // end points exactly after the last event printed (the server's token allows a new size).
      const room = maxItems === undefined ? undefined : maxItems - events.length;
      input.MaxResults = room === undefined ? pageSize : Math.min(pageSize ?? 50, room);
      const page = await client.send(new LookupEventsCommand(input));
      events.push(...(page.Events ?? []));
      nextToken = page.NextToken;
      if (!opts.paginate || !nextToken || (maxItems !== undefined && events.length >= maxItems)) break;
      input.NextToken = nextToken;
    }
  } catch (err) {
    throw awsCallError(err, 'LookupEvents', opts.endpointUrl);
  } finally {
    client.destroy();
  }
  if (opts.output === 'table') write(table(events));
  else {
    const out = { Events: events.map((e) => ({ ...e, EventTime: cliTime(e.EventTime) })), ...(nextToken ? { NextToken: nextToken } : {}) };
    write(`${jsonSafe(JSON.stringify(out, null, 4))}\n`);
  }
}

function table(events: Event[]): string {
  const rows = events.map((e) => {
    let errorCode = '';
    try {
      errorCode = (JSON.parse(e.CloudTrailEvent ?? '{}') as { errorCode?: string }).errorCode ?? '';
    } catch {
      /* a record that is not JSON shows no error code */
    }
    return [
      cliTime(e.EventTime) ?? '',
      e.EventName ?? '',
      e.Username ?? '',
      e.EventSource ?? '',
      (e.Resources ?? []).map((r) => `${r.ResourceType ?? ''}:${r.ResourceName ?? ''}`).join(' '),
      e.ReadOnly ?? '',
      errorCode,
    ].map((c) => terminalSafe(c));
  });
  const header = ['Event time', 'Event name', 'User name', 'Event source', 'Resources', 'Read-only', 'Error code'];
  const widths = header.map((h, i) => Math.min(60, Math.max(h.length, ...rows.map((r) => r[i].length))));
  const line = (cells: string[]) => cells.map((c, i) => (c.length > widths[i] ? `${c.slice(0, widths[i] - 1)}…` : c.padEnd(widths[i]))).join('  ').trimEnd();
  return [line(header), line(widths.map((w) => '-'.repeat(w))), ...rows.map(line), `${rows.length} event(s)`, ''].join('\n');
}

export function lookupEventsCommand(program: Command): void {
  addClientOptions(
    program
      .command('lookup-events')
      .description('Look up events in Event history (the aws CLI command of the same name)')
      .option('--lookup-attributes <attributes...>', 'AttributeKey=<key>,AttributeValue=<value> (one attribute)')
      .option('--start-time <time>', 'oldest event time (ISO-8601 or epoch seconds)')
      .option('--end-time <time>', 'newest event time (ISO-8601 or epoch seconds)')
      .option('--event-category <category>', 'insight: Insights events only')
      .option('--starting-token <token>', 'continue from a NextToken')
      .option('--page-size <n>', 'events per API call (1-50)')
      .option('--max-items <n>', 'stop after this many events and print a NextToken')
      .option('--no-paginate', 'make a single API call')
      .option('--output <format>', 'json or table', 'json'),
  ).action(async (opts: LookupOptions) => {
    await lookupEvents(opts);
  });
}
