// Log file integrity, judged by the unmodified aws CLI (aws-cli 1.x, reading the s3rver bucket
// through AWS_ENDPOINT_URL_S3) and by `opentrail validate-logs`, on the same files: a trail with
// log file validation, stopped and restarted, is valid end to end; each kind of tampering is
// found, and named, by both.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash, generateKeyPairSync, sign } from 'node:crypto';
import { gunzipSync, gzipSync } from 'node:zlib';
import { CreateAccountCommand } from '@aws-sdk/client-chime';
import { CreateTrailCommand, GetTrailStatusCommand, StartLoggingCommand, StopLoggingCommand } from '@aws-sdk/client-cloudtrail';
import { CopyObjectCommand, DeleteObjectCommand, GetObjectCommand, PutObjectCommand } from '@aws-sdk/client-s3';
import { stringToSign } from '../src/integrity/digest.ts';
import { startS3rver } from './helpers/s3rver.ts';
import type { S3rverHandle } from './helpers/s3rver.ts';
import { awsValidate, digestsSettled, opentrailValidate, summaryOf } from './helpers/integrity.ts';
import type { Verdict } from './helpers/integrity.ts';
import { ACCOUNT_ID, startServer, tempDir } from './helpers/server.ts';

const BUCKET = 'integrity-bucket';
const ARN = `arn:aws:cloudtrail:us-east-1:${ACCOUNT_ID}:trail/audited`;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const iso = (d: Date) => d.toISOString().replace(/\.\d{3}Z$/, 'Z');

interface Obj {
  body: Buffer;
  metadata: Record<string, string>;
}

function objects(s3: S3rverHandle) {
  return {
    async get(key: string): Promise<Obj> {
      const res = await s3.client.send(new GetObjectCommand({ Bucket: BUCKET, Key: key }));
      return { body: Buffer.from(await res.Body!.transformToByteArray()), metadata: res.Metadata ?? {} };
    },
    async put(key: string, o: Obj): Promise<void> {
      await s3.client.send(new PutObjectCommand({ Bucket: BUCKET, Key: key, Body: o.body, Metadata: o.metadata }));
    },
    async delete(key: string): Promise<void> {
      await s3.client.send(new DeleteObjectCommand({ Bucket: BUCKET, Key: key }));
    },
    async copy(from: string, to: string): Promise<void> {
      await s3.client.send(new CopyObjectCommand({ Bucket: BUCKET, Key: to, CopySource: `${BUCKET}/${from}` }));
    },
  };
}

