// The seed scenario of issue 2: CreateAccount, InviteUsers, ResetPersonalPIN and an update that
// fails with a conflict, each found in Event history with every field of its record right,
// by each of the 8 lookup attributes and by time range.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import {
  ConflictException,
  CreateAccountCommand,
  GetAccountCommand,
  InviteUsersCommand,
  ListUsersCommand,
  ResetPersonalPINCommand,
  UpdateAccountCommand,
} from '@aws-sdk/client-chime';
import type { ChimeClient } from '@aws-sdk/client-chime';
import { LookupEventsCommand } from '@aws-sdk/client-cloudtrail';
import type { CloudTrailClient, Event, LookupAttributeKey } from '@aws-sdk/client-cloudtrail';
import { ACCOUNT_ID, aws, ROOT, startServer } from './helpers/server.ts';
import type { TestServer } from './helpers/server.ts';
import { captureUserAgents, EVENT_ID, eventIdTime, isoSeconds, lookupAll, recordOf, UUID } from './helpers/records.ts';

const HIDDEN = 'HIDDEN_DUE_TO_SECURITY_REASONS';
const EMAILS = ['ann.seed@example.com', 'bob.seed@example.com'];
const ROOT_IDENTITY = {
  type: 'Root',
  principalId: ACCOUNT_ID,
  arn: `arn:aws:iam::${ACCOUNT_ID}:root`,
  accountId: ACCOUNT_ID,
  accessKeyId: ROOT.accessKeyId,
};
// The field order AWS writes (consumers must not depend on it, but byte-similar output helps).
const FIELD_ORDER = [
  'eventVersion',
  'userIdentity',
  'eventTime',
  'eventSource',
  'eventName',
  'awsRegion',
  'sourceIPAddress',
  'userAgent',
  'errorCode',
  'errorMessage',
  'requestParameters',
  'responseElements',
  'additionalEventData',
  'requestID',
  'eventID',
  'readOnly',
  'resources',
  'eventType',
  'managementEvent',
  'recipientAccountId',
  'eventCategory',
  'tlsDetails',
];

interface Call {
  name: string;
  requestId: string;
  userAgent: string;
}

