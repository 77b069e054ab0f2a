// `opentrail validate-logs`: the aws CLI's command of the same name (same options, same lines,
// same exit codes: 0 all valid, 1 something INVALID), on folder buckets read straight from the
// data dir and on S3-compatible buckets, with a progress bar on a terminal.
import type { Trail } from '@aws-sdk/client-cloudtrail';
import type { Command } from 'commander';
import { BucketError } from '../buckets/bucket.ts';
import { FolderBucket } from '../buckets/folder.ts';
import { AwsHttp, NetworkError } from '../integrity/aws-http.ts';
import type { Response } from '../integrity/aws-http.ts';
import { isoSeconds } from '../aws/timestamps.ts';
import { S3Reader } from '../integrity/s3-reader.ts';
import { parseTrailArn, VALID, Validator } from '../integrity/validate.ts';
import type { Finding, Progress, ReadableBucket, Summary } from '../integrity/validate.ts';
import { addClientOptions, awsCallError, CliError, clientConfig } from './aws-client.ts';
import type { ClientOptions } from './aws-client.ts';
import { parseTime } from './lookup-events.ts';

interface ValidateOptions extends ClientOptions {
  trailArn: string;
  startTime: string;
  endTime?: string;
  s3Bucket?: string;
  s3Prefix?: string;
  accountId?: string;
  verbose?: boolean;
  dataDir?: string;
  s3EndpointUrl?: string;
}

/** A problem that stops validation before it starts (the aws CLI exits 255 for those). */
class SetupError extends Error {}

const HOUR = 3600_000;
/**
 * Files fetched and checked at once. S3 answers a small GET in tens of milliseconds, so it is
 * the number of round trips kept in flight that sets the pace; S3 serves thousands of GETs a
 * second per prefix.
 */
const CONCURRENCY = 32;

export function validateLogsCommand(program: Command): void {
  addClientOptions(
    program
      .command('validate-logs')
      .description('Validate the log files and digest files a trail delivered (as `aws cloudtrail validate-logs`)')
      .requiredOption('--trail-arn <arn>', 'ARN of the trail')
      .requiredOption('--start-time <time>', 'validate log files delivered on or after this time')
      .option('--end-time <time>', 'validate log files delivered on or before this time (default: now)')
      .option('--s3-bucket <bucket>', 'bucket of the digest files (default: the trail’s, from DescribeTrails)')
      .option('--s3-prefix <prefix>', 'key prefix of the digest files (default: the trail’s)')
      .option('--account-id <id>', 'account whose log files to validate (default: the ARN’s)')
      .option('--verbose', 'also list every valid file')
      .option('--data-dir <dir>', 'where folder buckets live (OPENTRAIL_DATA_DIR)')
      .option('--s3-endpoint-url <url>', 'S3-compatible server of the bucket (AWS_ENDPOINT_URL_S3, OPENTRAIL_S3_ENDPOINT)'),
  ).action(async (opts: ValidateOptions) => {
    try {
      process.exitCode = await validateLogs(opts);
    } catch (err) {
      // A bucket that cannot be read stops the run, as it stops the aws CLI's.
      if (!(err instanceof SetupError || err instanceof BucketError)) throw err;
      process.stderr.write(`\n${err.message}\n`);
      process.exitCode = 255;
    }
  });
}

