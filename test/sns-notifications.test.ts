// SNS topics from the aws CLI, an HTTP subscriber confirmed with its token, and a trail that
// announces each delivered log file to it in the standard SNS envelope.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import type { ServerResponse } from 'node:http';
import { rmSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { CreateAccountCommand } from '@aws-sdk/client-chime';
import { CreateTrailCommand, GetTrailStatusCommand, StartLoggingCommand, StopLoggingCommand } from '@aws-sdk/client-cloudtrail';
import { ConfirmSubscriptionCommand, CreateTopicCommand, ListSubscriptionsCommand, SNSClient, SubscribeCommand } from '@aws-sdk/client-sns';
import { deliveringServer, folderLogFiles, journal, waitFor } from './helpers/delivery.ts';
import { ACCOUNT_ID, aws, clientConfig, filesHolding, startServer, tempDir } from './helpers/server.ts';
import { FolderBucket } from '../src/buckets/folder.ts';
import { ConfigError, loadConfig } from '../src/config.ts';
import { EndpointNetworks } from '../src/services/sns/endpoint-networks.ts';
import { withoutPassword } from '../src/services/sns/endpoint.ts';

interface Received {
  headers: Record<string, string | string[] | undefined>;
  body: Record<string, string>;
}

/** An HTTP endpoint that keeps what it receives and answers `status` (200 by default; it may set headers too). */
async function subscriber(t: { after(fn: () => Promise<void>): void }, status: (r: Received, res: ServerResponse) => number = () => 200) {
  const received: Received[] = [];
  const http = createServer((req, res) => {
    let body = '';
    req.on('data', (d) => (body += d));
    req.on('end', () => {
      const r = { headers: req.headers, body: body ? JSON.parse(body) : {} };
      received.push(r);
      res.statusCode = status(r, res);
      res.end();
    });
  });
  await new Promise<void>((r) => http.listen(0, '127.0.0.1', r));
  t.after(() => new Promise<void>((r) => http.close(() => r())));
  return { url: `http://127.0.0.1:${(http.address() as AddressInfo).port}/hook`, received };
}

/** The subscribers here listen on the loopback address, which SNS does not deliver to by default. */
const LOOPBACK = { OPENTRAIL_SNS_ENDPOINT_NETWORKS: '127.0.0.1' };

test('a trail notifies its SNS topic once per delivered file, in the SNS envelope', async (t) => {
  const { s, bucket } = await deliveringServer(t, LOOPBACK);
  const hook = await subscriber(t);
  const sns = new SNSClient(clientConfig(s.url));
  t.after(() => sns.destroy());

  const topic = await aws(s.url, ['sns', 'create-topic', '--name', 'trail-files']);
  assert.equal(topic.code, 0, topic.stderr);
  const topicArn = `arn:aws:sns:us-east-1:${ACCOUNT_ID}:trail-files`;
  assert.equal(topic.json.TopicArn, topicArn);
  const sub = await aws(s.url, ['sns', 'subscribe', '--topic-arn', topicArn, '--protocol', 'http', '--notification-endpoint', hook.url]);
  assert.equal(sub.json.SubscriptionArn, 'pending confirmation');

  await waitFor('the subscription confirmation', async () => hook.received.length === 1);
  const confirmation = hook.received[0];
  assert.equal(confirmation.headers['x-amz-sns-message-type'], 'SubscriptionConfirmation');
  assert.equal(confirmation.body.Type, 'SubscriptionConfirmation');
  assert.equal(confirmation.body.TopicArn, topicArn);
  await assert.rejects(sns.send(new ConfirmSubscriptionCommand({ TopicArn: topicArn, Token: 'not-the-token' })), { name: 'InvalidParameterException', message: 'Invalid token' });
  const confirmed = await sns.send(new ConfirmSubscriptionCommand({ TopicArn: topicArn, Token: confirmation.body.Token }));
  assert.match(confirmed.SubscriptionArn!, new RegExp(`^${topicArn}:[0-9a-f-]{36}$`));
  assert.deepEqual((await sns.send(new ListSubscriptionsCommand({}))).Subscriptions, [
    { SubscriptionArn: confirmed.SubscriptionArn, Owner: ACCOUNT_ID, Protocol: 'http', Endpoint: hook.url, TopicArn: topicArn },
  ]);
  // The token never reaches the record of the call.
  const listed = await aws(s.url, ['cloudtrail', 'lookup-events', '--lookup-attributes', 'AttributeKey=EventName,AttributeValue=ConfirmSubscription']);
  for (const e of listed.json.Events) assert.ok(!e.CloudTrailEvent.includes(confirmation.body.Token));

  const created = await aws(s.url, ['cloudtrail', 'create-trail', '--name', 'notified', '--s3-bucket-name', 'logs', '--sns-topic-name', 'trail-files', '--is-multi-region-trail']);
  assert.equal(created.code, 0, created.stderr);
  assert.equal(created.json.SnsTopicARN, topicArn);
  assert.equal(created.json.SnsTopicName, 'trail-files');
  const ct = s.cloudtrail();
  await ct.send(new StartLoggingCommand({ Name: 'notified' }));
  for (const region of ['us-east-1', 'ap-south-1']) {
    await s.chime({ region }).send(new CreateAccountCommand({ Name: `n-${region}` }));
    await s.cloudtrail({ region }).send(new GetTrailStatusCommand({ Name: 'notified' }));
  }
  await ct.send(new StopLoggingCommand({ Name: 'notified' }));

  const notifications = () => hook.received.filter((r) => r.body.Type === 'Notification');
  await waitFor('every file announced', async () => {
    const files = folderLogFiles(bucket.location);
    return files.length >= 2 && notifications().length >= files.length && files.flatMap((f) => f.records).some((r) => r.eventName === 'StopLogging');
  });
  const files = folderLogFiles(bucket.location);
  const announced = notifications().map((n) => {
    assert.equal(n.headers['x-amz-sns-message-type'], 'Notification');
    assert.equal(n.headers['x-amz-sns-subscription-arn'], confirmed.SubscriptionArn);
    assert.equal(n.body.TopicArn, topicArn);
    assert.match(n.body.MessageId, /^[0-9a-f-]{36}$/);
    assert.match(n.body.Timestamp, /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/);
    assert.equal(n.body.SignatureVersion, '1');
    const message = JSON.parse(n.body.Message);
    assert.deepEqual(Object.keys(message), ['s3Bucket', 's3ObjectKey']);
    assert.equal(message.s3Bucket, 'logs');
    assert.equal(message.s3ObjectKey.length, 1);
    return message.s3ObjectKey[0];
  });
  assert.deepEqual(announced.sort(), files.map((f) => f.key).sort());
  const status = await ct.send(new GetTrailStatusCommand({ Name: 'notified' }));
  assert.ok(status.LatestNotificationTime instanceof Date);
  assert.equal(status.LatestNotificationError, undefined);
});

test('an endpoint with a password (basic authentication in its URL): sent as an Authorization header, hidden in records and delivery errors', async (t) => {
  const { s } = await deliveringServer(t, LOOPBACK);
  // Notifications are refused, so that the trail reports the endpoint in its error.
  const hook = await subscriber(t, (r) => (r.body.Type === 'Notification' ? 500 : 200));
  const endpoint = hook.url.replace('http://', 'http://alerts:s3cret%2Fpw@');
  const shown = hook.url.replace('http://', 'http://alerts:HIDDEN_DUE_TO_SECURITY_REASONS@');
  const sns = new SNSClient(clientConfig(s.url));
  t.after(() => sns.destroy());
  const { TopicArn } = await sns.send(new CreateTopicCommand({ Name: 'trail-files' }));
  await sns.send(new SubscribeCommand({ TopicArn, Protocol: 'http', Endpoint: endpoint }));
  await assert.rejects(sns.send(new SubscribeCommand({ TopicArn, Protocol: 'https', Endpoint: endpoint })), { name: 'InvalidParameterException' });
  // Sent without the credentials in the URL, which fetch refused (no confirmation could be sent).
  await waitFor('the subscription confirmation', async () => hook.received.length === 1);
  assert.equal(hook.received[0].headers.authorization, `Basic ${Buffer.from('alerts:s3cret/pw').toString('base64')}`);
  await sns.send(new ConfirmSubscriptionCommand({ TopicArn, Token: hook.received[0].body.Token }));

  const ct = s.cloudtrail();
  await ct.send(new CreateTrailCommand({ Name: 'notified', S3BucketName: 'logs', SnsTopicName: 'trail-files' }));
  await ct.send(new StartLoggingCommand({ Name: 'notified' }));
  await s.chime().send(new CreateAccountCommand({ Name: 'notify-me' }));
  await waitFor('the notification refused', async () => (await ct.send(new GetTrailStatusCommand({ Name: 'notified' }))).LatestNotificationError !== undefined);
  assert.equal((await ct.send(new GetTrailStatusCommand({ Name: 'notified' }))).LatestNotificationError, `HTTP 500 from ${shown}`);
  assert.equal(hook.received.at(-1)!.headers.authorization, hook.received[0].headers.authorization);

  // The password is in no record; both Subscribe calls, the refused one too, show the endpoint without it.
  const records = (await journal(s.server)).map((e) => e.record);
  assert.deepEqual(records.filter((r) => r.includes('s3cret')), []);
  const subscribes = records.map((r) => JSON.parse(r)).filter((r) => r.eventName === 'Subscribe');
  assert.deepEqual(subscribes.map((r) => [r.requestParameters.endpoint, r.errorCode]), [[shown, undefined], [shown, 'InvalidParameter']]);
  // Listed without it, and kept sealed: no file of the data dir holds it in clear.
  assert.deepEqual((await sns.send(new ListSubscriptionsCommand({}))).Subscriptions!.map((x) => x.Endpoint), [shown]);
  assert.deepEqual(filesHolding(s.dataDir, 's3cret'), []);
});

test('an endpoint password is hidden wherever the URL standard finds one', () => {
  const cases: [string, string][] = [
    ['https://u:p@host/x', 'https://u:HIDDEN_DUE_TO_SECURITY_REASONS@host/x'],
    ['HTTPS://u:p@Host:8443/x?y=1#z', 'HTTPS://u:HIDDEN_DUE_TO_SECURITY_REASONS@Host:8443/x?y=1#z'],
    ['http://a@b:c@d@host/', 'http://a@b:HIDDEN_DUE_TO_SECURITY_REASONS@host/'],
    ['http://u:@host/', 'http://u:HIDDEN_DUE_TO_SECURITY_REASONS@host/'],
    ['http://u@host/', 'http://u@host/'],
    ['http://host:8080/a:b@c', 'http://host:8080/a:b@c'],
  ];
  for (const [endpoint, shown] of cases) {
    assert.equal(withoutPassword(endpoint), shown);
    const { password } = new URL(endpoint);
    if (password) assert.ok(!shown.includes(`:${password}@`), endpoint);
  }
});

test('SNS delivers to public addresses only, as SNS does, and to the networks the operator adds', () => {
  const byDefault = loadConfig({}, {}).snsEndpointNetworks;
  const refused = [
    ['127.0.0.1', '10.1.2.3', '172.16.0.1', '192.168.1.1', '100.64.0.1', '169.254.169.254', '0.0.0.0', '224.0.0.1', '255.255.255.255', '198.18.0.1'],
    ['::1', '::', 'fe80::1', 'fd00::1', 'fc00::1', 'ff02::1', '::ffff:127.0.0.1', '::ffff:169.254.169.254', '::127.0.0.1'],
    // IPv6 forms that carry a private IPv4 address: NAT64, 6to4, Teredo.
    ['64:ff9b::a00:1', '2002:a00:1::1', '2001::1', '2001:db8::1'],
  ].flat();
  for (const address of refused) assert.equal(byDefault.allows(address), false, address);
  for (const address of ['8.8.8.8', '1.1.1.1', '2606:4700:4700::1111', '::ffff:8.8.8.8']) assert.equal(byDefault.allows(address), true, address);

  const internal = EndpointNetworks.parse('10.0.0.0/8, fd00::/8,192.168.1.7')!;
  for (const address of ['10.200.0.1', 'fd12::1', '192.168.1.7']) assert.equal(internal.allows(address), true, address);
  for (const address of ['11.0.0.1', '192.168.1.8', '8.8.8.8', '127.0.0.1']) assert.equal(internal.allows(address), false, address);
  assert.equal(EndpointNetworks.parse('public,10.0.0.0/8')!.allows('8.8.8.8'), true);

  for (const bad of ['10.0.0.0/33', 'fd00::/129', '10.0.0/8', 'intranet', '10.0.0.0/8/1', '', 'public,']) {
    assert.throws(() => loadConfig({}, { OPENTRAIL_SNS_ENDPOINT_NETWORKS: bad === '' ? ',' : bad }), ConfigError, bad);
  }
});

test('an endpoint at an address SNS may not deliver to is refused as SNS refuses it: Unreachable Endpoint, recorded', async (t) => {
  const logged: string[] = [];
  const s = await startServer({ log: (m) => logged.push(m) });
  t.after(() => s.close());
  const sns = new SNSClient(clientConfig(s.url));
  t.after(() => sns.destroy());
  const { TopicArn } = await sns.send(new CreateTopicCommand({ Name: 'probe' }));
  // Cloud metadata, loopback in its several spellings, "this host".
  const endpoints = ['http://169.254.169.254/latest/meta-data/', 'http://127.0.0.1:4747/', 'http://[::1]/', 'http://[::ffff:7f00:1]/', 'http://2130706433/', 'https://0x7f.1/', 'http://0.0.0.0:22/'];
  for (const Endpoint of endpoints) {
    const protocol = Endpoint.slice(0, Endpoint.indexOf(':'));
    await assert.rejects(sns.send(new SubscribeCommand({ TopicArn, Protocol: protocol, Endpoint })), { name: 'InvalidParameterException', message: 'Invalid parameter: Unreachable Endpoint' }, Endpoint);
  }
  assert.deepEqual((await sns.send(new ListSubscriptionsCommand({}))).Subscriptions, []);
  const records = (await journal(s.server)).map((e) => JSON.parse(e.record)).filter((r) => r.eventName === 'Subscribe');
  assert.deepEqual(
    records.map((r) => [r.requestParameters.endpoint, r.errorCode]),
    endpoints.map((e) => [e, 'InvalidParameter']),
  );

  // A host name is taken (SNS resolves it when it sends), and refused when its confirmation would go out.
  const hook = await subscriber(t);
  const byName = hook.url.replace('127.0.0.1', 'localhost');
  const { SubscriptionArn } = await sns.send(new SubscribeCommand({ TopicArn, Protocol: 'http', Endpoint: byName, ReturnSubscriptionArn: true }));
  await waitFor('the refusal logged', async () => logged.length > 0);
  assert.deepEqual(logged, [
    `sns: the confirmation of ${SubscriptionArn} to ${byName} failed, retrying: localhost: ${logged[0].match(/localhost: (.*) is not/)![1]} is not in the networks SNS may deliver to (OPENTRAIL_SNS_ENDPOINT_NETWORKS=public)`,
  ]);
  assert.match(logged[0], /localhost: (::1, )?127\.0\.0\.1(, ::1)? is not/);
  assert.deepEqual(hook.received, []);
});

test('a notification goes only where the networks allow once a name is resolved, and follows no redirect', async (t) => {
  const dataDir = tempDir();
  t.after(() => rmSync(dataDir, { recursive: true, force: true }));
  await new FolderBucket(dataDir, 'logs').create();
  const env = { OPENTRAIL_DELIVERY_INTERVAL_SECONDS: '1', ...LOOPBACK };
  // Where a redirect leads: it must never be asked.
  const elsewhere = await subscriber(t);
  let redirect = false;
  const hook = await subscriber(t, (r, res) => {
    if (!redirect || r.body.Type !== 'Notification') return 200;
    res.setHeader('location', elsewhere.url);
    return 302;
  });
  const byName = hook.url.replace('127.0.0.1', 'localhost');

  let s = await startServer({ dataDir, env });
  t.after(() => s.close());
  const sns = () => new SNSClient(clientConfig(s.url));
  const { TopicArn } = await sns().send(new CreateTopicCommand({ Name: 'files' }));
  // A name: resolved to its allowed address (localhost may resolve to ::1 first).
  await sns().send(new SubscribeCommand({ TopicArn, Protocol: 'http', Endpoint: byName }));
  await waitFor('the subscription confirmation', async () => hook.received.length === 1);
  await sns().send(new ConfirmSubscriptionCommand({ TopicArn, Token: hook.received[0].body.Token }));
  const ct = () => s.cloudtrail();
  await ct().send(new CreateTrailCommand({ Name: 'notified', S3BucketName: 'logs', SnsTopicName: 'files' }));
  await ct().send(new StartLoggingCommand({ Name: 'notified' }));
  await s.chime().send(new CreateAccountCommand({ Name: 'first' }));
  await waitFor('the first notification', async () => hook.received.length >= 2);
  assert.equal((await ct().send(new GetTrailStatusCommand({ Name: 'notified' }))).LatestNotificationError, undefined);
  await s.close();
  const delivered = hook.received.length;

  // The operator narrows the networks: the same name now resolves to no address SNS may use.
  s = await startServer({ dataDir, env: { ...env, OPENTRAIL_SNS_ENDPOINT_NETWORKS: 'public' } });
  await s.chime().send(new CreateAccountCommand({ Name: 'second' }));
  await waitFor('the notification refused', async () => (await ct().send(new GetTrailStatusCommand({ Name: 'notified' }))).LatestNotificationError !== undefined);
  assert.match((await ct().send(new GetTrailStatusCommand({ Name: 'notified' }))).LatestNotificationError!, /^localhost: .*127\.0\.0\.1.* is not in the networks SNS may deliver to \(OPENTRAIL_SNS_ENDPOINT_NETWORKS=public\)$/);
  assert.equal(hook.received.length, delivered);
  await s.close();

  // A redirect is an answer, not a new destination: the notification failed, and nothing went elsewhere.
  s = await startServer({ dataDir, env });
  redirect = true;
  await s.chime().send(new CreateAccountCommand({ Name: 'third' }));
  await waitFor('the redirect refused', async () => /^HTTP 302 /.test((await ct().send(new GetTrailStatusCommand({ Name: 'notified' }))).LatestNotificationError ?? ''));
  assert.equal((await ct().send(new GetTrailStatusCommand({ Name: 'notified' }))).LatestNotificationError, `HTTP 302 from ${byName}`);
  assert.ok(hook.received.length > delivered);
  assert.deepEqual(elsewhere.received, []);
});
