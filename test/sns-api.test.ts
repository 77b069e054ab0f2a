// The small SNS API: topics per account and region, subscriptions, and SNS's errors.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ConfirmSubscriptionCommand, CreateTopicCommand, DeleteTopicCommand, ListSubscriptionsCommand, ListTopicsCommand, SNSClient, SubscribeCommand } from '@aws-sdk/client-sns';
import { LookupEventsCommand } from '@aws-sdk/client-cloudtrail';
import { ACCOUNT_ID, aws, clientConfig, startServer } from './helpers/server.ts';

test('topics: created once per name and region, listed, deleted with their subscriptions', async (t) => {
  // Subscribed to the loopback address, which SNS does not deliver to by default.
  const s = await startServer({ env: { OPENTRAIL_SNS_ENDPOINT_NETWORKS: '127.0.0.1' } });
  t.after(() => s.close());
  const east = new SNSClient(clientConfig(s.url));
  const west = new SNSClient(clientConfig(s.url, { region: 'us-west-2' }));
  t.after(() => (east.destroy(), west.destroy()));

  const arn = `arn:aws:sns:us-east-1:${ACCOUNT_ID}:alerts`;
  assert.equal((await east.send(new CreateTopicCommand({ Name: 'alerts' }))).TopicArn, arn);
  assert.equal((await east.send(new CreateTopicCommand({ Name: 'alerts' }))).TopicArn, arn);
  await west.send(new CreateTopicCommand({ Name: 'alerts' }));
  assert.deepEqual((await east.send(new ListTopicsCommand({}))).Topics, [{ TopicArn: arn }]);

  await assert.rejects(east.send(new CreateTopicCommand({ Name: 'bad name' })), { name: 'InvalidParameterException', message: 'Invalid parameter: Topic Name' });
  await assert.rejects(east.send(new SubscribeCommand({ TopicArn: arn, Protocol: 'email', Endpoint: 'a@example.com' })), { name: 'InvalidParameterException' });
  await assert.rejects(east.send(new SubscribeCommand({ TopicArn: `${arn}-nope`, Protocol: 'http', Endpoint: 'http://127.0.0.1:9/' })), { name: 'NotFoundException', message: 'Topic does not exist' });

  const sub = await east.send(new SubscribeCommand({ TopicArn: arn, Protocol: 'http', Endpoint: 'http://127.0.0.1:9/hook', ReturnSubscriptionArn: true }));
  assert.match(sub.SubscriptionArn!, new RegExp(`^${arn}:`));
  assert.deepEqual((await east.send(new ListSubscriptionsCommand({}))).Subscriptions!.map((x) => x.SubscriptionArn), ['PendingConfirmation']);

  const cli = await aws(s.url, ['sns', 'delete-topic', '--topic-arn', arn]);
  assert.equal(cli.code, 0, cli.stderr);
  assert.deepEqual((await east.send(new ListTopicsCommand({}))).Topics, []);
  assert.deepEqual((await east.send(new ListSubscriptionsCommand({}))).Subscriptions, []);
  await assert.rejects(east.send(new DeleteTopicCommand({ TopicArn: arn })), { name: 'NotFoundException' });
  assert.equal((await west.send(new ListTopicsCommand({}))).Topics!.length, 1);
});

test('a call naming its resource with an empty string lists no resource in Event history', async (t) => {
  const s = await startServer();
  t.after(() => s.close());
  const sns = new SNSClient(clientConfig(s.url));
  t.after(() => sns.destroy());
  await assert.rejects(sns.send(new ConfirmSubscriptionCommand({ TopicArn: '', Token: 'x' })), { name: 'InvalidParameterException' });
  await assert.rejects(sns.send(new SubscribeCommand({ TopicArn: '', Protocol: 'http', Endpoint: 'http://127.0.0.1:9/' })), { name: 'InvalidParameterException' });
  for (const EventName of ['ConfirmSubscription', 'Subscribe']) {
    const { Events } = await s.cloudtrail().send(new LookupEventsCommand({ LookupAttributes: [{ AttributeKey: 'EventName', AttributeValue: EventName }] }));
    // It listed { ResourceType: 'AWS::SNS::Topic', ResourceName: '' }.
    assert.deepEqual(Events!.map((e) => e.Resources), [[]], EventName);
  }
});