export async function validateLogs(opts: ValidateOptions, out: NodeJS.WritableStream = process.stdout, err: NodeJS.WriteStream = process.stderr): Promise<number> {
  let trail: { homeRegion: string; accountId: string };
  try {
    trail = parseTrailArn(opts.trailArn);
  } catch (e) {
    throw new SetupError((e as Error).message);
  }
  const start = parseTime(opts.startTime, '--start-time');
  const end = opts.endTime ? parseTime(opts.endTime, '--end-time') : new Date();
  if (start > end) throw new SetupError('Invalid time range specified: start-time must occur before end-time');
  const config = await clientConfig(opts);
  const { credentials } = config;
  const cloudtrail = new AwsHttp(config.endpoint, config.region, 'cloudtrail', credentials, 2, config.tls);
  const dataDir = opts.dataDir ?? process.env.OPENTRAIL_DATA_DIR ?? './.opentrail';
  const endpoint = opts.s3EndpointUrl ?? process.env.AWS_ENDPOINT_URL_S3 ?? process.env.OPENTRAIL_S3_ENDPOINT;
  // The bucket's S3 server, signed for with the credentials the CloudTrail calls use.
  const s3 = endpoint ? new S3Reader(endpoint, config.region, credentials, CONCURRENCY, config.tls) : undefined;
  try {
    const keysTo = new Date(end.getTime() + 2 * HOUR);
    // Asked for at once, but reported after the trail, as the aws CLI does.
    const keys = publicKeysBetween(cloudtrail, start, keysTo);
    keys.catch(() => undefined);
    let bucket = opts.s3Bucket;
    let prefix = opts.s3Prefix;
    if (!bucket) {
      const { trailList = [] } = await callCloudTrail<{ trailList?: WireTrail[] }>(cloudtrail, 'DescribeTrails', {});
      const found = trailList.find((t) => t.TrailARN === opts.trailArn);
      if (!found) throw new SetupError(`A trail could not be found for ${opts.trailArn}`);
      if (found.IsOrganizationTrail) throw new SetupError('Organization trails are not supported here: pass --s3-bucket and --account-id');
      bucket = found.S3BucketName!;
      prefix = found.S3KeyPrefix;
    }
    const publicKeys = await keys;
    if (!publicKeys.size) throw new SetupError(`No public keys found between ${isoSeconds(start)} and ${isoSeconds(keysTo)}`);

    const opened = new Map<string, Promise<ReadableBucket>>();
    const validator = new Validator({
      trailArn: opts.trailArn,
      start,
      end,
      bucket,
      prefix: prefix || undefined,
      accountId: opts.accountId ?? trail.accountId,
      sourceRegion: config.region,
      publicKeys,
      concurrency: CONCURRENCY,
      open: (name) => {
        if (!opened.has(name)) opened.set(name, openBucket(dataDir, name, s3));
        return opened.get(name)!;
      },
    });
    const report = new Report(opts.trailArn, start, end, !!opts.verbose, out, err);
    const bar = err.isTTY ? new ProgressBar(err, validator.progress) : undefined;
    try {
      for await (const finding of validator.run()) {
        bar?.clear();
        report.finding(finding);
      }
    } finally {
      bar?.stop();
    }
    report.summary(validator.summary);
    const s = validator.summary;
    return s.invalidDigests || s.invalidLogs ? 1 : 0;
  } finally {
    cloudtrail.close();
    s3?.close();
  }
}

/** The fields of a trail read here, as DescribeTrails sends them. */
type WireTrail = Pick<Trail, 'TrailARN' | 'S3BucketName' | 'S3KeyPrefix' | 'IsOrganizationTrail'>;

/** The region's public keys valid in the range, by fingerprint (DER of PKCS#1 RSAPublicKey). */
async function publicKeysBetween(cloudtrail: AwsHttp, start: Date, end: Date): Promise<Map<string, Buffer>> {
  const keys = new Map<string, Buffer>();
  let token: string | undefined;
  do {
    // On the wire, times are epoch seconds and key values base64.
    const page = await callCloudTrail<{ PublicKeyList?: { Fingerprint: string; Value: string }[]; NextToken?: string }>(cloudtrail, 'ListPublicKeys', {
      StartTime: start.getTime() / 1000,
      EndTime: end.getTime() / 1000,
      ...(token ? { NextToken: token } : {}),
    });
    for (const k of page.PublicKeyList ?? []) keys.set(k.Fingerprint, Buffer.from(k.Value, 'base64'));
    token = page.NextToken;
  } while (token);
  return keys;
}

/** One CloudTrail call (awsJson1_1), its failures as the aws CLI reports them (it cannot start: 255). */
async function callCloudTrail<T>(cloudtrail: AwsHttp, operation: string, input: object): Promise<T> {
  let res: Response;
  try {
    res = await cloudtrail.request('POST', '/', { headers: { 'content-type': 'application/x-amz-json-1.1', 'x-amz-target': `CloudTrail_20131101.${operation}` }, body: JSON.stringify(input) });
  } catch (err) {
    if (err instanceof NetworkError) throw new CliError(`opentrail: cannot reach ${cloudtrail.endpoint}: ${err.message}`, 255);
    throw awsCallError(err, operation, cloudtrail.endpoint);
  }
  let body: { __type?: string; message?: string; Message?: string } = {};
  try {
    body = JSON.parse(res.body.toString('utf8') || '{}');
  } catch {
    // Not JSON: an error without a body of its own (a proxy's, say) is named by its status below.
  }
  if (res.status >= 300) throw new CliError(`An error occurred (${body.__type?.split('#').pop() ?? `HTTP ${res.status}`}) when calling the ${operation} operation: ${body.message ?? body.Message ?? ''}`, 255);
  return body as T;
}

