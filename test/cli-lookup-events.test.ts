// `opentrail lookup-events`: the aws CLI's command of the same name (same options, same JSON),
// plus a table for people in which hostile strings from events cannot drive the terminal.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { resolve } from 'node:path';
import { CreateAccountCommand } from '@aws-sdk/client-chime';
import { LookupEventsCommand } from '@aws-sdk/client-cloudtrail';
import { aws, ROOT, startServer, tempDir } from './helpers/server.ts';
import type { TestServer } from './helpers/server.ts';
import { signedRequest } from './helpers/signing.ts';

const REPO = resolve(import.meta.dirname, '..');
const ESC = '\u001b';
// HTTP header values carry Latin-1 only, and Node refuses C0 controls in them; C1 controls such
// as CSI (0x9b) get through, and some terminals obey them.
const HOSTILE_AGENT = 'evil-agent \u009b2J\u009b31mYOU HAVE BEEN PWNED\u009d0;title\u009c';
const HOSTILE_ID = `${ESC}[1A${ESC}[2Kfake-account\u202etxt.exe`;

interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

function opentrail(url: string, args: string[], env: Record<string, string> = {}): Promise<Run> {
  return new Promise((done) => {
    execFile(
      process.execPath,
      ['bin/opentrail.js', 'lookup-events', '--endpoint-url', url, ...args],
      {
        cwd: REPO,
        env: { ...process.env, AWS_ACCESS_KEY_ID: ROOT.accessKeyId, AWS_SECRET_ACCESS_KEY: ROOT.secretAccessKey, AWS_CONFIG_FILE: '/dev/null', AWS_SHARED_CREDENTIALS_FILE: '/dev/null', ...env },
      },
      (err, stdout, stderr) => done({ code: err ? Number((err as { code?: number }).code ?? 1) : 0, stdout, stderr }),
    );
  });
}

