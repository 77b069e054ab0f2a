// The bucket server goes away for 30 s: delivery retries, GetTrailStatus says why, and when the
// server is back the backlog drains with nothing lost and nothing twice.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { CreateAccountCommand } from '@aws-sdk/client-chime';
import { CreateTrailCommand, GetTrailStatusCommand, StartLoggingCommand, StopLoggingCommand } from '@aws-sdk/client-cloudtrail';
import { eventIds, journal, loggedRange, waitFor } from './helpers/delivery.ts';
import { startS3rver } from './helpers/s3rver.ts';
import { startServer, tempDir } from './helpers/server.ts';

const OUTAGE_MS = 30_000;

test('an unreachable bucket delays delivery and loses nothing', async (t) => {
  const s3 = await startS3rver(tempDir());
  t.after(() => s3.stop());
  await s3.createBucket('logs');
  const s = await startServer({ env: { ...s3.env, OPENTRAIL_DELIVERY_INTERVAL_SECONDS: '1' } });
  t.after(() => s.close());
  const ct = s.cloudtrail();
  const chime = s.chime();
  await ct.send(new CreateTrailCommand({ Name: 'main', S3BucketName: 'logs' }));
  await ct.send(new StartLoggingCommand({ Name: 'main' }));
  await chime.send(new CreateAccountCommand({ Name: 'before' }));
  const deliveredKeys = async () => (await s3.keys('logs', 'AWSLogs/')).filter((k) => k.endsWith('.json.gz'));
  await waitFor('a first file', async () => (await deliveredKeys()).length > 0);

  await s3.stop();
  const down = Date.now();
  for (let i = 0; i < 5; i++) await chime.send(new CreateAccountCommand({ Name: `during-${i}` }));
  await waitFor('the delivery error', async () => (await ct.send(new GetTrailStatusCommand({ Name: 'main' }))).LatestDeliveryError !== undefined);
  const failing = await ct.send(new GetTrailStatusCommand({ Name: 'main' }));
  assert.equal(failing.LatestDeliveryError, 'ECONNREFUSED');
  assert.match(failing.LatestDeliveryAttemptTime!, /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$/);
  assert.ok(failing.LatestDeliveryAttemptTime! >= failing.LatestDeliveryAttemptSucceeded!);
  await new Promise((r) => setTimeout(r, Math.max(0, OUTAGE_MS - (Date.now() - down))));
  await s3.start();

  await ct.send(new StopLoggingCommand({ Name: 'main' }));
  const want = loggedRange(await journal(s.server), 'main').map((e) => e.eventId).sort();
  const delivered = async () => eventIds(await Promise.all((await deliveredKeys()).map(async (key) => ({ key, records: await s3.records('logs', key) }))));
  await waitFor('the backlog to drain', async () => (await delivered()).ids.length >= want.length);
  const { ids, duplicates } = await delivered();
  assert.equal(duplicates, 0);
  assert.deepEqual(ids, want);
  const healthy = await ct.send(new GetTrailStatusCommand({ Name: 'main' }));
  assert.equal(healthy.LatestDeliveryError, undefined);
  assert.ok(healthy.LatestDeliveryTime! > failing.LatestDeliveryTime!);
});
