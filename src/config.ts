// The one entry point for configuration: command-line flags win over environment variables,
// which win over the defaults of the embedded setup.
import { mkdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import type { S3Settings } from './buckets/s3.ts';
import { EndpointNetworks } from './services/sns/endpoint-networks.ts';

export interface Config {
  host: string;
  port: number;
  /** SQLite database, key file and folder buckets live here. */
  dataDir: string;
  /** The first AWS account, whose root credentials are bootstrapped. */
  accountId: string;
  rootAccessKeyId?: string;
  rootSecretAccessKey?: string;
  /** The root user's console password; generated at first start when unset. */
  rootPassword?: string;
  /** Days of Event history kept. */
  retentionDays: number;
  tlsCert?: string;
  tlsKey?: string;
  /** PostgreSQL connection string; when set, state and journal live there instead of SQLite. */
  databaseUrl?: string;
  /** The key that seals secrets at rest; processes sharing a database must share it. */
  keyFile: string;
  /** A trail writes a log file at least this often while it has events to deliver. */
  deliveryIntervalSeconds: number;
  /** The S3-compatible server for buckets that are not folders in the data dir. */
  s3?: S3Settings;
  /** A trail with log file validation writes a digest file this often, per region. */
  digestIntervalSeconds: number;
  /** Days a region's digest signing key is used before a new one replaces it. */
  keyValidityDays: number;
  /** Where SNS may deliver: public addresses, as SNS does, and the networks listed. */
  snsEndpointNetworks: EndpointNetworks;
}

export class ConfigError extends Error {}

/** The contents of a file a setting names; a missing or unreadable file is a configuration error. */
export function readSettingFile(setting: string, path: string): Buffer {
  try {
    return readFileSync(path);
  } catch (err) {
    throw new ConfigError(`${setting}: cannot read '${path}' (${(err as NodeJS.ErrnoException).code ?? String(err)})`);
  }
}

/** Creates the data dir when missing; one that cannot be made is a setting that cannot be used. */
export function makeDataDir(dir: string): void {
  try {
    makeDirs(resolve(dir));
  } catch (err) {
    throw new ConfigError(`cannot use the data dir '${dir}' (${(err as NodeJS.ErrnoException).code ?? String(err)})`);
  }
}

/**
 * `mkdir -p`, a level at a time. Node's recursive mkdir never returns under /proc, where mkdir
 * answers ENOENT although the parent exists: it creates the parent again, and again.
 */
function makeDirs(dir: string): void {
  try {
    mkdirSync(dir);
    return;
  } catch (err) {
    if (existingDir(dir, err)) return;
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT' || dirname(dir) === dir) throw err;
  }
  makeDirs(dirname(dir));
  try {
    mkdirSync(dir);
  } catch (err) {
    // Made meanwhile by another process: fine.
    if (!existingDir(dir, err)) throw err;
  }
}

const existingDir = (dir: string, err: unknown) => (err as NodeJS.ErrnoException).code === 'EEXIST' && statSync(dir).isDirectory();

export interface ConfigFlags {
  host?: string;
  port?: string | number;
  dataDir?: string;
}

export const CONFIG_HELP: [string, string, string][] = [
  ['--host / OPENTRAIL_HOST', '127.0.0.1', 'address to listen on'],
  ['--port / OPENTRAIL_PORT', '4747', 'port of every API and the console'],
  ['--data-dir / OPENTRAIL_DATA_DIR', './.opentrail', 'database, key file and folder buckets'],
  ['OPENTRAIL_ACCOUNT_ID', '123456789012', 'the first AWS account'],
  ['OPENTRAIL_ROOT_ACCESS_KEY_ID, OPENTRAIL_ROOT_SECRET_ACCESS_KEY', 'generated at first start', 'root credentials of that account'],
  ['OPENTRAIL_ROOT_PASSWORD', 'generated at first start', "root's password for the web console"],
  ['OPENTRAIL_RETENTION_DAYS', '90', 'days of Event history kept'],
  ['OPENTRAIL_TLS_CERT, OPENTRAIL_TLS_KEY', 'unset (plain HTTP)', 'PEM files to serve HTTPS'],
  ['OPENTRAIL_DATABASE_URL', 'unset (SQLite in the data dir)', 'PostgreSQL shared by several processes'],
  ['OPENTRAIL_KEY_FILE', '<data dir>/secret.key', 'key sealing secrets at rest (the same file for every process)'],
  ['OPENTRAIL_DELIVERY_INTERVAL_SECONDS', '5', 'trails write a log file at least this often while events wait'],
  ['OPENTRAIL_DIGEST_INTERVAL_SECONDS', '3600', 'trails with log file validation write a digest file this often'],
  ['OPENTRAIL_KEY_VALIDITY_DAYS', '30', 'days a region signing key is used before it is rotated'],
  ['OPENTRAIL_S3_ENDPOINT', 'unset (folder buckets only)', 'S3-compatible server for buckets that are not folders in the data dir'],
  ['OPENTRAIL_S3_REGION', 'us-east-1', 'region to sign S3 requests for'],
  ['OPENTRAIL_S3_ACCESS_KEY_ID, OPENTRAIL_S3_SECRET_ACCESS_KEY', "the SDK's default chain", 'credentials for that server'],
  ['OPENTRAIL_S3_FORCE_PATH_STYLE', 'false', 'path-style bucket URLs (MinIO, s3rver)'],
  ['OPENTRAIL_SNS_ENDPOINT_NETWORKS', 'public', "where SNS may deliver: 'public', addresses and CIDR blocks, comma-separated"],
];

function integer(name: string, value: string | number | undefined, fallback: number, min: number, max: number): number {
  if (value === undefined || value === '') return fallback;
  const n = Number(value);
  if (!Number.isInteger(n) || n < min || n > max) throw new ConfigError(`${name} must be a whole number from ${min} to ${max}, got '${value}'`);
  return n;
}

export function loadConfig(flags: ConfigFlags = {}, env: NodeJS.ProcessEnv = process.env): Config {
  const accountId = env.OPENTRAIL_ACCOUNT_ID || '123456789012';
  if (!/^\d{12}$/.test(accountId)) throw new ConfigError(`OPENTRAIL_ACCOUNT_ID must be 12 digits, got '${accountId}'`);
  const rootAccessKeyId = env.OPENTRAIL_ROOT_ACCESS_KEY_ID || undefined;
  const rootSecretAccessKey = env.OPENTRAIL_ROOT_SECRET_ACCESS_KEY || undefined;
  if (!rootAccessKeyId !== !rootSecretAccessKey) {
    throw new ConfigError('OPENTRAIL_ROOT_ACCESS_KEY_ID and OPENTRAIL_ROOT_SECRET_ACCESS_KEY go together');
  }
  if (rootAccessKeyId && !/^[A-Z0-9]{16,128}$/.test(rootAccessKeyId)) {
    throw new ConfigError('OPENTRAIL_ROOT_ACCESS_KEY_ID must be 16 to 128 upper-case letters and digits');
  }
  const tlsCert = env.OPENTRAIL_TLS_CERT || undefined;
  const tlsKey = env.OPENTRAIL_TLS_KEY || undefined;
  if (!tlsCert !== !tlsKey) throw new ConfigError('OPENTRAIL_TLS_CERT and OPENTRAIL_TLS_KEY go together');
  const dataDir = resolve(flags.dataDir ?? env.OPENTRAIL_DATA_DIR ?? './.opentrail');
  return {
    host: flags.host ?? env.OPENTRAIL_HOST ?? '127.0.0.1',
    port: integer('port', flags.port ?? env.OPENTRAIL_PORT, 4747, 0, 65535),
    dataDir,
    accountId,
    rootAccessKeyId,
    rootSecretAccessKey,
    rootPassword: env.OPENTRAIL_ROOT_PASSWORD || undefined,
    retentionDays: integer('OPENTRAIL_RETENTION_DAYS', env.OPENTRAIL_RETENTION_DAYS, 90, 1, 36500),
    tlsCert,
    tlsKey,
    databaseUrl: env.OPENTRAIL_DATABASE_URL || undefined,
    keyFile: resolve(env.OPENTRAIL_KEY_FILE || join(dataDir, 'secret.key')),
    deliveryIntervalSeconds: integer('OPENTRAIL_DELIVERY_INTERVAL_SECONDS', env.OPENTRAIL_DELIVERY_INTERVAL_SECONDS, 5, 1, 3600),
    s3: s3Settings(env),
    digestIntervalSeconds: integer('OPENTRAIL_DIGEST_INTERVAL_SECONDS', env.OPENTRAIL_DIGEST_INTERVAL_SECONDS, 3600, 1, 86400),
    keyValidityDays: integer('OPENTRAIL_KEY_VALIDITY_DAYS', env.OPENTRAIL_KEY_VALIDITY_DAYS, 30, 1, 3650),
    snsEndpointNetworks: snsEndpointNetworks(env.OPENTRAIL_SNS_ENDPOINT_NETWORKS || 'public'),
  };
}

function snsEndpointNetworks(setting: string): EndpointNetworks {
  const networks = EndpointNetworks.parse(setting);
  if (!networks) throw new ConfigError(`OPENTRAIL_SNS_ENDPOINT_NETWORKS must list 'public', addresses and CIDR blocks (10.0.0.0/8, fd00::/8), comma-separated, got '${setting}'`);
  return networks;
}

function s3Settings(env: NodeJS.ProcessEnv): S3Settings | undefined {
  const endpoint = env.OPENTRAIL_S3_ENDPOINT || undefined;
  if (!endpoint) return undefined;
  if (!/^https?:\/\/[^/]+/.test(endpoint)) throw new ConfigError(`OPENTRAIL_S3_ENDPOINT must be an http(s) URL, got '${endpoint}'`);
  const accessKeyId = env.OPENTRAIL_S3_ACCESS_KEY_ID || undefined;
  const secretAccessKey = env.OPENTRAIL_S3_SECRET_ACCESS_KEY || undefined;
  if (!accessKeyId !== !secretAccessKey) throw new ConfigError('OPENTRAIL_S3_ACCESS_KEY_ID and OPENTRAIL_S3_SECRET_ACCESS_KEY go together');
  const pathStyle = (env.OPENTRAIL_S3_FORCE_PATH_STYLE ?? '').toLowerCase();
  if (!['', 'true', 'false', '1', '0'].includes(pathStyle)) throw new ConfigError(`OPENTRAIL_S3_FORCE_PATH_STYLE must be true or false, got '${pathStyle}'`);
  return {
    endpoint,
    region: env.OPENTRAIL_S3_REGION || 'us-east-1',
    accessKeyId,
    secretAccessKey,
    forcePathStyle: pathStyle === 'true' || pathStyle === '1',
  };
}
