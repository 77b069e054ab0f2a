// The trail control plane with the SDK and the aws CLI: members, defaults, names or ARNs, shadow
// trails, home regions, quotas, selectors, tags, and AWS's error names and messages.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  AddTagsCommand,
  CreateTrailCommand,
  DeleteTrailCommand,
  DescribeTrailsCommand,
  GetEventSelectorsCommand,
  GetInsightSelectorsCommand,
  GetTrailCommand,
  GetTrailStatusCommand,
  ListTagsCommand,
  ListTrailsCommand,
  LookupEventsCommand,
  PutEventSelectorsCommand,
  PutInsightSelectorsCommand,
  RemoveTagsCommand,
  StartLoggingCommand,
  StopLoggingCommand,
  UpdateTrailCommand,
} from '@aws-sdk/client-cloudtrail';
import type { CloudTrailClient } from '@aws-sdk/client-cloudtrail';
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { FolderBucket } from '../src/buckets/folder.ts';
import { loadConfig } from '../src/config.ts';
import { ACCOUNT_ID, aws, startServer, tempDir } from './helpers/server.ts';
import { allow, destroyClients, userWithKey } from './helpers/identity.ts';

async function setup(t: { after(fn: () => Promise<void>): void }) {
  const dataDir = tempDir();
  await new FolderBucket(dataDir, 'trail-logs').create();
  const s = await startServer({ dataDir });
  t.after(() => s.close());
  return { s, east: s.cloudtrail(), west: s.cloudtrail({ region: 'us-west-2' }) };
}

async function rejects(p: Promise<unknown>, name: string, message?: string | RegExp): Promise<void> {
  await assert.rejects(p, (err: Error) => {
    assert.equal(err.name, name);
    if (typeof message === 'string') assert.equal(err.message, message);
    else if (message) assert.match(err.message, message);
    return true;
  });
}

const arn = (region: string, name: string) => `arn:aws:cloudtrail:${region}:${ACCOUNT_ID}:trail/${name}`;

test('each trail-name rule answers with AWS message, from the SDK and the aws CLI', async (t) => {
  const { s, east } = await setup(t);
  const cases: [string, string][] = [
    ['aa', 'Trail name too short. Minimum allowed length: 3 characters. Specified name length: 2 characters.'],
    ['a'.repeat(129), 'Trail name too long. Maximum allowed length: 128 characters. Specified name length: 129 characters.'],
    ['-trail', 'Trail name must starts with a letter or number.'],
    ['trail!', 'Trail name must ends with a letter or number.'],
    ['my#trail', 'Trail name or ARN can only contain uppercase letters, lowercase letters, numbers, periods (.), hyphens (-), and underscores (_).'],
    ['my-_trail', 'Trail name or ARN cannot have adjacent periods (.), hyphens (-), or underscores (_).'],
    ['my--trail', 'Trail name or ARN cannot have adjacent periods (.), hyphens (-), or underscores (_).'],
    ['192.168.5.4', 'Trail name cannot be formatted as an IP address.'],
  ];
  for (const [name, message] of cases) {
    await rejects(east.send(new CreateTrailCommand({ Name: name, S3BucketName: 'trail-logs' })), 'InvalidTrailNameException', message);
  }
  const cli = await aws(s.url, ['cloudtrail', 'create-trail', '--name', 'trail!', '--s3-bucket-name', 'trail-logs']);
  assert.notEqual(cli.code, 0);
  assert.match(cli.stderr, /An error occurred \(InvalidTrailNameException\) when calling the CreateTrail operation( \(reached max retries: 0\))?: Trail name must ends with a letter or number\./);
  // Nothing was created by the refused calls.
  assert.deepEqual((await east.send(new ListTrailsCommand({}))).Trails, []);
});

