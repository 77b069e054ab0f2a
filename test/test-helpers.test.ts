// The test helpers themselves: a test run leaves nothing behind on the machine, does not fail
// for a port another process happened to hold, reads back from s3rver what it wrote, and fuzzes
// with sequences that do not repeat.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import { Readable } from 'node:stream';
import { PutObjectCommand, GetObjectCommand } from '@aws-sdk/client-s3';
import { once } from 'node:events';
import { createServer } from 'node:net';
import type { AddressInfo } from 'node:net';
import { DURABLE_PUTS, freePortGuess, startS3rver } from './helpers/s3rver.ts';
import { tempDir } from './helpers/server.ts';
import { generator } from './helpers/fuzz.ts';
import { ModelInputs } from './helpers/model-inputs.ts';
import { required, string, structure } from '../src/aws/shapes.ts';

test('directories made by tempDir, with files in them, are removed when the test process exits', () => {
  const script = `
    import { writeFileSync } from 'node:fs';
    import { join } from 'node:path';
    import { tempDir } from './test/helpers/server.ts';
    const dir = tempDir();
    writeFileSync(join(dir, 'opentrail.db'), 'x');
    console.log(dir);`;
  const dir = execFileSync(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], { encoding: 'utf8' }).trim();
  assert.match(dir, /opentrail-test-/);
  assert.equal(existsSync(dir), false);
});

test('s3rver started without a port guesses again when another process holds the port it guessed', async (t) => {
  const holder = createServer().listen(0, '127.0.0.1');
  await once(holder, 'listening');
  t.after(() => holder.close());
  const taken = (holder.address() as AddressInfo).port;
  const guesses = [taken];
  const s3 = await startS3rver(tempDir(), 0, () => guesses.shift() ?? freePortGuess());
  t.after(() => s3.stop());
  assert.notEqual(s3.port, taken);
  await s3.createBucket('guessed-again');
  assert.deepEqual(await s3.keys('guessed-again'), []);
});

test('s3rver as the tests run it answers a PUT only once the object is on disk', async (t) => {
  const require = createRequire(import.meta.url);
  // s3rver's own store, patched as in the s3rver process: with one large last chunk its putObject
  // resolved while the file was still being written (32 MB short of full, every time).
  const FilesystemStore = require('s3rver/lib/stores/filesystem');
  const S3Object = require('s3rver/lib/models/object');
  // A subclass, so that s3rver's class in this process stays as it is.
  const Store: new (dir: string) => any = class extends FilesystemStore {};
  require(DURABLE_PUTS)(Store);
  const store = new Store(tempDir());
  await store.putBucket('durable');
  const body = Buffer.alloc(32 * 1024 * 1024, 'a');
  const put = await store.putObject(new S3Object('durable', 'big', Readable.from([body.subarray(0, 1024), body.subarray(1024)]), {}));
  assert.equal(statSync(store.getResourcePath('durable', 'big', 'object')).size, body.length);
  assert.equal(put.size, body.length);

  // And over HTTP: each object read right after its PUT is the object written.
  const s3 = await startS3rver(tempDir());
  t.after(() => s3.stop());
  await s3.createBucket('durable');
  for (let i = 0; i < 5; i++) {
    const written = Buffer.alloc(4 * 1024 * 1024 + i, String(i));
    await s3.client.send(new PutObjectCommand({ Bucket: 'durable', Key: 'k', Body: written }));
    const read = await s3.client.send(new GetObjectCommand({ Bucket: 'durable', Key: 'k' }));
    assert.ok(Buffer.from(await read.Body!.transformToByteArray()).equals(written), `object ${i} read back whole`);
  }
});

test('the fuzz generator does not repeat itself: no run of 8 draws comes twice in 100,000 draws of two seeds', () => {
  const seen = new Set<string>();
  for (const seed of [1, 2]) {
    const g = generator(seed);
    const window: number[] = [];
    for (let i = 0; i < 50_000; i++) {
      window.push(Math.floor(g.next() * 1000));
      if (window.length > 8) window.shift();
      if (window.length < 8) continue;
      const key = window.join(',');
      assert.ok(!seen.has(key), `seed ${seed}, draw ${i}: the last 8 draws came before`);
      seen.add(key);
    }
  }
});

test('model inputs never offer a value kept out of them (the test\'s own root key), whatever outputs named it', () => {
  const inputs = new ModelInputs(generator(3), new Set(['AKIAKEEPOUT000000000']));
  inputs.remember({ AccessKeyMetadata: [{ AccessKeyId: 'AKIAKEEPOUT000000000' }, { AccessKeyId: 'AKIAFUZZED0000000000' }] });
  assert.deepEqual(inputs.known('AccessKeyId'), ['AKIAFUZZED0000000000']);
  const shape = structure({ AccessKeyId: required(string()) });
  for (let i = 0; i < 200; i++) assert.notEqual(inputs.input(shape).AccessKeyId, 'AKIAKEEPOUT000000000');
});
