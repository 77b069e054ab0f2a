// Log files as CloudTrail writes them: the object key and the gzip of {"Records":[...]}.
import { createHmac } from 'node:crypto';
import { gzipSync } from 'node:zlib';

const ALNUM = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';

/**
 * The 16-character unique string of a file name: a keyed hash of what the file is (trail, region,
 * first journal sequence number of its batch), so a batch redone after a crash gets the same key.
 */
export function uniqueString(key: Buffer, trailArn: string, region: string, firstSeq: number): string {
  const mac = createHmac('sha256', key).update(`${trailArn}\n${region}\n${firstSeq}`).digest();
  let out = '';
  for (let i = 0; i < 16; i++) out += ALNUM[mac[i] % ALNUM.length];
  return out;
}

const pad = (n: number) => String(n).padStart(2, '0');

/** `[prefix/]AWSLogs/<acct>/CloudTrail/<region>/YYYY/MM/DD/<acct>_CloudTrail_<region>_YYYYMMDDTHHmmZ_<unique>.json.gz` */
export function logFileKey(prefix: string | undefined, accountId: string, region: string, at: Date, unique: string): string {
  const [y, m, d] = [at.getUTCFullYear(), pad(at.getUTCMonth() + 1), pad(at.getUTCDate())];
  const stamp = `${y}${m}${d}T${pad(at.getUTCHours())}${pad(at.getUTCMinutes())}Z`;
  const dir = `${prefix ? `${prefix}/` : ''}AWSLogs/${accountId}/CloudTrail/${region}/${y}/${m}/${d}`;
  return `${dir}/${accountId}_CloudTrail_${region}_${stamp}_${unique}.json.gz`;
}

/** One gzip member (validators reject data after the first), records exactly as journaled. */
export function logFileBody(records: string[]): { json: Buffer; gzip: Buffer } {
  const json = Buffer.from(`{"Records":[${records.join(',')}]}`, 'utf8');
  return { json, gzip: gzipSync(json) };
}