test('CreateTrail defaults, GetTrail by name or ARN, and the errors of a destination', async (t) => {
  const { east } = await setup(t);
  const created = await east.send(new CreateTrailCommand({ Name: 'main', S3BucketName: 'trail-logs', S3KeyPrefix: 'audit' }));
  assert.deepEqual(
    { ...created, $metadata: undefined },
    {
      $metadata: undefined,
      Name: 'main',
      S3BucketName: 'trail-logs',
      S3KeyPrefix: 'audit',
      IncludeGlobalServiceEvents: true,
      IsMultiRegionTrail: false,
      TrailARN: arn('us-east-1', 'main'),
      LogFileValidationEnabled: false,
      IsOrganizationTrail: false,
    },
  );
  for (const id of ['main', arn('us-east-1', 'main')]) {
    const { Trail } = await east.send(new GetTrailCommand({ Name: id }));
    assert.equal(Trail!.HomeRegion, 'us-east-1');
    assert.equal(Trail!.HasCustomEventSelectors, false);
    assert.equal(Trail!.HasInsightSelectors, false);
  }
  await rejects(east.send(new CreateTrailCommand({ Name: 'main', S3BucketName: 'trail-logs' })), 'TrailAlreadyExistsException', `Trail main already exists for customer: ${ACCOUNT_ID}`);
  await rejects(east.send(new CreateTrailCommand({ Name: 'other', S3BucketName: 'no-such-bucket' })), 'S3BucketDoesNotExistException', 'S3 bucket no-such-bucket does not exist!');
  await rejects(east.send(new CreateTrailCommand({ Name: 'other', S3BucketName: 'Bad_Bucket' })), 'InvalidS3BucketNameException');
  await rejects(
    east.send(new CreateTrailCommand({ Name: 'other', S3BucketName: 'trail-logs', IsMultiRegionTrail: true, IncludeGlobalServiceEvents: false })),
    'InvalidParameterCombinationException',
    'Multi-Region trail must include global service events.',
  );
  await rejects(east.send(new CreateTrailCommand({ Name: 'other', S3BucketName: 'trail-logs', SnsTopicName: 'nope' })), 'InsufficientSnsTopicPolicyException', 'SNS Topic does not exist or the topic policy is incorrect!');
  await rejects(east.send(new GetTrailCommand({ Name: 'nope' })), 'TrailNotFoundException', `Unknown trail: nope for the user: ${ACCOUNT_ID}`);
  // GetTrailStatus names the trail by the ARN the name would have.
  await rejects(east.send(new GetTrailStatusCommand({ Name: 'nope' })), 'TrailNotFoundException', `Unknown trail: ${arn('us-east-1', 'nope')} for the user: ${ACCOUNT_ID}`);
  await rejects(east.send(new GetTrailCommand({ Name: 'arn:aws:cloudtrail:bad' })), 'CloudTrailARNInvalidException');
});

test('a folder bucket holds every key prefix one to one, those a path would fold away or cannot name too; only a segment too long for a file name is refused', async (t) => {
  const { s, east } = await setup(t);
  await east.send(new CreateTrailCommand({ Name: 'main', S3BucketName: 'trail-logs', S3KeyPrefix: 'audit/é✓' }));
  const message = `Invalid S3 key prefix for bucket trail-logs. Key not allowed in a folder bucket (a segment over 233 bytes): ${'😀'.repeat(59)}/AWSLogs/${ACCOUNT_ID}/CloudTrail/opentrail-write-check.json`;
  await rejects(east.send(new CreateTrailCommand({ Name: 'other', S3BucketName: 'trail-logs', S3KeyPrefix: '😀'.repeat(59) })), 'InvalidS3PrefixException', message);
  await rejects(east.send(new UpdateTrailCommand({ Name: 'main', S3KeyPrefix: '😀'.repeat(59) })), 'InvalidS3PrefixException', message);
  // Refused before (InvalidS3PrefixException), and before that written under another key than
  // the one delivered and digested: the empty segment of `logs//AWSLogs` above all, which AWS
  // makes of a prefix ending with a slash.
  const prefixes = ['logs/', 'a//b', 'a/./b', 'a/../b', '..', 'audit\0x', '%', '%2E', 'audit/é✓', '😀'.repeat(58)];
  for (const prefix of prefixes) await east.send(new UpdateTrailCommand({ Name: 'main', S3KeyPrefix: prefix }));
  assert.deepEqual((await east.send(new ListTrailsCommand({}))).Trails!.map((x) => x.Name), ['main']);
  const bucket = new FolderBucket(s.dataDir, 'trail-logs');
  const written = (await bucket.list('')).map((o) => o.key.split('/AWSLogs/')[0]);
  assert.deepEqual(written.sort(), [...prefixes].sort());
  // Each file is inside the bucket's folder, and read back by its own key.
  for (const key of (await bucket.list('')).map((o) => o.key)) assert.ok(await bucket.get(key), key);
  assert.ok(existsSync(join(bucket.location, 'logs', '%', 'AWSLogs')));
  assert.ok(existsSync(join(bucket.location, '%2E%2E', 'AWSLogs')));
});