describe('opentrail lookup-events', () => {
  let s: TestServer;
  const BY_NAME = ['--lookup-attributes', 'AttributeKey=EventName,AttributeValue=CreateAccount'];

  before(async () => {
    s = await startServer();
    const chime = s.chime();
    for (let i = 0; i < 7; i++) await chime.send(new CreateAccountCommand({ Name: `cli-${i}` }));
    // A call whose user agent and resource name try to drive the terminal.
    const res = await signedRequest(s.url, { path: `/accounts/${encodeURIComponent(HOSTILE_ID)}`, headers: { 'user-agent': HOSTILE_AGENT } });
    assert.equal(res.status, 404);
  });
  after(() => s.close());

  test('prints the same JSON as the aws CLI for the same query', async () => {
    // aws-cli 1.x prints the wire's epoch seconds unless told otherwise; ISO-8601 is what aws-cli 2
    // prints by default, and what opentrail prints.
    const config = join(tempDir(), 'config');
    writeFileSync(config, '[default]\ncli_timestamp_format = iso8601\n');
    for (const args of [BY_NAME, [...BY_NAME, '--page-size', '3'], ['--lookup-attributes', 'AttributeKey=ResourceType,AttributeValue=AWS::Chime::Account']]) {
      const [ours, theirs] = await Promise.all([opentrail(s.url, args), aws(s.url, ['cloudtrail', 'lookup-events', ...args], { env: { AWS_CONFIG_FILE: config, TZ: 'UTC' } })]);
      assert.equal(ours.code, 0, ours.stderr);
      assert.equal(theirs.code, 0, theirs.stderr);
      assert.deepEqual(JSON.parse(ours.stdout), theirs.json, args.join(' '));
      // Byte for byte too (same indentation, key order, time format), except that opentrail
      // writes terminal controls from events as \u escapes (the hostile event of this file).
      if (ours.stdout.includes('fake-account')) assert.notEqual(ours.stdout, theirs.stdout);
      else assert.equal(ours.stdout, theirs.stdout);
    }
  });

  test('--max-items stops with a NextToken that --starting-token continues from, losing nothing', async () => {
    const all = JSON.parse((await opentrail(s.url, BY_NAME)).stdout).Events.map((e: any) => e.EventId);
    assert.equal(all.length, 7);
    const first = await opentrail(s.url, [...BY_NAME, '--max-items', '2']);
    assert.equal(first.code, 0, first.stderr);
    const page1 = JSON.parse(first.stdout);
    assert.deepEqual(page1.Events.map((e: any) => e.EventId), all.slice(0, 2));
    assert.ok(page1.NextToken);
    const second = JSON.parse((await opentrail(s.url, [...BY_NAME, '--max-items', '3', '--starting-token', page1.NextToken])).stdout);
    assert.deepEqual(second.Events.map((e: any) => e.EventId), all.slice(2, 5));
    const rest = JSON.parse((await opentrail(s.url, [...BY_NAME, '--starting-token', second.NextToken])).stdout);
    assert.deepEqual(rest.Events.map((e: any) => e.EventId), all.slice(5));
    assert.equal(rest.NextToken, undefined);
    // --max-results and --next-token, as in the aws CLI: one call each, one page each.
    const one = JSON.parse((await opentrail(s.url, [...BY_NAME, '--max-results', '4'])).stdout);
    assert.deepEqual(one.Events.map((e: any) => e.EventId), all.slice(0, 4));
    const two = JSON.parse((await opentrail(s.url, [...BY_NAME, '--max-results', '2', '--next-token', one.NextToken])).stdout);
    assert.deepEqual(two.Events.map((e: any) => e.EventId), all.slice(4, 6));
    assert.ok(two.NextToken);
    const single = JSON.parse((await opentrail(s.url, [...BY_NAME, '--no-paginate'])).stdout);
    assert.deepEqual(single.Events.map((e: any) => e.EventId), all);
  });

  test('--query and --output text print what the aws CLI prints, page by page', async () => {
    const config = join(tempDir(), 'config');
    writeFileSync(config, '[default]\ncli_timestamp_format = iso8601\n');
    const cases = [
      ['--output', 'text'],
      ['--output', 'text', '--page-size', '3', '--query', 'Events[].EventName'],
      ['--output', 'text', '--query', 'Events[].[EventName,ReadOnly,Username]'],
      ['--output', 'text', '--query', 'Events[].{name: EventName, resources: Resources, missing: Nothing}'],
      ['--output', 'text', '--query', 'Events[0].Nothing'],
      ['--output', 'text', '--max-results', '2'],
      ['--query', 'Events[].Resources[].ResourceName'],
      ['--query', 'length(Events)'],
      ['--query', 'Events[0].Nothing'],
      ['--query', 'Events[?EventName==`CreateAccount`] | [0].{id: EventId, t: EventTime}'],
    ];
    for (const args of cases) {
      const [ours, theirs] = await Promise.all([opentrail(s.url, [...BY_NAME, ...args]), aws(s.url, ['cloudtrail', 'lookup-events', ...BY_NAME, ...args], { env: { AWS_CONFIG_FILE: config, TZ: 'UTC' } })]);
      assert.equal(ours.code, 0, ours.stderr);
      assert.equal(theirs.code, 0, theirs.stderr);
      // One call's NextToken comes first (the server's, made for each call).
      const [o, t] = [ours.stdout, theirs.stdout].map((out) => (args.includes('--max-results') ? out.replace(/^\S+\n/, 'TOKEN\n') : out));
      assert.equal(o, t, args.join(' '));
    }
    // Stopped at --max-items, both print the token to go on from (each its own) after the pages,
    // through the query as well.
    const args = ['--output', 'text', '--page-size', '2', '--max-items', '3', '--query', 'Events[].EventName'];
    const [ours, theirs] = await Promise.all([opentrail(s.url, [...BY_NAME, ...args]), aws(s.url, ['cloudtrail', 'lookup-events', ...BY_NAME, ...args])]);
    assert.equal(ours.stdout, 'CreateAccount\tCreateAccount\nCreateAccount\nNone\n');
    assert.equal(ours.stdout, theirs.stdout);
    const token = (await opentrail(s.url, [...BY_NAME, '--output', 'text', '--max-items', '3'])).stdout.trimEnd().split('\n').pop()!;
    assert.match(token, /^NEXTTOKEN\t\S+$/);
    const rest = await opentrail(s.url, [...BY_NAME, '--output', 'text', '--starting-token', token.split('\t')[1], '--query', 'length(Events)']);
    assert.equal(rest.stdout, '4\n');
  });

  test('--output table: one row per event, readable', async () => {
    const res = await opentrail(s.url, [...BY_NAME, '--output', 'table']);
    assert.equal(res.code, 0, res.stderr);
    const lines = res.stdout.trimEnd().split('\n');
    assert.match(lines[0], /^Event time\s+Event name\s+User name\s+Event source\s+Resources\s+Read-only\s+Error code$/);
    assert.match(lines[1], /^-+( +-+)+$/);
    assert.equal(lines.length, 2 + 7 + 1);
    assert.match(lines[2], /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\+00:00\s+CreateAccount\s+root\s+chime\.amazonaws\.com\s+AWS::Chime::Account:[0-9a-f-]{36}\s+false$/);
    assert.equal(lines[lines.length - 1], '7 event(s)');
  });

  test('hostile strings in events reach neither the table nor the JSON as terminal controls', async () => {
    const table = await opentrail(s.url, ['--lookup-attributes', 'AttributeKey=EventName,AttributeValue=GetAccount', '--output', 'table']);
    assert.equal(table.code, 0, table.stderr);
    // Nothing but printable text and newlines: no C0/C1 controls, no bidi overrides.
    assert.doesNotMatch(table.stdout, /[\u0000-\u0009\u000b-\u001f\u007f-\u009f\u200e\u200f\u202a-\u202e\u2066-\u2069]/);
    assert.match(table.stdout, /AWS::Chime::Account:\?\[1A\?\[2Kfake-account\?txt\.exe/);
    assert.match(table.stdout, /NotFoundException/);
    // Text output: tabs between columns, nothing else that a terminal obeys or that splits a row.
    const text = await opentrail(s.url, ['--lookup-attributes', 'AttributeKey=EventName,AttributeValue=GetAccount', '--output', 'text']);
    assert.equal(text.code, 0, text.stderr);
    assert.doesNotMatch(text.stdout, /[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u200e\u200f\u202a-\u202e\u2066-\u2069]/);
    assert.match(text.stdout, /^RESOURCES\t\?\[1A\?\[2Kfake-account\?txt\.exe\tAWS::Chime::Account$/m);
    const json = await opentrail(s.url, ['--lookup-attributes', 'AttributeKey=EventName,AttributeValue=GetAccount']);
    assert.doesNotMatch(json.stdout, /[\u0000-\u0009\u000b-\u001f\u007f-\u009f]/);
    const record = JSON.parse(JSON.parse(json.stdout).Events[0].CloudTrailEvent);
    assert.equal(record.userAgent, HOSTILE_AGENT, 'the record keeps what was sent');
    assert.equal(record.requestParameters.accountId, HOSTILE_ID);
  });

  test("signs for the region the aws CLI would: --region, AWS_DEFAULT_REGION, then the profile's", async () => {
    const config = join(tempDir(), 'config');
    writeFileSync(config, '[default]\nregion = ap-south-1\n[profile far]\nregion = eu-west-1\n');
    // A named profile brings its own keys (the aws CLI then ignores the environment's too).
    const credentials = join(tempDir(), 'credentials');
    writeFileSync(credentials, `[far]\naws_access_key_id = ${ROOT.accessKeyId}\naws_secret_access_key = ${ROOT.secretAccessKey}\n`);
    const files = { AWS_CONFIG_FILE: config, AWS_SHARED_CREDENTIALS_FILE: credentials };
    const runs: [string[], Record<string, string>, string][] = [
      [['--profile', 'far'], files, 'eu-west-1'],
      [[], files, 'ap-south-1'],
      [[], { ...files, AWS_DEFAULT_REGION: 'ca-central-1' }, 'ca-central-1'],
      [['--region', 'sa-east-1', '--profile', 'far'], files, 'sa-east-1'],
      [[], {}, 'us-east-1'],
    ];
    for (const [args, env, region] of runs) {
      const res = await opentrail(s.url, [...args, '--max-results', '1'], env);
      assert.equal(res.code, 0, res.stderr);
      // Each call is recorded in the region it was signed for.
      const found = await s.cloudtrail({ region }).send(new LookupEventsCommand({ LookupAttributes: [{ AttributeKey: 'EventName', AttributeValue: 'LookupEvents' }], MaxResults: 50 }));
      const fromCli = (found.Events ?? []).filter((e) => JSON.parse(e.CloudTrailEvent!).requestParameters?.maxResults === 1);
      assert.ok(fromCli.length >= 1, `${args.join(' ')} ${JSON.stringify(env)}: no call recorded in ${region}`);
    }
  });

  test('signs with the keys the aws CLI would: a --profile\'s own, else the environment\'s even with AWS_PROFILE set', async () => {
    const credentials = join(tempDir(), 'credentials');
    writeFileSync(credentials, `[far]\naws_access_key_id = ${ROOT.accessKeyId}\naws_secret_access_key = ${ROOT.secretAccessKey}\n[stale]\naws_access_key_id = AKIASTALESTALESTALE0\naws_secret_access_key = stale\n`);
    const files = { AWS_CONFIG_FILE: '/dev/null', AWS_SHARED_CREDENTIALS_FILE: credentials };
    const wrongEnv = { AWS_ACCESS_KEY_ID: 'AKIAWRONGWRONGWRONG0', AWS_SECRET_ACCESS_KEY: 'wrong' };
    const runs: [string, string[], Record<string, string>, number][] = [
      ["--profile: the profile's keys, the environment's ignored", ['--profile', 'far'], { ...files, ...wrongEnv }, 0],
      ["AWS_PROFILE: the environment's keys first", [], { ...files, AWS_PROFILE: 'stale' }, 0],
      ["--profile with keys the server does not know", ['--profile', 'stale'], files, 254],
    ];
    for (const [what, args, env, code] of runs) {
      const [ours, theirs] = await Promise.all([
        opentrail(s.url, [...args, '--max-results', '1'], env),
        aws(s.url, ['cloudtrail', 'lookup-events', ...args, '--max-results', '1'], { env: { ...(env.AWS_ACCESS_KEY_ID ? {} : { AWS_ACCESS_KEY_ID: ROOT.accessKeyId, AWS_SECRET_ACCESS_KEY: ROOT.secretAccessKey }), ...env } }),
      ]);
      assert.equal(ours.code, code, `${what}: ${ours.stderr}`);
      // aws-cli 1 exits 255 for a server's error, aws-cli 2 (and opentrail) 254.
      assert.equal(theirs.code === 0, code === 0, `aws, ${what}: ${theirs.stderr}`);
      // No warning about the other keys: the aws CLI gives none either.
      if (code === 0) assert.equal(ours.stderr, '', what);
    }
  });

  test('usage mistakes and server errors are reported in one line, with the exit statuses of the aws CLI', async () => {
    const usage: [string[], string][] = [
      [['--output', 'yaml'], "opentrail: --output must be 'json', 'text' or 'table'"],
      [['--output', 'table', '--query', 'Events'], 'opentrail: --query works with --output json or text'],
      [['--max-items', '0'], 'opentrail: --max-items must be a positive whole number'],
      [['--start-time', 'yesterday'], "opentrail: --start-time: 'yesterday' is not a timestamp (ISO-8601 or epoch seconds)"],
      [['--lookup-attributes', 'EventName'], "opentrail: --lookup-attributes: expected Key=Value pairs, got 'EventName'"],
      [['--lookup-attributes', '[{"AttributeKey":'], 'opentrail: --lookup-attributes: not valid JSON'],
    ];
    const results = await Promise.all(usage.map(([args]) => opentrail(s.url, args)));
    results.forEach((res, i) => {
      assert.equal(res.stderr.trim(), usage[i][1], usage[i][0].join(' '));
      assert.equal(res.code, 2);
    });
    const server = await opentrail(s.url, ['--page-size', '51']);
    assert.equal(server.code, 254);
    assert.match(server.stderr.trim(), /^An error occurred \(InvalidMaxResultsException\) when calling the LookupEvents operation: 1 validation error detected/);
    // Refusals the aws CLI makes before any call, in its words and with its status.
    const refused: [string[], string][] = [
      [['--query', 'Events['], 'Bad value for --query Events[: Expected Star, got: EOF'],
      [['--page-size', '2', '--no-paginate'], 'Error during pagination: Cannot specify --no-paginate along with pagination arguments: --page-size'],
      [['--max-results', '2', '--max-items', '3', '--starting-token', 'x'], 'Error during pagination: Cannot specify --no-paginate along with pagination arguments: --starting-token, --max-items'],
    ];
    for (const [args, message] of refused) {
      const res = await opentrail(s.url, args);
      assert.equal(res.stderr.trim(), message, args.join(' '));
      assert.equal(res.code, 255);
      assert.equal((await aws(s.url, ['cloudtrail', 'lookup-events', ...args])).code, 255, `aws ${args.join(' ')}`);
    }
    // A query that only the data can refuse (a function given the wrong type), after the call.
    const wrongType = await opentrail(s.url, ['--query', 'length(`1`)']);
    assert.match(wrongType.stderr.trim(), /^--query length\(`1`\): TypeError: length\(\) expected argument 1 to be type/);
    assert.equal(wrongType.code, 255);
    assert.equal((await aws(s.url, ['cloudtrail', 'lookup-events', '--query', 'length(`1`)'])).code, 255);
    const noCredentials = await opentrail(s.url, [], { AWS_ACCESS_KEY_ID: '', AWS_SECRET_ACCESS_KEY: '' });
    assert.equal(noCredentials.stderr.trim(), 'opentrail: no AWS credentials: set AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY (printed at first start) or use --profile');
    assert.equal(noCredentials.code, 2);
    const down = await opentrail('http://127.0.0.1:9', []);
    assert.match(down.stderr.trim(), /^opentrail: cannot reach http:\/\/127\.0\.0\.1:9: .*ECONNREFUSED/);
    assert.equal(down.code, 255);
    // An endpoint the aws CLI cannot use, refused in its words (a stack trace from URL parsing before).
    const endpoints: [string, string][] = [
      ['127.0.0.1:4747', 'Bad value for --endpoint-url "127.0.0.1:4747": scheme is missing.  Must be of the form http://<hostname>/ or https://<hostname>/'],
      ['ftp://127.0.0.1', 'An HTTP Client raised an unhandled exception: Not supported URL scheme ftp'],
      ['http://', 'Invalid endpoint: http://'],
    ];
    for (const [url, message] of endpoints) {
      const bad = await opentrail(url, []);
      assert.equal(bad.stderr.trim(), message, url);
      assert.equal(bad.code, 255);
    }
  });
});