test('the aws CLI and opentrail validate-logs agree: valid chain, then each tampering found and named', async (t) => {
  const s3 = await startS3rver(tempDir());
  t.after(() => s3.stop());
  await s3.createBucket(BUCKET);
  const s = await startServer({ env: { ...s3.env, OPENTRAIL_DELIVERY_INTERVAL_SECONDS: '1', OPENTRAIL_DIGEST_INTERVAL_SECONDS: '2' } });
  t.after(() => s.close());
  const ct = s.cloudtrail();
  const chime = s.chime();
  const start = new Date(Date.now() - 60_000);

  await ct.send(new CreateTrailCommand({ Name: 'audited', S3BucketName: BUCKET, EnableLogFileValidation: true }));
  // Two logging sessions: the restart starts a new chain, which both validators show as a gap.
  for (const [session, calls] of [
    ['first', 8],
    ['second', 4],
  ] as const) {
    await ct.send(new StartLoggingCommand({ Name: 'audited' }));
    for (let i = 0; i < calls; i++) {
      await chime.send(new CreateAccountCommand({ Name: `${session}-${i}` }));
      await sleep(700);
    }
    await ct.send(new StopLoggingCommand({ Name: 'audited' }));
    await digestsSettled(s.server.context.store);
    await sleep(1100);
  }
  const status = await ct.send(new GetTrailStatusCommand({ Name: 'audited' }));
  assert.ok(status.LatestDigestDeliveryTime instanceof Date, 'GetTrailStatus reports digest delivery');
  assert.equal(status.LatestDigestDeliveryError, undefined);

  const end = new Date();
  const args = ['--trail-arn', ARN, '--start-time', iso(start), '--end-time', iso(end), '--verbose'];
  const both = async (): Promise<[Verdict, Verdict]> => Promise.all([awsValidate(s.url, s3.endpoint, args), opentrailValidate(s.url, args, { AWS_ENDPOINT_URL_S3: s3.endpoint })]);

  const all = (await s3.keys(BUCKET)).sort();
  const digests = all.filter((k) => k.includes('/CloudTrail-Digest/'));
  const store = objects(s3);
  const parsed = new Map<string, any>();
  for (const k of digests) parsed.set(k, JSON.parse(gunzipSync((await store.get(k)).body).toString('utf8')));
  const logCount = [...parsed.values()].reduce((n, d) => n + d.logFiles.length, 0);
  assert.ok(digests.length >= 5, `several digest periods (${digests.length} digests)`);

  // Untouched: everything valid, one visible restart, same lines from both.
  const [cli, ours] = await both();
  assert.equal(cli.code, 0, cli.stderr);
  assert.equal(ours.code, 0, ours.stderr);
  assert.ok(cli.stdout.includes(`${digests.length}/${digests.length} digest files valid`), cli.stdout);
  assert.ok(cli.stdout.includes(`${logCount}/${logCount} log files valid`), cli.stdout);
  assert.deepEqual(summaryOf(ours.stdout), summaryOf(cli.stdout));
  assert.deepEqual(ours.stdout.split('\n').sort(), cli.stdout.split('\n').sort());
  assert.deepEqual(ours.problems, cli.problems);
  assert.equal(cli.problems.length, 1);
  assert.match(cli.problems[0], /^No log files were delivered by CloudTrail between \S+Z and \S+Z$/);

  // The tampering targets: a digest of the first chain with log files, its predecessor and a log file.
  const chained = digests.filter((k) => parsed.get(k).previousDigestS3Object && parsed.get(k).logFiles.length);
  const target = chained[0];
  const older = parsed.get(target).previousDigestS3Object as string;
  const newer = digests.find((k) => parsed.get(k).previousDigestS3Object === target);
  assert.ok(newer, 'the target digest is followed by another that links to it');
  const log = parsed.get(target).logFiles[0].s3Object as string;
  const url = (key: string) => `s3://${BUCKET}/${key}`;

  async function tampered(what: string, change: () => Promise<void>, restore: () => Promise<void>, expect: { cli: string; ours?: string }): Promise<void> {
    await change();
    try {
      const [c, o] = await both();
      assert.equal(c.code, 1, `${what}: the aws CLI exits 1\n${c.stdout}${c.stderr}`);
      assert.equal(o.code, 1, `${what}: opentrail exits 1\n${o.stdout}${o.stderr}`);
      assert.ok(c.problems.includes(expect.cli), `${what}: the aws CLI says ${expect.cli}\n${c.stderr}`);
      assert.ok(o.problems.includes(expect.ours ?? expect.cli), `${what}: opentrail says ${expect.ours ?? expect.cli}\n${o.stderr}`);
      if (!expect.ours) assert.deepEqual(summaryOf(o.stdout), summaryOf(c.stdout), what);
    } finally {
      await restore();
    }
  }
  // Every tampering is undone from the objects as delivered, read once here: s3rver can answer a
  // PUT before the bytes are in its file, so reading an object back right after restoring it could
  // save an empty body and "restore" that (a CI run did).
  const original = new Map(await Promise.all([target, older, log].map(async (k) => [k, await store.get(k)] as const)));
  const restore =
    (...keys: string[]) =>
    async () => {
      for (const k of keys) await store.put(k, original.get(k)!);
    };

  const logObj = original.get(log)!;
  const logJson = gunzipSync(logObj.body);
  await tampered(
    'changed log file',
    () => store.put(log, { body: gzipSync(Buffer.from(logJson.toString('utf8').replace('{"Records":[', '{"Records": ['))), metadata: {} }),
    restore(log),
    { cli: `Log file\t${url(log)}\tINVALID: hash value doesn't match` },
  );
  await tampered('deleted log file', () => store.delete(log), restore(log), { cli: `Log file\t${url(log)}\tINVALID: not found` });
  const half = Math.floor(logJson.length / 2);
  await tampered(
    'log file split in two gzip members',
    () => store.put(log, { body: Buffer.concat([gzipSync(logJson.subarray(0, half)), gzipSync(logJson.subarray(half))]), metadata: {} }),
    restore(log),
    // aws-cli 1.x hashes the first member only; opentrail names the cause.
    { cli: `Log file\t${url(log)}\tINVALID: hash value doesn't match`, ours: `Log file\t${url(log)}\tINVALID: unexpected data after end of compressed stream` },
  );
  await tampered('deleted digest', () => store.delete(target), restore(target), { cli: `Digest file\t${url(target)}\tINVALID: not found` });
  await tampered(
    'two digests deleted in a row',
    async () => {
      await store.delete(target);
      await store.delete(older);
    },
    restore(target, older),
    { cli: `Digest file\t${url(target)}\tINVALID: not found` },
  );
  const targetObj = original.get(target)!;
  const targetJson = gunzipSync(targetObj.body).toString('utf8');
  await tampered(
    'changed digest',
    () => store.put(target, { body: gzipSync(Buffer.from(targetJson.replace(/"hashValue":"[0-9a-f]/, '"hashValue":"x'))), metadata: targetObj.metadata }),
    restore(target),
    { cli: `Digest file\t${url(target)}\tINVALID: signature verification failed` },
  );
  await tampered(
    'forged signature',
    async () => store.put(target, { body: targetObj.body, metadata: { ...targetObj.metadata, signature: (await store.get(newer!)).metadata.signature } }),
    restore(target),
    { cli: `Digest file\t${url(target)}\tINVALID: signature verification failed` },
  );
  const copyKey = `${target.slice(0, -24)}${iso(new Date(end.getTime() + 60_000)).replace(/[-:]/g, '')}.json.gz`;
  await tampered('digest copied to another key', () => store.copy(target, copyKey), () => store.delete(copyKey), {
    cli: `Digest file\t${url(copyKey)}\tINVALID: has been moved from its original location`,
  });
  // A digest re-signed by someone else's key: its fingerprint is not among the region's public keys.
  const foreign = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const fingerprint = createHash('md5').update(foreign.publicKey.export({ type: 'pkcs1', format: 'der' })).digest('hex');
  const forged = JSON.parse(targetJson);
  forged.digestPublicKeyFingerprint = fingerprint;
  const forgedBody = Buffer.from(JSON.stringify(forged));
  const forgedSignature = sign('sha256', stringToSign(forged, forgedBody), foreign.privateKey).toString('hex');
  await tampered(
    'digest signed with a key opentrail never published',
    () => store.put(target, { body: gzipSync(forgedBody), metadata: { ...targetObj.metadata, signature: forgedSignature } }),
    restore(target),
    { cli: `Digest file\t${url(target)}\tINVALID: public key not found in region us-east-1 for fingerprint ${fingerprint}` },
  );

  // Records appended as a second gzip member: aws-cli 1.x hashes only the first member and calls
  // the file valid; opentrail refuses data after the first member.
  await store.put(log, { body: Buffer.concat([logObj.body, gzipSync(Buffer.from('{"Records":[]}'))]), metadata: {} });
  const appended = await opentrailValidate(s.url, args, { AWS_ENDPOINT_URL_S3: s3.endpoint });
  assert.equal(appended.code, 1);
  assert.deepEqual(appended.problems, [cli.problems[0], `Log file\t${url(log)}\tINVALID: unexpected data after end of compressed stream`]);
  await store.put(log, logObj);

  // Restored: valid again.
  const [again, ours2] = await both();
  assert.equal(again.code, 0, again.stderr);
  assert.equal(ours2.code, 0, ours2.stderr);
});