test('a KMS key or a CloudWatch Logs group, which opentrail does not serve, is refused as a missing one is, never kept while unused', async (t) => {
  const { east } = await setup(t);
  await east.send(new CreateTrailCommand({ Name: 'main', S3BucketName: 'trail-logs' }));
  const kms = 'KMS key not found: alias/audit-logs. opentrail has no KMS: log files are encrypted only as their bucket encrypts what it stores.';
  const group = `arn:aws:logs:us-east-1:${ACCOUNT_ID}:log-group:CloudTrail:*`;
  const role = `arn:aws:iam::${ACCOUNT_ID}:role/CloudTrail_CloudWatchLogs_Role`;
  // Accepted before, and shown by GetTrail, while the log files went unencrypted and nowhere else.
  await rejects(east.send(new CreateTrailCommand({ Name: 'other', S3BucketName: 'trail-logs', KmsKeyId: 'alias/audit-logs' })), 'KmsKeyNotFoundException', kms);
  await rejects(east.send(new UpdateTrailCommand({ Name: 'main', KmsKeyId: 'alias/audit-logs' })), 'KmsKeyNotFoundException', kms);
  await rejects(
    east.send(new CreateTrailCommand({ Name: 'other', S3BucketName: 'trail-logs', CloudWatchLogsLogGroupArn: group, CloudWatchLogsRoleArn: role })),
    'InvalidCloudWatchLogsLogGroupArnException',
    `Log group not found: ${group}. opentrail does not deliver to CloudWatch Logs.`,
  );
  await rejects(east.send(new UpdateTrailCommand({ Name: 'main', CloudWatchLogsRoleArn: role })), 'InvalidCloudWatchLogsRoleArnException', /^A CloudWatch Logs role needs a log group/);
  // Empty values clear the settings, as on AWS.
  await east.send(new UpdateTrailCommand({ Name: 'main', KmsKeyId: '', CloudWatchLogsLogGroupArn: '', CloudWatchLogsRoleArn: '' }));
  const { Trail } = await east.send(new GetTrailCommand({ Name: 'main' }));
  assert.deepEqual([Trail!.KmsKeyId, Trail!.CloudWatchLogsLogGroupArn, Trail!.CloudWatchLogsRoleArn], [undefined, undefined, undefined]);
  assert.deepEqual((await east.send(new ListTrailsCommand({}))).Trails!.map((x) => x.Name), ['main']);
});

