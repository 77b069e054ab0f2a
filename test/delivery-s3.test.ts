// Continuous delivery to an s3rver bucket, set up with the aws CLI and the SDK: every selected event
// exactly once, in files named and shaped as CloudTrail's, per region and per trail settings.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { CreateAccountCommand, ListAccountsCommand } from '@aws-sdk/client-chime';
import { CreateTrailCommand, DescribeTrailsCommand, GetTrailStatusCommand, PutEventSelectorsCommand, StartLoggingCommand, StopLoggingCommand } from '@aws-sdk/client-cloudtrail';
import type { StoredEvent } from '../src/storage/store.ts';
import { eventIds, journal, LOG_FILE_NAME, loggedRange, waitFor } from './helpers/delivery.ts';
import type { Delivered } from './helpers/delivery.ts';
import { startS3rver } from './helpers/s3rver.ts';
import { ACCOUNT_ID, aws, startServer, tempDir } from './helpers/server.ts';

const BUCKET = 'trail-bucket';
const REGIONS = ['us-east-1', 'eu-west-1'];

test('trails deliver every event they select exactly once, as CloudTrail log files', async (t) => {
  const s3 = await startS3rver(tempDir());
  t.after(() => s3.stop());
  await s3.createBucket(BUCKET);
  const s = await startServer({ env: { ...s3.env, OPENTRAIL_DELIVERY_INTERVAL_SECONDS: '1' } });
  t.after(() => s.close());
  const cli = (args: string[], region = 'us-east-1') => aws(s.url, args, { region });

  // The aws CLI sets up a multi-region trail; the SDK the others.
  const created = await cli(['cloudtrail', 'create-trail', '--name', 'everything', '--s3-bucket-name', BUCKET, '--s3-key-prefix', 'multi', '--is-multi-region-trail']);
  assert.equal(created.code, 0, created.stderr);
  assert.equal(created.json.IsMultiRegionTrail, true);
  const east = s.cloudtrail();
  const eu = s.cloudtrail({ region: 'eu-west-1' });
  await eu.send(new CreateTrailCommand({ Name: 'eu-only', S3BucketName: BUCKET, S3KeyPrefix: 'single' }));
  await east.send(new CreateTrailCommand({ Name: 'writes', S3BucketName: BUCKET, S3KeyPrefix: 'writes' }));
  await east.send(new PutEventSelectorsCommand({ TrailName: 'writes', EventSelectors: [{ ReadWriteType: 'WriteOnly' }] }));
  await east.send(new CreateTrailCommand({ Name: 'no-global', S3BucketName: BUCKET, S3KeyPrefix: 'noglobal', IncludeGlobalServiceEvents: false }));
  await east.send(new CreateTrailCommand({ Name: 'reads', S3BucketName: BUCKET, S3KeyPrefix: 'reads' }));
  await east.send(
    new PutEventSelectorsCommand({
      TrailName: 'reads',
      AdvancedEventSelectors: [{ FieldSelectors: [{ Field: 'eventCategory', Equals: ['Management'] }, { Field: 'readOnly', Equals: ['true'] }] }],
    }),
  );
  assert.equal((await cli(['cloudtrail', 'start-logging', '--name', 'everything'])).code, 0);
  await eu.send(new StartLoggingCommand({ Name: 'eu-only' }));
  for (const name of ['writes', 'no-global', 'reads']) await east.send(new StartLoggingCommand({ Name: name }));

  // Chime and CloudTrail calls signed for two regions, from the SDK and the CLI.
  for (const region of REGIONS) {
    const chime = s.chime({ region });
    for (let i = 0; i < 3; i++) await chime.send(new CreateAccountCommand({ Name: `acct-${region}-${i}` }));
    await chime.send(new ListAccountsCommand({}));
    await s.cloudtrail({ region }).send(new DescribeTrailsCommand({}));
    await s.cloudtrail({ region }).send(new GetTrailStatusCommand({ Name: 'everything' }));
    assert.equal((await cli(['cloudtrail', 'describe-trails'], region)).code, 0);
    assert.equal((await cli(['chime', 'list-accounts'], region)).code, 0);
  }

  for (const name of ['writes', 'no-global', 'reads']) await east.send(new StopLoggingCommand({ Name: name }));
  await eu.send(new StopLoggingCommand({ Name: 'eu-only' }));
  assert.equal((await cli(['cloudtrail', 'stop-logging', '--name', 'everything'])).code, 0);
  // After StopLogging nothing more is delivered.
  await s.chime({ region: 'eu-west-1' }).send(new CreateAccountCommand({ Name: 'after-stop' }));

  const events = await journal(s.server);
  const global = (e: StoredEvent) => e.eventSource === 'chime.amazonaws.com';
  const expected: Record<string, StoredEvent[]> = {
    multi: loggedRange(events, 'everything'),
    single: loggedRange(events, 'eu-only').filter((e) => e.region === 'eu-west-1'),
    writes: loggedRange(events, 'writes').filter((e) => e.region === 'us-east-1' && !e.readOnly),
    noglobal: loggedRange(events, 'no-global').filter((e) => e.region === 'us-east-1' && !global(e)),
    reads: loggedRange(events, 'reads').filter((e) => e.region === 'us-east-1' && e.readOnly),
  };
  // The expectations themselves cover what they should.
  assert.deepEqual([...new Set(expected.multi.map((e) => e.region))].sort(), ['eu-west-1', 'us-east-1']);
  assert.ok(expected.multi.some(global) && expected.multi.some((e) => e.eventSource === 'cloudtrail.amazonaws.com' && e.region === 'eu-west-1'));
  assert.ok(expected.writes.length > 0 && expected.reads.length > 0 && expected.single.length > 0 && expected.noglobal.length > 0);
  const afterStop = events.find((e) => e.eventName === 'CreateAccount' && e.record.includes('after-stop'))!;

  const delivered = async (prefix: string): Promise<Delivered[]> => {
    const keys = (await s3.keys(BUCKET, `${prefix}/AWSLogs/`)).filter((k) => k.endsWith('.json.gz'));
    return Promise.all(keys.map(async (key) => ({ key, records: await s3.records(BUCKET, key) })));
  };
  await waitFor('every trail to deliver its events', async () => {
    for (const [prefix, want] of Object.entries(expected)) if (eventIds(await delivered(prefix)).ids.length < want.length) return false;
    return true;
  });

  for (const [prefix, want] of Object.entries(expected)) {
    const files = await delivered(prefix);
    const { ids, duplicates } = eventIds(files);
    assert.equal(duplicates, 0, `${prefix}: duplicates`);
    assert.deepEqual(ids, want.map((e) => e.eventId).sort(), `${prefix}: delivered events`);
    assert.ok(!ids.includes(afterStop.eventId));
    for (const f of files) {
      const [, region] = /CloudTrail\/([a-z0-9-]+)\//.exec(f.key)!;
      assert.match(f.key, new RegExp(`^${prefix}/AWSLogs/${ACCOUNT_ID}/CloudTrail/${region}/\\d{4}/\\d{2}/\\d{2}/`));
      assert.match(f.key.split('/').pop()!, LOG_FILE_NAME);
      assert.ok(f.key.includes(`_CloudTrail_${region}_`));
      for (const r of f.records) {
        // One file holds one region's records, exactly as the journal has them.
        assert.equal(r.awsRegion, region);
        assert.match(r.eventTime, /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$/);
        assert.equal(JSON.stringify(r), events.find((e) => e.eventId === r.eventID)!.record);
      }
    }
  }
  const status = await east.send(new GetTrailStatusCommand({ Name: 'everything' }));
  assert.equal(status.IsLogging, false);
  assert.ok(status.LatestDeliveryTime instanceof Date);
  assert.equal(status.LatestDeliveryError, undefined);
});