/** The folder bucket of that name in the data dir when there is one, else the bucket on the S3 server (the flag, then the aws CLI's variable, then opentrail's own setting). */
async function openBucket(dataDir: string, name: string, s3: S3Reader | undefined): Promise<ReadableBucket> {
  const folder = new FolderBucket(dataDir, name);
  return s3 && !(await folder.exists()) ? s3.bucket(name) : folder;
}

/** The aws CLI's text: valid lines (with --verbose) on stdout, INVALID lines and gaps on stderr. */
class Report {
  private lastDoubleSpaced = true;

  constructor(
    private readonly arn: string,
    private readonly start: Date,
    private readonly end: Date,
    private readonly verbose: boolean,
    private readonly out: NodeJS.WritableStream,
    private readonly err: NodeJS.WritableStream,
  ) {
    out.write(`Validating log files for trail ${arn} between ${isoSeconds(start)} and ${isoSeconds(end)}\n\n`);
  }

  finding(f: Finding): void {
    if (f.kind === 'gap') return this.problem(`No log files were delivered by CloudTrail between ${isoSeconds(f.from)} and ${isoSeconds(f.to)}`);
    const line = `${f.kind === 'digest' ? 'Digest file' : 'Log file'}\ts3://${f.bucket}/${f.key}\t${f.status}`;
    if (f.status !== VALID) return this.problem(line);
    if (this.verbose) {
      this.lastDoubleSpaced = false;
      this.out.write(`${line}\n`);
    }
  }

  private problem(line: string): void {
    this.err.write(this.lastDoubleSpaced ? `${line}\n\n` : `\n${line}\n\n`);
    this.lastDoubleSpaced = true;
  }

  summary(s: Summary): void {
    const w = (text: string) => this.out.write(text);
    if (!this.lastDoubleSpaced) w('\n');
    w(`Results requested for ${isoSeconds(this.start)} to ${isoSeconds(this.end)}\n`);
    if (!s.validDigests && !s.invalidDigests) return void w('No digests found\n');
    if (!s.foundStart || !s.foundEnd) w('No valid digests found in range\n');
    else w(`Results found for ${isoSeconds(s.foundStart)} to ${isoSeconds(s.foundEnd)}:\n`);
    const ratio = (valid: number, invalid: number, name: string) => {
      const total = valid + invalid;
      if (!total) return;
      w(`\n${valid}/${total} ${name} files valid`);
      if (invalid) w(`, ${invalid}/${total} ${name} files INVALID`);
    };
    ratio(s.validDigests, s.invalidDigests, 'digest');
    ratio(s.validLogs, s.invalidLogs, 'log');
    w('\n');
  }
}

/** One line on stderr, redrawn in place; only on a terminal. */
class ProgressBar {
  private readonly timer: NodeJS.Timeout;
  private shown = false;

  constructor(
    private readonly err: NodeJS.WriteStream,
    private readonly p: Progress,
  ) {
    this.timer = setInterval(() => this.draw(), 100);
  }

  private draw(): void {
    const total = this.p.digests + this.p.logs;
    const done = this.p.digestsDone + this.p.logsDone;
    const width = 30;
    const filled = total ? Math.round((done / total) * width) : 0;
    const mb = (this.p.bytes / 1048576).toFixed(1);
    this.err.write(`\r[${'#'.repeat(filled)}${' '.repeat(width - filled)}] ${this.p.digestsDone}/${this.p.digests} digests, ${this.p.logsDone}/${this.p.logs} log files, ${mb} MB\x1b[K`);
    this.shown = true;
  }

  clear(): void {
    if (this.shown) this.err.write('\r\x1b[K');
    this.shown = false;
  }

  stop(): void {
    clearInterval(this.timer);
    this.clear();
  }
}
