// Digest files and signing keys as CloudTrail makes them: every field, the chain links, the
// signature metadata (a sidecar in folder buckets), ListPublicKeys, key rotation; and
// `opentrail validate-logs` reading a folder bucket straight from the data dir.
import { test } from 'node:test';
import type { TestContext } from 'node:test';
import assert from 'node:assert/strict';
import { createHash, createPublicKey, verify } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { gunzipSync, gzipSync } from 'node:zlib';
import { CreateAccountCommand } from '@aws-sdk/client-chime';
import { CreateTrailCommand, ListPublicKeysCommand, StartLoggingCommand, StopLoggingCommand } from '@aws-sdk/client-cloudtrail';
import { FolderBucket } from '../src/buckets/folder.ts';
import { stringToSign } from '../src/integrity/digest.ts';
import { SigningKeys } from '../src/integrity/keys.ts';
import { folderLogFiles } from './helpers/delivery.ts';
import { digestsSettled, opentrailValidate } from './helpers/integrity.ts';
import { ACCOUNT_ID, startServer } from './helpers/server.ts';

const DAY = 86400_000;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const iso = (d: Date) => d.toISOString().replace(/\.\d{3}Z$/, 'Z');
const sha256 = (b: Buffer) => createHash('sha256').update(b).digest('hex');

/** A server delivering and digesting every second, with an empty folder bucket; `start` is a minute before. */
async function validatingServer(t: TestContext, bucketName: string) {
  const s = await startServer({ env: { OPENTRAIL_DELIVERY_INTERVAL_SECONDS: '1', OPENTRAIL_DIGEST_INTERVAL_SECONDS: '1' } });
  t.after(() => s.close());
  const bucket = new FolderBucket(s.dataDir, bucketName);
  await bucket.create();
  return { s, bucket, ct: s.cloudtrail(), start: new Date(Date.now() - 60_000) };
}