test('a multi-region trail is a shadow trail elsewhere: visible by name, changed only from home', async (t) => {
  const { east, west } = await setup(t);
  await east.send(new CreateTrailCommand({ Name: 'everywhere', S3BucketName: 'trail-logs', IsMultiRegionTrail: true }));
  await east.send(new CreateTrailCommand({ Name: 'home-only', S3BucketName: 'trail-logs' }));
  await west.send(new CreateTrailCommand({ Name: 'west-only', S3BucketName: 'trail-logs' }));

  const listed = (c: CloudTrailClient) => c.send(new ListTrailsCommand({})).then((r) => r.Trails!.map((x) => `${x.Name}@${x.HomeRegion}`).sort());
  assert.deepEqual(await listed(east), ['everywhere@us-east-1', 'home-only@us-east-1']);
  assert.deepEqual(await listed(west), ['everywhere@us-east-1', 'west-only@us-west-2']);

  const names = (r: { trailList?: { Name?: string }[] }) => r.trailList!.map((x) => x.Name).sort();
  assert.deepEqual(names(await west.send(new DescribeTrailsCommand({}))), ['everywhere', 'west-only']);
  assert.deepEqual(names(await west.send(new DescribeTrailsCommand({ includeShadowTrails: false }))), ['west-only']);
  // Names resolve in the calling region; an ARN reaches any trail; unknown names are skipped.
  assert.deepEqual(names(await west.send(new DescribeTrailsCommand({ trailNameList: ['home-only', 'everywhere', 'ghost'] }))), ['everywhere']);
  assert.deepEqual(names(await west.send(new DescribeTrailsCommand({ trailNameList: [arn('us-east-1', 'home-only')] }))), ['home-only']);

  assert.equal((await west.send(new GetTrailCommand({ Name: 'everywhere' }))).Trail!.TrailARN, arn('us-east-1', 'everywhere'));
  await rejects(west.send(new GetTrailCommand({ Name: 'home-only' })), 'TrailNotFoundException', `Unknown trail: home-only for the user: ${ACCOUNT_ID}`);
  for (const call of [
    new StartLoggingCommand({ Name: 'everywhere' }),
    new UpdateTrailCommand({ Name: 'everywhere', S3KeyPrefix: 'x' }),
    new DeleteTrailCommand({ Name: 'everywhere' }),
    new PutEventSelectorsCommand({ TrailName: 'everywhere', EventSelectors: [{ ReadWriteType: 'WriteOnly' }] }),
  ]) {
    await rejects(west.send(call as never), 'InvalidHomeRegionException');
  }
  // The name of a multi-region trail is taken in every region.
  await rejects(west.send(new CreateTrailCommand({ Name: 'everywhere', S3BucketName: 'trail-logs' })), 'TrailAlreadyExistsException');
  await rejects(west.send(new CreateTrailCommand({ Name: 'west-only', S3BucketName: 'trail-logs', IsMultiRegionTrail: false })), 'TrailAlreadyExistsException');
  // Turning a trail multi-region shows it everywhere.
  await east.send(new UpdateTrailCommand({ Name: 'home-only', IsMultiRegionTrail: true }));
  assert.deepEqual(await listed(west), ['everywhere@us-east-1', 'home-only@us-east-1', 'west-only@us-west-2']);
});

test('five trails per region, shadows included', async (t) => {
  const { east, west } = await setup(t);
  await west.send(new CreateTrailCommand({ Name: 'global', S3BucketName: 'trail-logs', IsMultiRegionTrail: true }));
  for (let i = 1; i <= 4; i++) await east.send(new CreateTrailCommand({ Name: `t${i}x`, S3BucketName: 'trail-logs' }));
  await rejects(east.send(new CreateTrailCommand({ Name: 't5x', S3BucketName: 'trail-logs' })), 'MaximumNumberOfTrailsExceededException', `User: ${ACCOUNT_ID} already has 5 trails in us-east-1.`);
  await east.send(new DeleteTrailCommand({ Name: arn('us-east-1', 't1x') }));
  await east.send(new CreateTrailCommand({ Name: 't5x', S3BucketName: 'trail-logs' }));
});

test('GetTrailStatus, StartLogging and StopLogging tell the truth, recorded with the trail as resource', async (t) => {
  const { east } = await setup(t);
  await east.send(new CreateTrailCommand({ Name: 'main', S3BucketName: 'trail-logs' }));
  const before = await east.send(new GetTrailStatusCommand({ Name: 'main' }));
  assert.equal(before.IsLogging, false);
  assert.equal(before.StartLoggingTime, undefined);
  assert.equal(before.TimeLoggingStarted, '');
  await east.send(new StartLoggingCommand({ Name: 'main' }));
  const started = await east.send(new GetTrailStatusCommand({ Name: arn('us-east-1', 'main') }));
  assert.equal(started.IsLogging, true);
  assert.ok(started.StartLoggingTime instanceof Date);
  assert.equal(started.TimeLoggingStarted, started.StartLoggingTime!.toISOString().replace(/\.\d{3}Z$/, 'Z'));
  await east.send(new StopLoggingCommand({ Name: 'main' }));
  const stopped = await east.send(new GetTrailStatusCommand({ Name: 'main' }));
  assert.equal(stopped.IsLogging, false);
  assert.ok(stopped.StopLoggingTime! >= stopped.StartLoggingTime!);

  const found = await east.send(new LookupEventsCommand({ LookupAttributes: [{ AttributeKey: 'EventName', AttributeValue: 'StopLogging' }] }));
  assert.equal(found.Events!.length, 1);
  assert.deepEqual(found.Events![0].Resources, [{ ResourceType: 'AWS::CloudTrail::Trail', ResourceName: arn('us-east-1', 'main') }]);
  assert.deepEqual(JSON.parse(found.Events![0].CloudTrailEvent!).requestParameters, { name: 'main' });
});

