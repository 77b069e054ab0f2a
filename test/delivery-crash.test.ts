// The server SIGKILLed while it records and delivers, then restarted on the same data dir: the
// trail's files hold every event it logged, each exactly once.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { once } from 'node:events';
import type { ChildProcess } from 'node:child_process';
import { ChimeClient, CreateAccountCommand } from '@aws-sdk/client-chime';
import { CloudTrailClient, CreateTrailCommand, DescribeTrailsCommand, StartLoggingCommand, StopLoggingCommand } from '@aws-sdk/client-cloudtrail';
import { readdirSync } from 'node:fs';
import { FolderBucket } from '../src/buckets/folder.ts';
import { eventIds, folderLogFiles, journal, loggedRange, waitFor } from './helpers/delivery.ts';
import { clientConfig, spawnServer, startServer, tempDir } from './helpers/server.ts';

const ENV = { OPENTRAIL_DELIVERY_INTERVAL_SECONDS: '1' };

async function kill(child: ChildProcess, signal: NodeJS.Signals): Promise<void> {
  const exited = once(child, 'exit');
  child.kill(signal);
  await exited;
}

/** Log file names in the bucket folder (cheap enough to poll every few milliseconds). */
function names(dir: string): string[] {
  return readdirSync(dir, { recursive: true, encoding: 'utf8' }).filter((n) => n.endsWith('.json.gz'));
}

/**
 * Calls from 8 connections (Chime, recorded in us-east-1, and CloudTrail reads in eu-west-1, so
 * each batch writes two files) until the server is killed the moment a batch's first new file
 * appears, before the batch is done. Returns how many calls succeeded.
 */
async function loadUntilKilled(url: string, child: ChildProcess, tag: string, bucketDir: string): Promise<number> {
  const chime = new ChimeClient({ ...clientConfig(url), maxAttempts: 1 });
  const eu = new CloudTrailClient({ ...clientConfig(url, { region: 'eu-west-1' }), maxAttempts: 1 });
  let ok = 0;
  let dead = false;
  const worker = async (w: number) => {
    for (let i = 0; !dead; i++) {
      const call = w % 2 ? eu.send(new DescribeTrailsCommand({})) : chime.send(new CreateAccountCommand({ Name: `${tag}-${w}-${i}` }));
      await call.then(
        () => ok++,
        () => undefined,
      );
    }
  };
  const workers = Array.from({ length: 8 }, (_, w) => worker(w));
  try {
    // Let a backlog build up, then kill at the first file of the next batch.
    await new Promise((r) => setTimeout(r, 1500));
    const seen = new Set(names(bucketDir));
    const deadline = Date.now() + 30_000;
    while (names(bucketDir).every((n) => seen.has(n))) {
      if (Date.now() > deadline) throw new Error('no delivery under load');
      await new Promise((r) => setTimeout(r, 2));
    }
  } finally {
    await kill(child, 'SIGKILL');
    dead = true;
    await Promise.all(workers);
    chime.destroy();
    eu.destroy();
  }
  return ok;
}

test('SIGKILL during delivery, then a restart: nothing lost, nothing twice', async (t) => {
  const dir = tempDir();
  const bucket = new FolderBucket(dir, 'logs');
  await bucket.create();

  let server = await spawnServer(dir, ENV);
  const ct = new CloudTrailClient(clientConfig(server.url));
  await ct.send(new CreateTrailCommand({ Name: 'main', S3BucketName: 'logs', IsMultiRegionTrail: true }));
  await ct.send(new StartLoggingCommand({ Name: 'main' }));
  ct.destroy();

  let succeeded = 0;
  for (const round of ['one', 'two', 'three']) {
    succeeded += await loadUntilKilled(server.url, server.child, round, bucket.location);
    server = await spawnServer(dir, ENV);
  }
  const last = new CloudTrailClient(clientConfig(server.url));
  await last.send(new StopLoggingCommand({ Name: 'main' }));
  last.destroy();
  await waitFor('the StopLogging event delivered', async () => folderLogFiles(bucket.location).some((f) => f.records.some((r) => r.eventName === 'StopLogging')));
  await kill(server.child, 'SIGTERM');

  const s = await startServer({ dataDir: dir });
  t.after(() => s.close());
  const logged = loggedRange(await journal(s.server), 'main');
  assert.ok(logged.length >= succeeded, 'every successful call is in the journal');
  const { ids, duplicates } = eventIds(folderLogFiles(bucket.location));
  assert.equal(duplicates, 0);
  assert.deepEqual(ids, logged.map((e) => e.eventId).sort());
});