describe('seed scenario', () => {
  let s: TestServer;
  let chime: ChimeClient;
  let ct: CloudTrailClient;
  const calls: Record<string, Call> = {};
  let accountId: string;
  let otherId: string;
  let userId: string;
  let pin: string;
  let conflict: ConflictException;
  let createResponse: any;
  let inviteResponse: any;
  let resetResponse: any;
  let started: number;
  let chimeEvents: Event[];
  let nameAfterConflict: string;

  before(async () => {
    s = await startServer();
    chime = s.chime();
    ct = s.cloudtrail();
    const agents = captureUserAgents(chime);
    const note = (name: string, requestId: string | undefined) => {
      calls[name] = { name, requestId: requestId!, userAgent: agents[agents.length - 1] };
    };
    started = Math.floor(Date.now() / 1000) * 1000;

    createResponse = await chime.send(new CreateAccountCommand({ Name: 'acme' }));
    note('CreateAccount', createResponse.$metadata.requestId);
    accountId = createResponse.Account.AccountId;
    const other = await chime.send(new CreateAccountCommand({ Name: 'Taken Name' }));
    note('CreateAccount2', other.$metadata.requestId);
    otherId = other.Account!.AccountId!;

    inviteResponse = await chime.send(new InviteUsersCommand({ AccountId: accountId, UserEmailList: EMAILS }));
    note('InviteUsers', inviteResponse.$metadata.requestId);

    const users = await chime.send(new ListUsersCommand({ AccountId: accountId }));
    note('ListUsers', users.$metadata.requestId);
    userId = users.Users!.find((u) => u.PrimaryEmail === EMAILS[0])!.UserId!;

    resetResponse = await chime.send(new ResetPersonalPINCommand({ AccountId: accountId, UserId: userId }));
    note('ResetPersonalPIN', resetResponse.$metadata.requestId);
    pin = resetResponse.User.PersonalPIN;

    // Account names are unique case-insensitively: renaming to another account's name conflicts.
    conflict = await chime.send(new UpdateAccountCommand({ AccountId: accountId, Name: 'taken name' })).then(
      () => assert.fail('UpdateAccount to a taken name succeeded'),
      (e) => e,
    );
    note('UpdateAccount', conflict.$metadata.requestId);
    const still = await chime.send(new GetAccountCommand({ AccountId: accountId }));
    note('GetAccount', still.$metadata.requestId);
    nameAfterConflict = still.Account!.Name!;

    chimeEvents = await lookupAll(ct, { LookupAttributes: [{ AttributeKey: 'EventSource', AttributeValue: 'chime.amazonaws.com' }] });
  });
  after(() => s.close());

  const recordOfCall = (name: string) => {
    const found = chimeEvents.map(recordOf).filter((r) => r.requestID === calls[name].requestId);
    assert.equal(found.length, 1, `one record of ${name}`);
    return found[0];
  };

  /** The fields every record of this scenario shares, checked once per record. */
  function assertCommon(record: Record<string, any>, call: Call, readOnly: boolean) {
    assert.equal(record.eventVersion, '1.11');
    assert.deepEqual(record.userIdentity, ROOT_IDENTITY);
    assert.match(record.eventTime, /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$/);
    const t = Date.parse(record.eventTime);
    assert.ok(t >= started && t <= Date.now(), `eventTime ${record.eventTime} within the test`);
    assert.equal(record.eventSource, 'chime.amazonaws.com');
    assert.equal(record.awsRegion, 'us-east-1');
    assert.equal(record.sourceIPAddress, '127.0.0.1');
    assert.ok(call.userAgent.startsWith('aws-sdk-js/'), call.userAgent);
    assert.equal(record.userAgent, call.userAgent);
    assert.equal(record.requestID, call.requestId);
    assert.match(record.requestID, UUID);
    assert.match(record.eventID, EVENT_ID);
    assert.ok(eventIdTime(record.eventID) >= started && eventIdTime(record.eventID) <= Date.now(), 'the event id begins with the time it was made');
    assert.equal(record.readOnly, readOnly);
    assert.equal(record.eventType, 'AwsApiCall');
    assert.equal(record.managementEvent, true);
    assert.equal(record.recipientAccountId, ACCOUNT_ID);
    assert.equal(record.eventCategory, 'Management');
    assert.equal('tlsDetails' in record, false, 'no tlsDetails over plain HTTP');
    assert.equal('additionalEventData' in record, false, 'signed for us-east-1: no signingRegion note');
    const order = Object.keys(record).map((k) => FIELD_ORDER.indexOf(k));
    assert.ok(!order.includes(-1), `only known fields: ${Object.keys(record)}`);
    assert.deepEqual(order, [...order].sort((a, b) => a - b), 'fields in the order AWS writes them');
    for (const secret of [...EMAILS, pin, ROOT.secretAccessKey]) {
      assert.ok(!JSON.stringify(record).includes(secret), `record leaks ${secret}`);
    }
  }

  test('CreateAccount: request and response as sent, lowerCamelCase', () => {
    const r = recordOfCall('CreateAccount');
    assertCommon(r, calls.CreateAccount, false);
    assert.equal(r.eventName, 'CreateAccount');
    assert.equal('errorCode' in r || 'errorMessage' in r, false);
    assert.deepEqual(r.requestParameters, { name: 'acme' });
    const a = createResponse.Account;
    assert.deepEqual(r.responseElements, {
      account: {
        awsAccountId: ACCOUNT_ID,
        accountId: a.AccountId,
        name: 'acme',
        accountType: 'Team',
        createdTimestamp: isoSeconds(a.CreatedTimestamp),
        defaultLicense: a.DefaultLicense,
        supportedLicenses: a.SupportedLicenses,
        accountStatus: 'Active',
        signinDelegateGroups: [],
      },
    });
  });

  test('InviteUsers: e-mail addresses hidden in request and response', () => {
    const r = recordOfCall('InviteUsers');
    assertCommon(r, calls.InviteUsers, false);
    assert.equal(r.eventName, 'InviteUsers');
    assert.deepEqual(r.requestParameters, { accountId, userEmailList: [HIDDEN, HIDDEN] });
    assert.equal(inviteResponse.Invites.length, 2);
    assert.deepEqual(
      r.responseElements,
      {
        invites: inviteResponse.Invites.map((i: any) => ({ inviteId: i.InviteId, status: i.Status, emailAddress: HIDDEN, emailStatus: i.EmailStatus })),
      },
    );
  });

  test('ListUsers: read-only, so responseElements is null', () => {
    const r = recordOfCall('ListUsers');
    assertCommon(r, calls.ListUsers, true);
    assert.equal(r.eventName, 'ListUsers');
    assert.deepEqual(r.requestParameters, { accountId });
    assert.equal(r.responseElements, null);
  });

  test('ResetPersonalPIN: the new PIN reached the caller and is redacted in the record', () => {
    assert.match(pin, /^\d{10}$/);
    const r = recordOfCall('ResetPersonalPIN');
    assertCommon(r, calls.ResetPersonalPIN, false);
    assert.equal(r.eventName, 'ResetPersonalPIN');
    assert.deepEqual(r.requestParameters, { accountId, userId });
    const u = resetResponse.User;
    assert.deepEqual(r.responseElements, {
      user: {
        userId,
        accountId,
        primaryEmail: HIDDEN,
        licenseType: u.LicenseType,
        userType: 'PrivateUser',
        userRegistrationStatus: u.UserRegistrationStatus,
        userInvitationStatus: u.UserInvitationStatus,
        invitedOn: isoSeconds(u.InvitedOn),
        personalPIN: HIDDEN,
      },
    });
  });

  test('UpdateAccount to a taken name: ConflictException 409 for the client, recorded with its error, nothing changed', () => {
    assert.ok(conflict instanceof ConflictException, `got ${conflict.name}`);
    assert.equal(conflict.$metadata.httpStatusCode, 409);
    assert.equal(conflict.Code, 'Conflict');
    assert.match(conflict.message, /^Request could not be completed due to a conflict/);
    const r = recordOfCall('UpdateAccount');
    assertCommon(r, calls.UpdateAccount, false);
    assert.equal(r.eventName, 'UpdateAccount');
    assert.equal(r.errorCode, 'ConflictException');
    assert.equal(r.errorMessage, conflict.message);
    assert.deepEqual(r.requestParameters, { accountId, name: 'taken name' });
    assert.equal(r.responseElements, null);
    assert.equal(nameAfterConflict, 'acme');
  });

  test('eventIDs are unique; Event history lists the calls newest first', () => {
    const ids = chimeEvents.map((e) => e.EventId);
    assert.equal(new Set(ids).size, ids.length);
    const order = ['GetAccount', 'UpdateAccount', 'ResetPersonalPIN', 'ListUsers', 'InviteUsers', 'CreateAccount2', 'CreateAccount'].map((n) => calls[n].requestId);
    assert.deepEqual(chimeEvents.map((e) => recordOf(e).requestID), order);
  });

  test('each Event carries the lookup fields of its record', () => {
    const e = chimeEvents.find((x) => recordOf(x).requestID === calls.ResetPersonalPIN.requestId)!;
    const r = recordOf(e);
    assert.deepEqual(
      { ...e, CloudTrailEvent: undefined },
      {
        EventId: r.eventID,
        EventName: 'ResetPersonalPIN',
        ReadOnly: 'false',
        AccessKeyId: ROOT.accessKeyId,
        EventTime: new Date(r.eventTime),
        EventSource: 'chime.amazonaws.com',
        Username: 'root',
        Resources: [
          { ResourceType: 'AWS::Chime::Account', ResourceName: accountId },
          { ResourceType: 'AWS::Chime::User', ResourceName: userId },
        ],
        CloudTrailEvent: undefined,
      },
    );
  });

  const ids = (events: Event[]) => events.map((e) => recordOf(e).requestID);
  const lookup = (AttributeKey: LookupAttributeKey, AttributeValue: string) => lookupAll(ct, { LookupAttributes: [{ AttributeKey, AttributeValue }] });
  const only = (events: Event[], source = 'chime.amazonaws.com') => events.filter((e) => e.EventSource === source);
  const req = (...names: string[]) => names.map((n) => calls[n].requestId);

  test('found by EventId', async () => {
    const r = recordOfCall('InviteUsers');
    assert.deepEqual(ids(await lookup('EventId', r.eventID)), req('InviteUsers'));
    assert.deepEqual(await lookup('EventId', '00000000-0000-4000-8000-000000000000'), []);
  });

  test('found by EventName', async () => {
    assert.deepEqual(ids(await lookup('EventName', 'CreateAccount')), req('CreateAccount2', 'CreateAccount'));
    assert.deepEqual(ids(await lookup('EventName', 'ResetPersonalPIN')), req('ResetPersonalPIN'));
    assert.deepEqual(ids(await lookup('EventName', 'UpdateAccount')), req('UpdateAccount'));
  });

  test('found by ReadOnly', async () => {
    const writes = await lookup('ReadOnly', 'false');
    assert.deepEqual(ids(writes), req('UpdateAccount', 'ResetPersonalPIN', 'InviteUsers', 'CreateAccount2', 'CreateAccount'));
    const reads = await lookup('ReadOnly', 'true');
    assert.deepEqual(ids(only(reads)), req('GetAccount', 'ListUsers'));
    assert.ok(reads.every((e) => e.ReadOnly === 'true'));
    assert.ok(only(reads, 'cloudtrail.amazonaws.com').length > 0, 'LookupEvents calls are read-only events');
  });

  test('found by Username', async () => {
    assert.deepEqual(ids(only(await lookup('Username', 'root'))), ids(chimeEvents));
    assert.deepEqual(await lookup('Username', 'nobody'), []);
  });

  test('found by ResourceType', async () => {
    assert.deepEqual(ids(await lookup('ResourceType', 'AWS::Chime::User')), req('ResetPersonalPIN'));
    assert.deepEqual(ids(await lookup('ResourceType', 'AWS::Chime::Account')), ids(chimeEvents));
  });

  test('found by ResourceName', async () => {
    assert.deepEqual(ids(await lookup('ResourceName', accountId)), req('GetAccount', 'UpdateAccount', 'ResetPersonalPIN', 'ListUsers', 'InviteUsers', 'CreateAccount'));
    assert.deepEqual(ids(await lookup('ResourceName', otherId)), req('CreateAccount2'));
    assert.deepEqual(ids(await lookup('ResourceName', userId)), req('ResetPersonalPIN'));
  });

  test('found by EventSource', async () => {
    assert.equal(chimeEvents.length, 7);
    const own = await lookup('EventSource', 'cloudtrail.amazonaws.com');
    assert.ok(own.length > 0 && own.every((e) => e.EventName === 'LookupEvents'));
  });

  test('found by AccessKeyId', async () => {
    assert.deepEqual(ids(only(await lookup('AccessKeyId', ROOT.accessKeyId))), ids(chimeEvents));
    assert.deepEqual(await lookup('AccessKeyId', 'AKIAUNKNOWNKEY000000'), []);
  });

  test('found by the aws CLI the same way', async () => {
    const res = await aws(s.url, ['cloudtrail', 'lookup-events', '--lookup-attributes', 'AttributeKey=EventName,AttributeValue=InviteUsers']);
    assert.equal(res.code, 0, res.stderr);
    assert.equal(res.json.Events.length, 1);
    assert.equal(JSON.parse(res.json.Events[0].CloudTrailEvent).requestID, calls.InviteUsers.requestId);
    assert.equal(res.json.Events[0].Username, 'root');
    assert.equal(res.json.Events[0].ReadOnly, 'false');
  });

  test('found by time range, both ends inclusive', async () => {
    const times = chimeEvents.map((e) => e.EventTime!.getTime());
    const first = new Date(Math.min(...times));
    const last = new Date(Math.max(...times));
    const inRange = async (StartTime: Date, EndTime: Date) => ids(only(await lookupAll(ct, { StartTime, EndTime })));
    assert.deepEqual(await inRange(first, last), ids(chimeEvents));
    assert.deepEqual(await inRange(new Date(first.getTime() - 60_000), new Date(first.getTime() - 1000)), []);
    assert.deepEqual(await inRange(new Date(last.getTime() + 1000), new Date(last.getTime() + 60_000)), []);
    // A range of one second holds exactly the events of that second.
    const createTime = new Date(recordOfCall('CreateAccount').eventTime);
    const sameSecond = chimeEvents.filter((e) => e.EventTime!.getTime() === createTime.getTime());
    assert.deepEqual(await inRange(createTime, createTime), ids(sameSecond));
    // An attribute and a time range together.
    const named = await lookupAll(ct, { StartTime: first, EndTime: last, LookupAttributes: [{ AttributeKey: 'EventName', AttributeValue: 'CreateAccount' }] });
    assert.deepEqual(ids(named), req('CreateAccount2', 'CreateAccount'));
  });

  test('LookupEvents calls are recorded (cloudtrail.amazonaws.com, read-only) and visible to the next lookup', async () => {
    const agents = captureUserAgents(ct);
    const probe = await ct.send(new LookupEventsCommand({ MaxResults: 7, LookupAttributes: [{ AttributeKey: 'EventName', AttributeValue: 'GetBot' }] }));
    const found = (await lookup('EventName', 'LookupEvents')).map(recordOf).filter((r) => r.requestID === probe.$metadata.requestId);
    assert.equal(found.length, 1);
    const r = found[0];
    assert.equal(r.eventSource, 'cloudtrail.amazonaws.com');
    assert.equal(r.eventName, 'LookupEvents');
    assert.equal(r.readOnly, true);
    assert.equal(r.awsRegion, 'us-east-1');
    assert.equal(r.userAgent, agents[0]);
    assert.deepEqual(r.userIdentity, ROOT_IDENTITY);
    assert.deepEqual(r.requestParameters, { lookupAttributes: [{ attributeKey: 'EventName', attributeValue: 'GetBot' }], maxResults: 7 });
    assert.equal(r.responseElements, null);
    assert.equal('errorCode' in r, false);
  });
});