test('event selectors: default, basic, advanced, one kind at a time, validated', async (t) => {
  const { east } = await setup(t);
  await east.send(new CreateTrailCommand({ Name: 'main', S3BucketName: 'trail-logs' }));
  const initial = await east.send(new GetEventSelectorsCommand({ TrailName: 'main' }));
  assert.deepEqual(initial.EventSelectors, [{ ReadWriteType: 'All', IncludeManagementEvents: true, DataResources: [], ExcludeManagementEventSources: [] }]);
  assert.equal(initial.AdvancedEventSelectors, undefined);

  const put = await east.send(new PutEventSelectorsCommand({ TrailName: 'main', EventSelectors: [{ ReadWriteType: 'WriteOnly' }] }));
  assert.deepEqual(put.EventSelectors, [{ ReadWriteType: 'WriteOnly', IncludeManagementEvents: true, DataResources: [], ExcludeManagementEventSources: [] }]);
  assert.equal((await east.send(new GetTrailCommand({ Name: 'main' }))).Trail!.HasCustomEventSelectors, true);

  const advanced = [{ Name: 'writes', FieldSelectors: [{ Field: 'eventCategory', Equals: ['Management'] }, { Field: 'readOnly', Equals: ['false'] }] }];
  await east.send(new PutEventSelectorsCommand({ TrailName: arn('us-east-1', 'main'), AdvancedEventSelectors: advanced }));
  const got = await east.send(new GetEventSelectorsCommand({ TrailName: 'main' }));
  assert.deepEqual(got.AdvancedEventSelectors, advanced);
  assert.equal(got.EventSelectors, undefined);

  await rejects(east.send(new PutEventSelectorsCommand({ TrailName: 'main', EventSelectors: [{}], AdvancedEventSelectors: advanced })), 'InvalidParameterCombinationException');
  await rejects(east.send(new PutEventSelectorsCommand({ TrailName: 'main', EventSelectors: [{ ExcludeManagementEventSources: ['iam.amazonaws.com'] }] })), 'InvalidEventSelectorsException');
  await rejects(east.send(new PutEventSelectorsCommand({ TrailName: 'main', EventSelectors: Array.from({ length: 6 }, () => ({})) })), 'InvalidEventSelectorsException');
  await rejects(east.send(new PutEventSelectorsCommand({ TrailName: 'main', AdvancedEventSelectors: [{ FieldSelectors: [{ Field: 'readOnly', Equals: ['true'] }] }] })), 'InvalidEventSelectorsException');
  await rejects(
    east.send(new PutEventSelectorsCommand({ TrailName: 'main', AdvancedEventSelectors: [{ FieldSelectors: [{ Field: 'eventCategory', Equals: ['Management'] }, { Field: 'readOnly', StartsWith: ['t'] }] }] })),
    'InvalidEventSelectorsException',
  );
});

test('insight selectors need the management events they watch', async (t) => {
  const { east } = await setup(t);
  await east.send(new CreateTrailCommand({ Name: 'main', S3BucketName: 'trail-logs' }));
  await rejects(east.send(new GetInsightSelectorsCommand({ TrailName: 'main' })), 'InsightNotEnabledException');
  const put = await east.send(new PutInsightSelectorsCommand({ TrailName: 'main', InsightSelectors: [{ InsightType: 'ApiCallRateInsight' }] }));
  assert.deepEqual(put.InsightSelectors, [{ InsightType: 'ApiCallRateInsight' }]);
  assert.equal((await east.send(new GetTrailCommand({ Name: 'main' }))).Trail!.HasInsightSelectors, true);
  await east.send(new PutEventSelectorsCommand({ TrailName: 'main', EventSelectors: [{ ReadWriteType: 'ReadOnly' }] }));
  await rejects(east.send(new PutInsightSelectorsCommand({ TrailName: 'main', InsightSelectors: [{ InsightType: 'ApiCallRateInsight' }] })), 'InvalidInsightSelectorsException');
  await east.send(new PutInsightSelectorsCommand({ TrailName: 'main', InsightSelectors: [{ InsightType: 'ApiErrorRateInsight' }] }));
});