test('digests in a folder bucket: every field, chained, signed, with a sidecar; opentrail validate-logs reads them from the data dir', async (t) => {
  const { s, bucket, ct, start } = await validatingServer(t, 'local-trail');
  await ct.send(new CreateTrailCommand({ Name: 'local', S3BucketName: 'local-trail', S3KeyPrefix: 'audit', EnableLogFileValidation: true }));
  await ct.send(new StartLoggingCommand({ Name: 'local' }));
  for (let i = 0; i < 4; i++) {
    await s.chime().send(new CreateAccountCommand({ Name: `local-${i}` }));
    await sleep(600);
  }
  await ct.send(new StopLoggingCommand({ Name: 'local' }));
  await digestsSettled(s.server.context.store);

  const keys = (await bucket.list('audit/AWSLogs/')).map((o) => o.key);
  const digestKeys = keys.filter((k) => k.includes('/CloudTrail-Digest/')).sort();
  assert.ok(digestKeys.length >= 3, `digests: ${digestKeys.length}`);
  const { PublicKeyList = [] } = await ct.send(new ListPublicKeysCommand({ StartTime: start }));
  assert.equal(PublicKeyList.length, 1);
  const der = Buffer.from(PublicKeyList[0].Value!);
  assert.ok(der.toString('base64').startsWith('MIIBCgKCAQEA'), 'PKCS#1 RSAPublicKey, 2048 bits');
  assert.equal(PublicKeyList[0].Fingerprint, createHash('md5').update(der).digest('hex'));
  const publicKey = createPublicKey({ key: der, format: 'der', type: 'pkcs1' });

  const logHashes = new Map(folderLogFiles(bucket.location).filter((f) => f.key.includes('/CloudTrail/')).map((f) => [f.key, sha256(gunzipSync(readFileSync(join(bucket.location, f.key))))]));
  let previous: { key: string; raw: Buffer; signature: string; end: string } | undefined;
  for (const key of digestKeys) {
    const stored = (await bucket.get(key))!;
    const raw = gunzipSync(stored.body);
    const d = JSON.parse(raw.toString('utf8'));
    assert.match(key, new RegExp(`^audit/AWSLogs/${ACCOUNT_ID}/CloudTrail-Digest/us-east-1/\\d{4}/\\d{2}/\\d{2}/${ACCOUNT_ID}_CloudTrail-Digest_us-east-1_local_us-east-1_\\d{8}T\\d{6}Z\\.json\\.gz$`));
    assert.deepEqual(Object.keys(d), [
      'awsAccountId', 'digestStartTime', 'digestEndTime', 'digestS3Bucket', 'digestS3Object', 'digestPublicKeyFingerprint', 'digestSignatureAlgorithm',
      'newestEventTime', 'oldestEventTime', 'previousDigestS3Bucket', 'previousDigestS3Object', 'previousDigestHashValue', 'previousDigestHashAlgorithm',
      'previousDigestSignature', 'logFiles',
    ]);
    assert.equal(d.awsAccountId, ACCOUNT_ID);
    assert.equal(d.digestS3Bucket, 'local-trail');
    assert.equal(d.digestS3Object, key);
    assert.equal(key.slice(-24, -8), d.digestEndTime.replace(/[-:]/g, ''));
    assert.equal(d.digestPublicKeyFingerprint, PublicKeyList[0].Fingerprint);
    assert.equal(d.digestSignatureAlgorithm, 'SHA256withRSA');
    // The signature and its algorithm: S3 user metadata, here the folder bucket's sidecar file.
    const sidecar = JSON.parse(readFileSync(join(s.dataDir, 'buckets', '.meta', 'local-trail', `${key}.json`), 'utf8'));
    assert.deepEqual(sidecar.metadata, stored.metadata);
    assert.equal(stored.metadata['signature-algorithm'], 'SHA256withRSA');
    assert.match(stored.metadata.signature, /^[0-9a-f]{512}$/);
    assert.ok(verify('sha256', stringToSign(d, raw), publicKey, Buffer.from(stored.metadata.signature, 'hex')));
    if (previous) {
      assert.equal(d.digestStartTime, previous.end);
      assert.equal(d.previousDigestS3Bucket, 'local-trail');
      assert.equal(d.previousDigestS3Object, previous.key);
      assert.equal(d.previousDigestHashValue, sha256(previous.raw));
      assert.equal(d.previousDigestHashAlgorithm, 'SHA-256');
      assert.equal(d.previousDigestSignature, previous.signature);
    } else {
      for (const f of ['previousDigestS3Bucket', 'previousDigestS3Object', 'previousDigestHashValue', 'previousDigestHashAlgorithm', 'previousDigestSignature']) {
        assert.equal(d[f], null, `the starting digest has ${f} null`);
      }
    }
    if (d.logFiles.length === 0) {
      assert.equal(d.newestEventTime, null);
      assert.equal(d.oldestEventTime, null);
    }
    for (const f of d.logFiles) {
      assert.equal(f.s3Bucket, 'local-trail');
      assert.equal(f.hashAlgorithm, 'SHA-256');
      assert.equal(f.hashValue, logHashes.get(f.s3Object), 'hash of the uncompressed log file');
      assert.ok(f.oldestEventTime <= f.newestEventTime && d.oldestEventTime <= f.oldestEventTime && f.newestEventTime <= d.newestEventTime);
      logHashes.delete(f.s3Object);
    }
    previous = { key, raw, signature: stored.metadata.signature, end: d.digestEndTime };
  }
  assert.deepEqual([...logHashes.keys()], [], 'every delivered log file is in exactly one digest');

  const arn = `arn:aws:cloudtrail:us-east-1:${ACCOUNT_ID}:trail/local`;
  const args = ['--trail-arn', arn, '--start-time', iso(start), '--data-dir', s.dataDir];
  const valid = await opentrailValidate(s.url, args);
  assert.equal(valid.code, 0, valid.stderr);
  assert.match(valid.stdout, new RegExp(`\n${digestKeys.length}/${digestKeys.length} digest files valid\n`));
  assert.equal(valid.stderr, '');

  const listed = await Promise.all(digestKeys.map(async (k) => JSON.parse(gunzipSync((await bucket.get(k))!.body).toString('utf8'))));
  const logKey = listed.flatMap((d) => d.logFiles)[0].s3Object as string;
  const file = join(bucket.location, logKey);
  writeFileSync(file, gzipSync(Buffer.from(gunzipSync(readFileSync(file)).toString('utf8').replace('{"Records":[', '{"Records": ['))));
  const changed = await opentrailValidate(s.url, args);
  assert.equal(changed.code, 1);
  assert.deepEqual(changed.problems, [`Log file\ts3://local-trail/${logKey}\tINVALID: hash value doesn't match`]);
});

