// `opentrail lookup-events`: the aws CLI's command of the same name (same options, same JSON and text),
// plus a readable table for people.
import { Agent as HttpsAgent } from 'node:https';
import type { Event, LookupAttribute, LookupEventsCommandInput } from '@aws-sdk/client-cloudtrail';
import type { Command } from 'commander';
import { addClientOptions, awsCallError, CliError, clientConfig, terminalSafe } from './aws-client.ts';
import { jsonOutput, Query, textOutput } from './aws-output.ts';
import type { ClientOptions } from './aws-client.ts';

interface LookupOptions extends ClientOptions {
  lookupAttributes?: string[];
  startTime?: string;
  endTime?: string;
  eventCategory?: string;
  startingToken?: string;
  pageSize?: string;
  maxItems?: string;
  maxResults?: string;
  nextToken?: string;
  paginate: boolean;
  output: string;
  query?: string;
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

/** The command's paging, as the aws CLI decides it: --max-results or --next-token make one call, as --no-paginate does. */
function paging(opts: LookupOptions): { paginate: boolean; pageSize?: number; maxItems?: number; maxResults?: number } {
  const manual = opts.maxResults !== undefined || opts.nextToken !== undefined;
  const paginate = opts.paginate && !manual;
  if (!paginate) {
    const used = Object.entries({ '--starting-token': opts.startingToken, '--page-size': opts.pageSize, '--max-items': opts.maxItems }).filter(([, v]) => v !== undefined);
    if (used.length) throw new CliError(`Error during pagination: Cannot specify --no-paginate along with pagination arguments: ${used.map(([k]) => k).join(', ')}`, 255);
  }
  return { paginate, pageSize: positive(opts.pageSize, '--page-size'), maxItems: positive(opts.maxItems, '--max-items'), maxResults: positive(opts.maxResults, '--max-results') };
}

export async function lookupEvents(opts: LookupOptions, write: (s: string) => void = (s) => process.stdout.write(s)): Promise<void> {
  if (!['json', 'text', 'table'].includes(opts.output)) throw new UsageError("--output must be 'json', 'text' or 'table'");
  if (opts.query !== undefined && opts.output === 'table') throw new UsageError('--query works with --output json or text');
  const query = Query.parse(opts.query);
  const { paginate, pageSize, maxItems, maxResults } = paging(opts);
  // The SDK takes a second to load: only the command that talks to the server pays for it.
  const { CloudTrailClient, LookupEventsCommand } = await import('@aws-sdk/client-cloudtrail');
  const { endpoint, region, credentials, tls } = await clientConfig(opts);
  const client = new CloudTrailClient({ endpoint, region, credentials, requestHandler: { httpsAgent: new HttpsAgent({ keepAlive: true, ...tls }) } });
  const input: LookupEventsCommandInput = {
    LookupAttributes: opts.lookupAttributes ? parseLookupAttributes(opts.lookupAttributes) : undefined,
    StartTime: opts.startTime ? parseTime(opts.startTime, '--start-time') : undefined,
    EndTime: opts.endTime ? parseTime(opts.endTime, '--end-time') : undefined,
    EventCategory: opts.eventCategory as LookupEventsCommandInput['EventCategory'],
    NextToken: opts.startingToken ?? opts.nextToken,
  };
  const pages: Event[][] = [];
  let events = 0;
  let nextToken: string | undefined;
  try {
    for (;;) {
      // A page never holds more than --max-items still wants, so the NextToken printed at the
      // end points exactly after the last event printed (the server's token allows a new size).
      const room = maxItems === undefined ? undefined : maxItems - events;
      input.MaxResults = maxResults ?? (room === undefined ? pageSize : Math.min(pageSize ?? 50, room));
      const page = await client.send(new LookupEventsCommand(input));
      const found = page.Events ?? [];
      pages.push(found);
      events += found.length;
      nextToken = page.NextToken;
      if (!paginate || !nextToken || (maxItems !== undefined && events >= maxItems)) break;
      input.NextToken = nextToken;
    }
  } catch (err) {
    throw awsCallError(err, 'LookupEvents', opts.endpointUrl);
  } finally {
    client.destroy();
  }
  if (opts.output === 'table') return write(table(pages.flat()));
  // As JSON would carry them: times as the aws CLI prints them, absent members absent.
  const plain = (page: Event[]) => JSON.parse(JSON.stringify(page.map((e) => ({ ...e, EventTime: cliTime(e.EventTime) })))) as unknown[];
  const withToken = (token: string | undefined) => (token ? { NextToken: token } : {});
  if (opts.output === 'json') return write(jsonOutput(query.apply({ Events: plain(pages.flat()), ...withToken(nextToken) })));
  // The aws CLI's text output queries and prints each page of a paginated call on its own, and
  // then the token to continue from, if it stopped at --max-items.
  if (!paginate) return write(textOutput(query.apply({ Events: plain(pages[0]), ...withToken(nextToken) })));
  const stopped = maxItems !== undefined && nextToken !== undefined && events >= maxItems;
  write(pages.map((page) => textOutput(query.apply({ Events: plain(page) }))).join(''));
  if (stopped) write(textOutput(query.apply({ NextToken: { NextToken: nextToken } })));
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
      .option('--max-results <n>', 'one API call for this many events (pagination off)')
      .option('--next-token <token>', 'one API call from this NextToken (pagination off)')
      .option('--output <format>', 'json, text or table', 'json')
      .option('--query <expression>', 'a JMESPath expression applied to the json or text output'),
  ).action(async (opts: LookupOptions) => {
    await lookupEvents(opts);
  });
}
