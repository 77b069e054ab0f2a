// The validator hashes log files as they inflate, in pieces of up to 1 MiB sized by the gzip
// trailer: large files (several pieces) and files whose trailer lies get the verdicts a hash of
// the whole content would give. A signed digest in a folder bucket lists each file with the hash
// of its original content; some files are then changed.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash, generateKeyPairSync, sign } from 'node:crypto';
import { gzipSync } from 'node:zlib';
import { FolderBucket } from '../src/buckets/folder.ts';
import { digestKey, digestMetadata, sha256Hex, signDigest } from '../src/integrity/digest.ts';
import { Validator } from '../src/integrity/validate.ts';
import type { Finding } from '../src/integrity/validate.ts';
import { logFileBody, logFileKey } from '../src/trails/log-files.ts';
import { ACCOUNT_ID, tempDir } from './helpers/server.ts';

const BUCKET = 'hashing';
const REGION = 'us-east-1';

test('large and lying log files get the same verdicts as a hash of their whole content', async () => {
  const dataDir = tempDir();
  const bucket = new FolderBucket(dataDir, BUCKET);
  await bucket.create();
  const keys = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const der = keys.publicKey.export({ type: 'pkcs1', format: 'der' });
  const fingerprint = createHash('md5').update(der).digest('hex');
  const end = new Date(Math.floor(Date.now() / 1000) * 1000);
  const start = new Date(end.getTime() - 3600_000);

  // ~3 MiB of records: several inflate pieces.
  const record = (i: number) => JSON.stringify({ eventVersion: '1.11', eventID: `e-${i}`, requestParameters: { padding: 'x'.repeat(1000 + (i % 7)) } });
  const large = logFileBody(Array.from({ length: 3000 }, (_, i) => record(i)));
  const small = logFileBody([record(0)]);
  const trailer = (gz: Buffer, change: (t: Buffer) => void) => {
    const copy = Buffer.from(gz);
    change(copy.subarray(copy.length - 8));
    return copy;
  };
  const files: [string, { json: Buffer }, Buffer, string][] = [
    ['large', large, large.gzip, 'valid'],
    ['small', small, small.gzip, 'valid'],
    ['large, length in the trailer says 1 byte', large, trailer(large.gzip, (t) => t.writeUInt32LE(1, 4)), 'INVALID: invalid format'],
    ['small, length in the trailer says 1 GiB', small, trailer(small.gzip, (t) => t.writeUInt32LE(2 ** 30, 4)), 'INVALID: invalid format'],
    ['large, CRC changed', large, trailer(large.gzip, (t) => (t[0] ^= 1)), 'INVALID: invalid format'],
    ['large, truncated', large, large.gzip.subarray(0, large.gzip.length - 100), 'INVALID: invalid format'],
    ['large, a second member appended', large, Buffer.concat([large.gzip, gzipSync('{"Records":[]}')]), 'INVALID: unexpected data after end of compressed stream'],
    ['large, one record changed', large, gzipSync(Buffer.from(large.json.toString().replace('"e-2999"', '"e-2998"'))), "INVALID: hash value doesn't match"],
  ];
  const logFiles = [];
  for (const [name, content, stored] of files) {
    const key = logFileKey(undefined, ACCOUNT_ID, REGION, start, name.replace(/\W+/g, '').slice(0, 16).padEnd(16, 'x'));
    await bucket.put(key, stored);
    logFiles.push({ s3Bucket: BUCKET, s3Object: key, hashValue: sha256Hex(content.json), hashAlgorithm: 'SHA-256', newestEventTime: end.toISOString(), oldestEventTime: start.toISOString() });
  }
  const key = digestKey(undefined, ACCOUNT_ID, REGION, 'trail', REGION, end);
  const digest = signDigest({ accountId: ACCOUNT_ID, bucket: BUCKET, key, start, end, fingerprint, logFiles }, (data) => sign('sha256', data, keys.privateKey).toString('hex'));
  await bucket.put(key, digest.gzip, { metadata: digestMetadata(digest.signature) });

  const validator = new Validator({
    trailArn: `arn:aws:cloudtrail:${REGION}:${ACCOUNT_ID}:trail/trail`,
    start: new Date(start.getTime() - 60_000),
    end: new Date(end.getTime() + 60_000),
    bucket: BUCKET,
    accountId: ACCOUNT_ID,
    sourceRegion: REGION,
    publicKeys: new Map([[fingerprint, der]]),
    open: async () => bucket,
  });
  const findings: Finding[] = [];
  for await (const f of validator.run()) findings.push(f);
  assert.deepEqual(findings.shift(), { kind: 'digest', bucket: BUCKET, key, status: 'valid' });
  assert.deepEqual(
    findings.map((f) => (f.kind === 'log' ? f.status : f.kind)),
    files.map(([, , , verdict]) => verdict),
  );
  assert.deepEqual(validator.summary, { validDigests: 1, invalidDigests: 0, validLogs: 2, invalidLogs: 6, foundStart: start, foundEnd: end });
});