test('ListPublicKeys: PKCS#1 keys with MD5 fingerprints for any range, rotated keys kept, private keys sealed', async (t) => {
  const s = await startServer();
  t.after(() => s.close());
  const { store, box } = s.server.context;
  const region = 'eu-west-2';
  const now = Date.now();
  const keys = new SigningKeys(store, box, 30);
  await keys.ensure(region, now - 40 * DAY);
  await keys.ensure(region, now - 40 * DAY + DAY); // still valid: no new key
  await keys.ensure(region, now);
  const ct = s.cloudtrail({ region });

  const everything = await ct.send(new ListPublicKeysCommand({ StartTime: new Date(now - 50 * DAY), EndTime: new Date(now + DAY) }));
  assert.equal(everything.PublicKeyList!.length, 2, 'the retired key stays listed');
  const [old, current] = everything.PublicKeyList!;
  assert.equal(old.ValidityStartTime!.getTime(), Math.floor((now - 40 * DAY) / 1000) * 1000);
  assert.equal(old.ValidityEndTime!.getTime() - old.ValidityStartTime!.getTime(), 30 * DAY);
  for (const k of [old, current]) {
    const der = Buffer.from(k.Value!);
    assert.equal(k.Fingerprint, createHash('md5').update(der).digest('hex'));
    assert.doesNotThrow(() => createPublicKey({ key: der, format: 'der', type: 'pkcs1' }));
  }
  assert.notEqual(old.Fingerprint, current.Fingerprint);

  // No range: the key that signs today. A range in the past: the key of then.
  const today = await ct.send(new ListPublicKeysCommand({}));
  assert.deepEqual(today.PublicKeyList!.map((k) => k.Fingerprint), [current.Fingerprint]);
  const then = await ct.send(new ListPublicKeysCommand({ StartTime: new Date(now - 35 * DAY), EndTime: new Date(now - 34 * DAY) }));
  assert.deepEqual(then.PublicKeyList!.map((k) => k.Fingerprint), [old.Fingerprint]);
  // Keys are per region.
  const other = await s.cloudtrail({ region: 'ap-south-1' }).send(new ListPublicKeysCommand({ StartTime: new Date(now - 50 * DAY) }));
  assert.deepEqual(other.PublicKeyList, []);

  await assert.rejects(ct.send(new ListPublicKeysCommand({ StartTime: new Date(now), EndTime: new Date(now - DAY) })), {
    name: 'InvalidTimeRangeException',
    message: 'Start time must be earlier than or equal to end time.',
  });
  await assert.rejects(ct.send(new ListPublicKeysCommand({ NextToken: 'forged' })), { name: 'InvalidTokenException', message: 'Invalid token.' });

  // The private keys are sealed: nothing in the database reads as a PEM key.
  const stored = await store.read((tx) => tx.docs.list<Record<string, unknown>>('signing-keys', region, { limit: 10 }));
  assert.equal(stored.items.length, 2);
  for (const doc of stored.items) assert.ok(!JSON.stringify(doc).includes('PRIVATE KEY'));
});

test('a trail whose key prefix ends with a slash (logs//AWSLogs/..., as AWS writes it) delivers, digests and validates in a folder bucket', async (t) => {
  const { s, bucket, ct, start } = await validatingServer(t, 'slash-trail');
  // Refused before (InvalidS3PrefixException); before that, written under keys other than the
  // ones digested, so that validation found nothing it could check.
  await ct.send(new CreateTrailCommand({ Name: 'slash', S3BucketName: 'slash-trail', S3KeyPrefix: 'logs/', EnableLogFileValidation: true }));
  await ct.send(new StartLoggingCommand({ Name: 'slash' }));
  await s.chime().send(new CreateAccountCommand({ Name: 'slash-1' }));
  await sleep(1200);
  await ct.send(new StopLoggingCommand({ Name: 'slash' }));
  await digestsSettled(s.server.context.store);

  const keys = (await bucket.list('')).map((o) => o.key);
  assert.ok(keys.length > 0 && keys.every((k) => k.startsWith(`logs//AWSLogs/${ACCOUNT_ID}/`)), keys.join('\n'));
  const digested = (await Promise.all(keys.filter((k) => k.includes('/CloudTrail-Digest/')).map(async (k) => JSON.parse(gunzipSync((await bucket.get(k))!.body).toString('utf8')))))
    .flatMap((d) => d.logFiles.map((f: { s3Object: string }) => f.s3Object))
    .sort();
  assert.deepEqual(digested, keys.filter((k) => k.includes('/CloudTrail/') && k.endsWith('.json.gz')).sort());
  const valid = await opentrailValidate(s.url, ['--trail-arn', `arn:aws:cloudtrail:us-east-1:${ACCOUNT_ID}:trail/slash`, '--start-time', iso(start), '--data-dir', s.dataDir]);
  assert.equal(valid.code, 0, valid.stderr);
  assert.match(valid.stdout, /\n\d+\/\d+ digest files valid\n/);
  assert.match(valid.stdout, /\n([1-9]\d*)\/\1 log files valid\n/);
});
