// Options every client command shares, as the aws CLI spells them.
import { readFileSync } from 'node:fs';
import { loadConfig, NODE_REGION_CONFIG_FILE_OPTIONS, NODE_REGION_CONFIG_OPTIONS } from '@smithy/core/config';
import type { Command } from 'commander';
import type { Credentials, TlsTrust } from '../integrity/aws-http.ts';

export interface ClientOptions {
  endpointUrl: string;
  region?: string;
  profile?: string;
  caBundle?: string;
  /** false with --no-verify-ssl. */
  verifySsl: boolean;
}

export function addClientOptions(cmd: Command): Command {
  return cmd
    .option('--endpoint-url <url>', 'opentrail endpoint', process.env.OPENTRAIL_ENDPOINT_URL ?? 'http://127.0.0.1:4747')
    .option('--region <region>', "region to sign for (default: AWS_DEFAULT_REGION, AWS_REGION, the profile's region, else us-east-1)")
    .option('--profile <profile>', 'named profile of the shared AWS credentials file')
    .option('--ca-bundle <file>', "PEM certificates to trust for an https endpoint (default: AWS_CA_BUNDLE, else the system's)")
    .option('--no-verify-ssl', "do not verify an https endpoint's certificate");
}

export interface ClientConfig {
  endpoint: string;
  region: string;
  credentials: Credentials;
  /** How an https endpoint's certificate is checked. */
  tls: TlsTrust;
}

export async function clientConfig(opts: ClientOptions): Promise<ClientConfig> {
  checkEndpoint(opts.endpointUrl);
  return {
    endpoint: opts.endpointUrl,
    region: opts.region ?? process.env.AWS_DEFAULT_REGION ?? (await configuredRegion(opts.profile)),
    credentials: await credentialsFor(opts.profile),
    tls: tlsTrust(opts),
  };
}

/** The certificates --ca-bundle or AWS_CA_BUNDLE name, as the aws CLI reads them; none given: the system's. */
function tlsTrust(opts: ClientOptions): TlsTrust {
  const bundle = opts.caBundle ?? (process.env.AWS_CA_BUNDLE || undefined);
  let ca: Buffer | undefined;
  if (bundle !== undefined) {
    try {
      ca = readFileSync(bundle);
    } catch {
      throw new CliError(`Could not find a suitable TLS CA certificate bundle, invalid path: ${bundle}`, 255);
    }
  }
  return { ca, rejectUnauthorized: opts.verifySsl };
}

/**
 * The region AWS_REGION or the profile's `region` in the shared config file names, as the SDKs
 * and the aws CLI read it; us-east-1, where Chime's events are, when none is set (the aws CLI
 * would refuse to run).
 */
function configuredRegion(profile: string | undefined): Promise<string> {
  return loadConfig(NODE_REGION_CONFIG_OPTIONS, { ...NODE_REGION_CONFIG_FILE_OPTIONS, profile })().catch(() => 'us-east-1');
}

/**
 * The keys the aws CLI would sign with: a --profile's own, the environment's being ignored then;
 * else the environment's, even with AWS_PROFILE set; else the SDK's chain (AWS_PROFILE or the
 * default profile, SSO, container and instance roles). The SDK's chain alone would let
 * AWS_PROFILE win over the environment's keys, with a warning.
 */
async function credentialsFor(profile: string | undefined): Promise<Credentials> {
  if (profile) return (await import('@aws-sdk/credential-provider-ini')).fromIni({ profile });
  const { AWS_ACCESS_KEY_ID: accessKeyId, AWS_SECRET_ACCESS_KEY: secretAccessKey, AWS_SESSION_TOKEN: sessionToken } = process.env;
  if (accessKeyId && secretAccessKey) return { accessKeyId, secretAccessKey, ...(sessionToken ? { sessionToken } : {}) };
  return (await import('@aws-sdk/credential-provider-node')).defaultProvider();
}

/** The aws CLI's refusals of an endpoint it cannot use, word for word, with its exit status. */
function checkEndpoint(url: string): void {
  const scheme = /^([a-z][a-z0-9+.-]*):\/\//i.exec(url)?.[1];
  if (!scheme) throw new CliError(`Bad value for --endpoint-url "${url}": scheme is missing.  Must be of the form http://<hostname>/ or https://<hostname>/`, 255);
  if (!/^https?$/i.test(scheme)) throw new CliError(`An HTTP Client raised an unhandled exception: Not supported URL scheme ${scheme}`, 255);
  if (!URL.canParse(url) || !new URL(url).hostname) throw new CliError(`Invalid endpoint: ${url}`, 255);
}

/** Text from events is hostile: no terminal control sequence reaches the screen. */
export function terminalSafe(s: string): string {
  // eslint-disable-next-line no-control-regex
  return s.replace(/[\u0000-\u001f\u007f-\u009f\u200e\u200f\u202a-\u202e\u2066-\u2069]/g, '?');
}

/**
 * JSON text with the characters a terminal could obey (C1 controls, DEL, bidi overrides) written
 * as \u escapes: the same JSON value, safe to print. JSON.stringify already escapes C0 controls.
 */
export function jsonSafe(json: string): string {
  return json.replace(/[\u007f-\u009f\u200e\u200f\u202a-\u202e\u2066-\u2069]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}

/** An error the command line reports in one line, with the exit status the aws CLI would use. */
export class CliError extends Error {
  constructor(
    message: string,
    readonly exitCode: number,
  ) {
    super(message);
  }
}

/** What went wrong in an SDK call, as the aws CLI would say it. */
export function awsCallError(err: unknown, operation: string, endpoint: string): unknown {
  const e = err as { name?: string; message?: string; $metadata?: { httpStatusCode?: number } };
  if (e.name === 'CredentialsProviderError') {
    return new CliError('opentrail: no AWS credentials: set AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY (printed at first start) or use --profile', 2);
  }
  if (e.$metadata?.httpStatusCode) return new CliError(`An error occurred (${e.name}) when calling the ${operation} operation: ${e.message}`, 254);
  if (e.$metadata) return new CliError(`opentrail: cannot reach ${endpoint}: ${e.message}`, 255);
  return err;
}