test('tags: add, overwrite, remove, list; limits and unknown resources', async (t) => {
  const { east } = await setup(t);
  const trailArn = (await east.send(new CreateTrailCommand({ Name: 'main', S3BucketName: 'trail-logs', TagsList: [{ Key: 'team', Value: 'a' }] }))).TrailARN!;
  await east.send(new AddTagsCommand({ ResourceId: trailArn, TagsList: [{ Key: 'team', Value: 'b' }, { Key: 'env' }] }));
  const list = async () => (await east.send(new ListTagsCommand({ ResourceIdList: [trailArn] }))).ResourceTagList;
  assert.deepEqual(await list(), [{ ResourceId: trailArn, TagsList: [{ Key: 'team', Value: 'b' }, { Key: 'env' }] }]);
  await east.send(new RemoveTagsCommand({ ResourceId: trailArn, TagsList: [{ Key: 'team' }] }));
  assert.deepEqual(await list(), [{ ResourceId: trailArn, TagsList: [{ Key: 'env' }] }]);
  await rejects(east.send(new AddTagsCommand({ ResourceId: trailArn, TagsList: Array.from({ length: 50 }, (_, i) => ({ Key: `k${i}` })) })), 'TagsLimitExceededException');
  await rejects(east.send(new AddTagsCommand({ ResourceId: trailArn, TagsList: [{ Key: 'x' }, { Key: 'x' }] })), 'InvalidTagParameterException');
  await rejects(east.send(new ListTagsCommand({ ResourceIdList: [arn('us-east-1', 'ghost')] })), 'ResourceNotFoundException');
});

test('opentrail bucket create makes a folder bucket trails can use; S3 settings are checked', async (t) => {
  const dataDir = tempDir();
  const run = (args: string[]) => spawnSync(process.execPath, ['bin/opentrail.js', 'bucket', 'create', ...args, '--data-dir', dataDir], { encoding: 'utf8' });
  const bad = run(['Not_A_Bucket']);
  assert.equal(bad.status, 2);
  assert.match(bad.stderr, /opentrail: 'Not_A_Bucket' is not a valid bucket name/);
  const made = run(['cli-made']);
  assert.equal(made.status, 0, made.stderr);
  assert.match(made.stdout, /created bucket cli-made/);
  const s = await startServer({ dataDir });
  t.after(() => s.close());
  await s.cloudtrail().send(new CreateTrailCommand({ Name: 'main', S3BucketName: 'cli-made' }));

  assert.throws(() => loadConfig({}, { OPENTRAIL_S3_ENDPOINT: 'localhost:9000' }), { message: "OPENTRAIL_S3_ENDPOINT must be an http(s) URL, got 'localhost:9000'" });
  assert.throws(() => loadConfig({}, { OPENTRAIL_S3_ENDPOINT: 'http://127.0.0.1:9000', OPENTRAIL_S3_ACCESS_KEY_ID: 'k' }), {
    message: 'OPENTRAIL_S3_ACCESS_KEY_ID and OPENTRAIL_S3_SECRET_ACCESS_KEY go together',
  });
  assert.throws(() => loadConfig({}, { OPENTRAIL_DELIVERY_INTERVAL_SECONDS: '0' }), { message: "OPENTRAIL_DELIVERY_INTERVAL_SECONDS must be a whole number from 1 to 3600, got '0'" });
  assert.deepEqual(loadConfig({}, { OPENTRAIL_S3_ENDPOINT: 'http://127.0.0.1:9000', OPENTRAIL_S3_FORCE_PATH_STYLE: 'true' }).s3, {
    endpoint: 'http://127.0.0.1:9000',
    region: 'us-east-1',
    accessKeyId: undefined,
    secretAccessKey: undefined,
    forcePathStyle: true,
  });
  assert.equal(loadConfig({}, {}).deliveryIntervalSeconds, 5);
});

