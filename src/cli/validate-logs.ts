// `opentrail validate-logs`: the aws CLI's command of the same name (same options, same lines,
// same exit codes: 0 all valid, 1 something INVALID), on folder buckets read straight from the
// data dir and on S3-compatible buckets, with a progress bar on a terminal.
import type { Command } from 'commander';
import { BucketError, Buckets } from '../buckets/index.ts';
import type { Bucket } from '../buckets/index.ts';
import { isoSeconds } from '../integrity/digest.ts';
import { parseTrailArn, VALID, Validator } from '../integrity/validate.ts';
import type { Finding, Progress, Summary } from '../integrity/validate.ts';
import { addClientOptions, clientConfig } from './aws-client.ts';
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
  const { CloudTrailClient, DescribeTrailsCommand, ListPublicKeysCommand } = await import('@aws-sdk/client-cloudtrail');
  const config = clientConfig(opts);
  const cloudtrail = new CloudTrailClient(config);
  const buckets = new Buckets(opts.dataDir ?? process.env.OPENTRAIL_DATA_DIR ?? './.opentrail', s3Settings(opts, config.region));
  try {
    let bucket = opts.s3Bucket;
    let prefix = opts.s3Prefix;
    if (!bucket) {
      const { trailList = [] } = await cloudtrail.send(new DescribeTrailsCommand({}));
      const found = trailList.find((t) => t.TrailARN === opts.trailArn);
      if (!found) throw new SetupError(`A trail could not be found for ${opts.trailArn}`);
      if (found.IsOrganizationTrail) throw new SetupError('Organization trails are not supported here: pass --s3-bucket and --account-id');
      bucket = found.S3BucketName!;
      prefix = found.S3KeyPrefix;
    }
    const publicKeys = new Map<string, Buffer>();
    const keysTo = new Date(end.getTime() + 2 * HOUR);
    let token: string | undefined;
    do {
      const page = await cloudtrail.send(new ListPublicKeysCommand({ StartTime: start, EndTime: keysTo, NextToken: token }));
      for (const k of page.PublicKeyList ?? []) publicKeys.set(k.Fingerprint!, Buffer.from(k.Value!));
      token = page.NextToken;
    } while (token);
    if (!publicKeys.size) throw new SetupError(`No public keys found between ${isoSeconds(start)} and ${isoSeconds(keysTo)}`);

    const opened = new Map<string, Promise<Bucket>>();
    const validator = new Validator({
      trailArn: opts.trailArn,
      start,
      end,
      bucket,
      prefix: prefix || undefined,
      accountId: opts.accountId ?? trail.accountId,
      sourceRegion: config.region,
      publicKeys,
      open: (name) => {
        if (!opened.has(name)) opened.set(name, buckets.open(name));
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
    cloudtrail.destroy();
    buckets.close();
  }
}

/** The bucket's S3 server: the flag, then the aws CLI's variable, then opentrail's own setting. */
function s3Settings(opts: ValidateOptions, region: string) {
  const endpoint = opts.s3EndpointUrl ?? process.env.AWS_ENDPOINT_URL_S3 ?? process.env.OPENTRAIL_S3_ENDPOINT;
  return endpoint ? { endpoint, region, forcePathStyle: true } : undefined;
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
