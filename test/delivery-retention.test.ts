// Retention never drops an event a logging trail has yet to deliver: with the trail's bucket gone,
// a purge far in the future keeps the undelivered events, and they are delivered once it is back.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { rmSync } from 'node:fs';
import { CreateAccountCommand } from '@aws-sdk/client-chime';
import { CreateTrailCommand, GetTrailStatusCommand, StartLoggingCommand, StopLoggingCommand } from '@aws-sdk/client-cloudtrail';
import { RetentionJob } from '../src/audit/retention.ts';
import { deliveringServer, eventIds, folderLogFiles, journal, loggedRange, waitFor } from './helpers/delivery.ts';

const DAY = 86400_000;

test('events a trail has not delivered survive retention and are delivered later', async (t) => {
  const { s, bucket } = await deliveringServer(t);
  const ct = s.cloudtrail();
  await s.chime().send(new CreateAccountCommand({ Name: 'before-the-trail' }));
  await ct.send(new CreateTrailCommand({ Name: 'main', S3BucketName: 'logs' }));
  rmSync(bucket.location, { recursive: true });
  await ct.send(new StartLoggingCommand({ Name: 'main' }));
  for (let i = 0; i < 3; i++) await s.chime().send(new CreateAccountCommand({ Name: `kept-${i}` }));
  await waitFor('the delivery error', async () => (await ct.send(new GetTrailStatusCommand({ Name: 'main' }))).LatestDeliveryError === 'NoSuchBucket');

  const before = await journal(s.server);
  const start = before.findIndex((e) => e.eventName === 'StartLogging');
  const undelivered = before.slice(start).map((e) => e.eventId);
  // 200 days on, every event is past retention; only the undelivered ones stay.
  const purged = await new RetentionJob(s.server.context.store, 90).runOnce(new Date(Date.now() + 200 * DAY));
  assert.equal(purged, start);
  const after = (await journal(s.server)).map((e) => e.eventId);
  assert.deepEqual(after.slice(0, undelivered.length), undelivered);

  await bucket.create();
  await ct.send(new StopLoggingCommand({ Name: 'main' }));
  await waitFor('the backlog delivered', async () => folderLogFiles(bucket.location).some((f) => f.records.some((r) => r.eventName === 'StopLogging')));
  const { ids, duplicates } = eventIds(folderLogFiles(bucket.location));
  assert.equal(duplicates, 0);
  assert.deepEqual(ids, loggedRange(await journal(s.server), 'main').map((e) => e.eventId).sort());
});
