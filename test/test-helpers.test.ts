// The test helpers themselves: a test run leaves nothing behind on the machine, and does not
// fail for a port another process happened to hold.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { once } from 'node:events';
import { createServer } from 'node:net';
import type { AddressInfo } from 'node:net';
import { freePortGuess, startS3rver } from './helpers/s3rver.ts';
import { tempDir } from './helpers/server.ts';

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
