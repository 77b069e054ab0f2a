import { test } from 'node:test';
import assert from 'node:assert/strict';
import { CreateAccountCommand } from '@aws-sdk/client-chime';
import { LookupEventsCommand } from '@aws-sdk/client-cloudtrail';
import { startServer } from './helpers/server.ts';

test('a Chime call made with the SDK is found with LookupEvents', async (t) => {
  const s = await startServer();
  t.after(() => s.close());
  const created = await s.chime().send(new CreateAccountCommand({ Name: 'smoke' }));
  const found = await s.cloudtrail().send(new LookupEventsCommand({ LookupAttributes: [{ AttributeKey: 'EventName', AttributeValue: 'CreateAccount' }] }));
  assert.equal(found.Events?.length, 1);
  const record = JSON.parse(found.Events![0].CloudTrailEvent!);
  assert.equal(record.responseElements.account.accountId, created.Account!.AccountId);
  assert.equal(record.requestID, created.$metadata.requestId);
});
