// validate-logs reads S3-compatible buckets with its own small signed client (src/integrity/
// s3-reader.ts) instead of the SDK's: checked here against s3rver, as the SDK-based bucket
// would answer: keys in order across pages, awkward characters, metadata, missing keys and buckets.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { PutObjectCommand } from '@aws-sdk/client-s3';
import { BucketError } from '../src/buckets/bucket.ts';
import { S3Reader } from '../src/integrity/s3-reader.ts';
import { startS3rver } from './helpers/s3rver.ts';
import { tempDir } from './helpers/server.ts';

test('S3Reader lists every page, reads objects with their metadata, and reports missing keys and buckets', async (t) => {
  const s3 = await startS3rver(tempDir());
  t.after(() => s3.stop());
  await s3.createBucket('reader');
  // More keys than one ListObjectsV2 page (1,000), and keys that XML and URLs must escape.
  const keys = Array.from({ length: 1005 }, (_, i) => `logs/2026/${String(i).padStart(4, '0')}.json.gz`);
  const odd = ['odd/a&b <c>.json.gz', "odd/quote's \"x\"+plus=eq.json.gz", 'odd/ünïcode ☃.json.gz'];
  for (let i = 0; i < keys.length; i += 50) {
    await Promise.all(keys.slice(i, i + 50).map((Key) => s3.client.send(new PutObjectCommand({ Bucket: 'reader', Key, Body: Key }))));
  }
  for (const Key of odd) await s3.client.send(new PutObjectCommand({ Bucket: 'reader', Key, Body: `body of ${Key}`, Metadata: { signature: 'ab12', 'signature-algorithm': 'SHA256withRSA' } }));

  const reader = new S3Reader(s3.endpoint, 'us-east-1', { accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER' }, 4);
  t.after(() => reader.close());
  const bucket = reader.bucket('reader');

  const listed = await bucket.list('logs/');
  assert.deepEqual(
    listed.map((o) => o.key),
    keys,
  );
  assert.equal(listed[0].size, keys[0].length);
  assert.deepEqual(
    (await bucket.list('logs/', { startAfter: keys[1001] })).map((o) => o.key),
    keys.slice(1002),
  );
  assert.deepEqual((await bucket.list('odd/')).map((o) => o.key), [...odd].sort());

  for (const key of odd) {
    const obj = await bucket.get(key);
    assert.equal(obj?.body.toString(), `body of ${key}`);
    assert.deepEqual(obj?.metadata, { signature: 'ab12', 'signature-algorithm': 'SHA256withRSA' });
  }
  assert.equal(await bucket.get('logs/missing.json.gz'), undefined);
  await assert.rejects(reader.bucket('no-such-bucket').get('x'), (e: unknown) => e instanceof BucketError && e.code === 'NoSuchBucket');
  await assert.rejects(reader.bucket('no-such-bucket').list(''), (e: unknown) => e instanceof BucketError && e.code === 'NoSuchBucket');
});

test('an S3 endpoint with a path of its own keeps it, as the SDK does', async (t) => {
  const seen: string[] = [];
  const server = createServer((req, res) => {
    seen.push(req.url ?? '');
    res.writeHead(404, { 'content-type': 'application/xml' }).end('<Error><Code>NoSuchKey</Code></Error>');
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  t.after(() => server.close());
  const { port } = server.address() as AddressInfo;
  const reader = new S3Reader(`http://127.0.0.1:${port}/s3-behind-a-proxy/`, 'us-east-1', { accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER' }, 1);
  t.after(() => reader.close());
  assert.equal(await reader.bucket('reader').get('AWSLogs/x y.json.gz'), undefined);
  assert.deepEqual(seen, ['/s3-behind-a-proxy/reader/AWSLogs/x%20y.json.gz']);
});
