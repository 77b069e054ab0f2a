// Options every client command shares, as the aws CLI spells them.
import type { Command } from 'commander';

export interface ClientOptions {
  endpointUrl: string;
  region?: string;
  profile?: string;
}

export function addClientOptions(cmd: Command): Command {
  return cmd
    .option('--endpoint-url <url>', 'opentrail endpoint', process.env.OPENTRAIL_ENDPOINT_URL ?? 'http://127.0.0.1:4747')
    .option('--region <region>', 'region to sign for (default: AWS_REGION, else us-east-1)')
    .option('--profile <profile>', 'named profile of the shared AWS credentials file');
}

export function clientConfig(opts: ClientOptions) {
  if (opts.profile) process.env.AWS_PROFILE = opts.profile;
  return {
    endpoint: opts.endpointUrl,
    region: opts.region ?? process.env.AWS_REGION ?? process.env.AWS_DEFAULT_REGION ?? 'us-east-1',
  };
}

/** Text from events is hostile: no terminal control sequence reaches the screen. */
export function terminalSafe(s: string): string {
  // eslint-disable-next-line no-control-regex
  return s.replace(/[\u0000-\u001f\u007f-\u009f\u200e\u200f\u202a-\u202e\u2066-\u2069]/g, '?');
}