test('IAM policies name trails by ARN: a Deny on one trail protects it, by name, by ARN and from another region', async (t) => {
  const { s, east } = await setup(t);
  t.after(() => destroyClients());
  await east.send(new CreateTrailCommand({ Name: 'protected', S3BucketName: 'trail-logs', IsMultiRegionTrail: true }));
  await east.send(new CreateTrailCommand({ Name: 'other', S3BucketName: 'trail-logs' }));
  const creds = await userWithKey(s, 'operator', {
    Version: '2012-10-17',
    Statement: [
      { Effect: 'Allow', Action: 'cloudtrail:*', Resource: '*' },
      { Effect: 'Deny', Action: ['cloudtrail:StopLogging', 'cloudtrail:DeleteTrail', 'cloudtrail:UpdateTrail', 'cloudtrail:PutEventSelectors', 'cloudtrail:RemoveTags'], Resource: arn('us-east-1', 'protected') },
    ],
  });
  const operator = s.cloudtrail({ credentials: creds });
  const operatorWest = s.cloudtrail({ credentials: creds, region: 'us-west-2' });
  const denied = /is not authorized to perform: cloudtrail:\w+ on resource: arn:aws:cloudtrail:us-east-1:\d+:trail\/protected/;
  for (const Name of ['protected', arn('us-east-1', 'protected')]) {
    await rejects(operator.send(new StopLoggingCommand({ Name })), 'AccessDeniedException', denied);
    await rejects(operator.send(new DeleteTrailCommand({ Name })), 'AccessDeniedException', denied);
    await rejects(operator.send(new UpdateTrailCommand({ Name, S3KeyPrefix: 'elsewhere' })), 'AccessDeniedException', denied);
  }
  await rejects(operator.send(new PutEventSelectorsCommand({ TrailName: 'protected', EventSelectors: [{ ReadWriteType: 'WriteOnly' }] })), 'AccessDeniedException', denied);
  await rejects(operator.send(new RemoveTagsCommand({ ResourceId: arn('us-east-1', 'protected'), TagsList: [{ Key: 'k' }] })), 'AccessDeniedException', denied);
  // From a shadow region the trail is still its home region's ARN.
  await rejects(operatorWest.send(new StopLoggingCommand({ Name: 'protected' })), 'AccessDeniedException', denied);
  // Everything else is allowed, on this trail and on the other.
  assert.equal((await operator.send(new GetTrailStatusCommand({ Name: 'protected' }))).IsLogging, false);
  await operator.send(new StopLoggingCommand({ Name: 'other' }));
  await operator.send(new DeleteTrailCommand({ Name: 'other' }));
  assert.equal((await east.send(new GetTrailCommand({ Name: 'protected' }))).Trail?.S3KeyPrefix, undefined);
});

test('IAM policies name trails by ARN: an Allow on one trail reaches only that trail', async (t) => {
  const { s, east } = await setup(t);
  t.after(() => destroyClients());
  for (const Name of ['mine', 'theirs']) await east.send(new CreateTrailCommand({ Name, S3BucketName: 'trail-logs' }));
  const creds = await userWithKey(s, 'reader', allow(['cloudtrail:GetTrail', 'cloudtrail:GetTrailStatus', 'cloudtrail:ListTags'], arn('us-east-1', 'mine')));
  const reader = s.cloudtrail({ credentials: creds });
  assert.equal((await reader.send(new GetTrailCommand({ Name: 'mine' }))).Trail?.Name, 'mine');
  await reader.send(new GetTrailStatusCommand({ Name: arn('us-east-1', 'mine') }));
  const theirs = /on resource: arn:aws:cloudtrail:us-east-1:\d+:trail\/theirs/;
  await rejects(reader.send(new GetTrailCommand({ Name: 'theirs' })), 'AccessDeniedException', theirs);
  await rejects(reader.send(new DescribeTrailsCommand({})), 'AccessDeniedException');
  // ListTags names several trails: each must be allowed, so one other trail in the list refuses it.
  assert.equal((await reader.send(new ListTagsCommand({ ResourceIdList: [arn('us-east-1', 'mine')] }))).ResourceTagList?.[0].ResourceId, arn('us-east-1', 'mine'));
  await rejects(reader.send(new ListTagsCommand({ ResourceIdList: [arn('us-east-1', 'mine'), arn('us-east-1', 'theirs')] })), 'AccessDeniedException', theirs);
});
