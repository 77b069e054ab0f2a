// Phone numbers without telephony: search, orders, the inventory, users' numbers, AWS-account
// settings and meeting dial-outs, through @aws-sdk/client-chime.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import {
  AssociatePhoneNumberWithUserCommand,
  BatchDeletePhoneNumberCommand,
  BatchSuspendUserCommand,
  BatchUpdatePhoneNumberCommand,
  CreateAccountCommand,
  CreateMeetingDialOutCommand,
  CreatePhoneNumberOrderCommand,
  CreateUserCommand,
  DeletePhoneNumberCommand,
  DisassociatePhoneNumberFromUserCommand,
  GetGlobalSettingsCommand,
  GetPhoneNumberCommand,
  GetPhoneNumberOrderCommand,
  GetPhoneNumberSettingsCommand,
  GetUserCommand,
  InviteUsersCommand,
  ListPhoneNumberOrdersCommand,
  ListPhoneNumbersCommand,
  ListSupportedPhoneNumberCountriesCommand,
  ListUsersCommand,
  RestorePhoneNumberCommand,
  SearchAvailablePhoneNumbersCommand,
  UpdateGlobalSettingsCommand,
  UpdatePhoneNumberCommand,
  UpdatePhoneNumberSettingsCommand,
} from '@aws-sdk/client-chime';
import type { ChimeClient } from '@aws-sdk/client-chime';
import { startServer } from './helpers/server.ts';
import type { TestServer } from './helpers/server.ts';
import { recordOfRequest, UUID } from './helpers/records.ts';
import { rejectsWith } from './helpers/chime.ts';

let s: TestServer;
let chime: ChimeClient;
before(async () => {
  s = await startServer();
  chime = s.chime();
});
after(() => s.close());

const HIDDEN = 'HIDDEN_DUE_TO_SECURITY_REASONS';
let n = 0;
const range = (area: string, from: number, count: number) => Array.from({ length: count }, (_, i) => `+1${area}555${String(100 + from + i).padStart(4, '0')}`);
const order = async (numbers: string[]) => (await chime.send(new CreatePhoneNumberOrderCommand({ ProductType: 'BusinessCalling', E164PhoneNumbers: numbers }))).PhoneNumberOrder!;
const registeredUser = async () => {
  const { Account } = await chime.send(new CreateAccountCommand({ Name: `phones-${++n}` }));
  const { User } = await chime.send(new CreateUserCommand({ AccountId: Account!.AccountId, Email: `p${n}@example.com` }));
  return { accountId: Account!.AccountId!, userId: User!.UserId! };
};

describe('search and orders', () => {
  test('ListSupportedPhoneNumberCountries', async () => {
    const res = await chime.send(new ListSupportedPhoneNumberCountriesCommand({ ProductType: 'BusinessCalling' }));
    assert.deepEqual(res.PhoneNumberCountries, [
      { CountryCode: 'US', SupportedPhoneNumberTypes: ['Local', 'TollFree'] },
      { CountryCode: 'CA', SupportedPhoneNumberTypes: ['Local'] },
    ]);
    await rejectsWith(chime.send(new ListSupportedPhoneNumberCountriesCommand({ ProductType: 'Fax' as never })), 'BadRequestException', /enum value set/);
  });

  test('SearchAvailablePhoneNumbers: a deterministic pool by area code, state, city or toll-free prefix', async () => {
    const byArea = await chime.send(new SearchAvailablePhoneNumbersCommand({ AreaCode: '415', MaxResults: 500 }));
    assert.deepEqual(byArea.E164PhoneNumbers, range('415', 0, 100));
    assert.equal(byArea.NextToken, undefined);
    const byState = await chime.send(new SearchAvailablePhoneNumbersCommand({ Country: 'US', State: 'WA', MaxResults: 3 }));
    assert.deepEqual(byState.E164PhoneNumbers, range('206', 0, 3));
    const byCity = await chime.send(new SearchAvailablePhoneNumbersCommand({ Country: 'CA', City: 'Toronto', MaxResults: 1 }));
    assert.deepEqual(byCity.E164PhoneNumbers, ['+14165550100']);
    const tollFree = await chime.send(new SearchAvailablePhoneNumbersCommand({ PhoneNumberType: 'TollFree', TollFreePrefix: '800', MaxResults: 2 }));
    assert.deepEqual(tollFree.E164PhoneNumbers, ['+18005550100', '+18005550101']);
    await rejectsWith(chime.send(new SearchAvailablePhoneNumbersCommand({ Country: 'GB' })), 'BadRequestException', 'Phone numbers are not available in country GB. Supported countries: US, CA.');
    await rejectsWith(chime.send(new SearchAvailablePhoneNumbersCommand({ AreaCode: '123' })), 'BadRequestException', '123 is not a valid area code.');
    await rejectsWith(chime.send(new SearchAvailablePhoneNumbersCommand({ TollFreePrefix: '900' })), 'BadRequestException', /regular expression pattern/);
    await rejectsWith(chime.send(new SearchAvailablePhoneNumbersCommand({ AreaCode: '415', MaxResults: 501 })), 'BadRequestException', /less than or equal to 500/);
  });

  test('search pages stay correct while numbers are ordered between pages', async () => {
    const first = await chime.send(new SearchAvailablePhoneNumbersCommand({ AreaCode: '312', MaxResults: 40 }));
    assert.deepEqual(first.E164PhoneNumbers, range('312', 0, 40));
    // Someone orders numbers from both the page already seen and the pages to come.
    await order(['+13125550105', '+13125550150']);
    const rest: string[] = [];
    let token = first.NextToken;
    while (token) {
      const page = await chime.send(new SearchAvailablePhoneNumbersCommand({ AreaCode: '312', MaxResults: 40, NextToken: token }));
      rest.push(...page.E164PhoneNumbers!);
      token = page.NextToken;
    }
    assert.deepEqual(rest, range('312', 40, 60).filter((x) => x !== '+13125550150'));
    const again = await chime.send(new SearchAvailablePhoneNumbersCommand({ AreaCode: '312', MaxResults: 10 }));
    assert.ok(!again.E164PhoneNumbers!.includes('+13125550105'));
    await rejectsWith(chime.send(new SearchAvailablePhoneNumbersCommand({ AreaCode: '206', NextToken: first.NextToken })), 'BadRequestException', 'The next token is not valid for this request.');
  });

  test('CreatePhoneNumberOrder: Successful, Partial or Failed per number; GetPhoneNumberOrder and ListPhoneNumberOrders; numbers redacted in records', async () => {
    const ok = await chime.send(new CreatePhoneNumberOrderCommand({ ProductType: 'BusinessCalling', E164PhoneNumbers: ['+12125550100', '12125550101'] }));
    assert.equal(ok.$metadata.httpStatusCode, 201);
    const o = ok.PhoneNumberOrder!;
    assert.match(o.PhoneNumberOrderId!, UUID);
    assert.equal(o.Status, 'Successful');
    assert.deepEqual(o.OrderedPhoneNumbers, [
      { E164PhoneNumber: '+12125550100', Status: 'Acquired' },
      { E164PhoneNumber: '+12125550101', Status: 'Acquired' },
    ]);
    const partial = await order(['+12125550100', '+12125550102', '+442071234567']);
    assert.equal(partial.Status, 'Partial');
    assert.deepEqual(partial.OrderedPhoneNumbers!.map((x) => x.Status), ['Failed', 'Acquired', 'Failed']);
    const failed = await order(['+12125550102']);
    assert.equal(failed.Status, 'Failed');
    assert.deepEqual(await chime.send(new GetPhoneNumberOrderCommand({ PhoneNumberOrderId: o.PhoneNumberOrderId })).then((r) => r.PhoneNumberOrder), o);
    const listed = await chime.send(new ListPhoneNumberOrdersCommand({ MaxResults: 99 }));
    assert.ok([o, partial, failed].every((x) => listed.PhoneNumberOrders!.some((y) => y.PhoneNumberOrderId === x.PhoneNumberOrderId)));
    const record = await recordOfRequest(s.cloudtrail(), ok.$metadata.requestId!, { LookupAttributes: [{ AttributeKey: 'EventName', AttributeValue: 'CreatePhoneNumberOrder' }] });
    assert.deepEqual(record.requestParameters, { productType: 'BusinessCalling', e164PhoneNumbers: [HIDDEN, HIDDEN] });
    assert.deepEqual(record.responseElements.phoneNumberOrder.orderedPhoneNumbers, [
      { e164PhoneNumber: HIDDEN, status: 'Acquired' },
      { e164PhoneNumber: HIDDEN, status: 'Acquired' },
    ]);
    await rejectsWith(chime.send(new CreatePhoneNumberOrderCommand({ ProductType: 'BusinessCalling', E164PhoneNumbers: [] })), 'BadRequestException', 'An order needs at least one phone number.');
    await rejectsWith(chime.send(new CreatePhoneNumberOrderCommand({ ProductType: 'BusinessCalling', E164PhoneNumbers: ['call-me'] })), 'BadRequestException', /regular expression pattern/);
    await rejectsWith(chime.send(new GetPhoneNumberOrderCommand({ PhoneNumberOrderId: '7c0a7e35-2f47-4d25-8f0d-6f8d36a0f001' })), 'NotFoundException');
  });
});

describe('inventory', () => {
  test('GetPhoneNumber, UpdatePhoneNumber (calling name, product type) and BatchUpdatePhoneNumber', async () => {
    await order(['+16175550100', '+16175550101']);
    const got = (await chime.send(new GetPhoneNumberCommand({ PhoneNumberId: '+16175550100' }))).PhoneNumber!;
    assert.deepEqual(
      { ...got, CreatedTimestamp: undefined, UpdatedTimestamp: undefined },
      {
        PhoneNumberId: '+16175550100',
        E164PhoneNumber: '+16175550100',
        Country: 'US',
        Type: 'Local',
        ProductType: 'BusinessCalling',
        Status: 'Unassigned',
        Capabilities: { InboundCall: true, OutboundCall: true, InboundSMS: true, OutboundSMS: true, InboundMMS: false, OutboundMMS: false },
        Associations: [],
        CallingNameStatus: 'Unassigned',
        CreatedTimestamp: undefined,
        UpdatedTimestamp: undefined,
      },
    );
    const named = await chime.send(new UpdatePhoneNumberCommand({ PhoneNumberId: '+16175550100', CallingName: 'Acme Support' }));
    assert.equal(named.PhoneNumber!.CallingName, 'Acme Support');
    assert.equal(named.PhoneNumber!.CallingNameStatus, 'UpdateSucceeded');
    const vc = await chime.send(new UpdatePhoneNumberCommand({ PhoneNumberId: '+16175550101', ProductType: 'VoiceConnector' }));
    assert.equal(vc.PhoneNumber!.ProductType, 'VoiceConnector');
    await rejectsWith(chime.send(new UpdatePhoneNumberCommand({ PhoneNumberId: '+16175550100', CallingName: 'a' })), 'BadRequestException', /regular expression pattern/);
    await rejectsWith(chime.send(new UpdatePhoneNumberCommand({ PhoneNumberId: '+16175550199', CallingName: 'Acme' })), 'NotFoundException');
    const batch = await chime.send(
      new BatchUpdatePhoneNumberCommand({
        UpdatePhoneNumberRequestItems: [
          { PhoneNumberId: '+16175550100', CallingName: '' },
          { PhoneNumberId: '+16175550198', CallingName: 'Acme' },
        ],
      }),
    );
    assert.deepEqual(batch.PhoneNumberErrors!.map((e) => [e.PhoneNumberId, e.ErrorCode]), [['+16175550198', 'NotFound']]);
    const cleared = (await chime.send(new GetPhoneNumberCommand({ PhoneNumberId: '+16175550100' }))).PhoneNumber!;
    assert.equal(cleared.CallingName, undefined);
    assert.equal(cleared.CallingNameStatus, 'Unassigned');
    await rejectsWith(chime.send(new GetPhoneNumberCommand({ PhoneNumberId: '+16175550199' })), 'NotFoundException', "The requested phone number +16175550199 does not exist in this AWS account's inventory.");
  });

  test('numbers and users: only registered users take BusinessCalling numbers; one number each; Conflict on a product-type change while assigned', async () => {
    await order(['+15125550100', '+15125550101', '+15125550102']);
    await chime.send(new UpdatePhoneNumberCommand({ PhoneNumberId: '+15125550102', ProductType: 'VoiceConnector' }));
    const { accountId, userId } = await registeredUser();
    const assoc = await chime.send(new AssociatePhoneNumberWithUserCommand({ AccountId: accountId, UserId: userId, E164PhoneNumber: '+15125550100' }));
    assert.equal(assoc.$metadata.httpStatusCode, 200);
    assert.equal((await chime.send(new GetUserCommand({ AccountId: accountId, UserId: userId }))).User!.PrimaryProvisionedNumber, '+15125550100');
    const number = (await chime.send(new GetPhoneNumberCommand({ PhoneNumberId: '+15125550100' }))).PhoneNumber!;
    assert.equal(number.Status, 'Assigned');
    assert.deepEqual(number.Associations!.map((a) => [a.Name, a.Value]), [['AccountId', accountId], ['UserId', userId]]);
    const byUser = await chime.send(new ListPhoneNumbersCommand({ FilterName: 'UserId', FilterValue: userId }));
    assert.deepEqual(byUser.PhoneNumbers!.map((p) => p.PhoneNumberId), ['+15125550100']);
    const record = await recordOfRequest(s.cloudtrail(), assoc.$metadata.requestId!, { LookupAttributes: [{ AttributeKey: 'EventName', AttributeValue: 'AssociatePhoneNumberWithUser' }] });
    assert.deepEqual(record.requestParameters, { accountId, userId, e164PhoneNumber: HIDDEN });
    await rejectsWith(
      chime.send(new UpdatePhoneNumberCommand({ PhoneNumberId: '+15125550100', ProductType: 'VoiceConnector' })),
      'ConflictException',
      'Request could not be completed due to a conflict: phone number +15125550100 is assigned; disassociate it before changing its product type.',
      409,
    );
    const other = await registeredUser();
    await rejectsWith(
      chime.send(new AssociatePhoneNumberWithUserCommand({ AccountId: other.accountId, UserId: other.userId, E164PhoneNumber: '+15125550100' })),
      'BadRequestException',
      'Phone number +15125550100 is already assigned to another user.',
    );
    await rejectsWith(
      chime.send(new AssociatePhoneNumberWithUserCommand({ AccountId: other.accountId, UserId: other.userId, E164PhoneNumber: '+15125550102' })),
      'BadRequestException',
      'Phone number +15125550102 has product type VoiceConnector; only BusinessCalling numbers can be assigned to users.',
    );
    await rejectsWith(chime.send(new AssociatePhoneNumberWithUserCommand({ AccountId: other.accountId, UserId: other.userId, E164PhoneNumber: '+15125550199' })), 'NotFoundException');
    await chime.send(new InviteUsersCommand({ AccountId: other.accountId, UserEmailList: [`invited-${other.accountId}@example.com`] }));
    const invited = (await chime.send(new ListUsersCommand({ AccountId: other.accountId }))).Users!.find((u) => u.UserRegistrationStatus === 'Unregistered')!;
    await rejectsWith(
      chime.send(new AssociatePhoneNumberWithUserCommand({ AccountId: other.accountId, UserId: invited.UserId, E164PhoneNumber: '+15125550101' })),
      'BadRequestException',
      `User ${invited.UserId} has not registered yet; only registered users can be given a phone number.`,
    );
    // A second number replaces the first, which goes back to the inventory.
    await chime.send(new AssociatePhoneNumberWithUserCommand({ AccountId: accountId, UserId: userId, E164PhoneNumber: '15125550101' }));
    assert.equal((await chime.send(new GetPhoneNumberCommand({ PhoneNumberId: '+15125550100' }))).PhoneNumber!.Status, 'Unassigned');
    await chime.send(new DisassociatePhoneNumberFromUserCommand({ AccountId: accountId, UserId: userId }));
    assert.equal((await chime.send(new GetUserCommand({ AccountId: accountId, UserId: userId }))).User!.PrimaryProvisionedNumber, undefined);
    assert.equal((await chime.send(new GetPhoneNumberCommand({ PhoneNumberId: '+15125550101' }))).PhoneNumber!.Status, 'Unassigned');
    await rejectsWith(chime.send(new DisassociatePhoneNumberFromUserCommand({ AccountId: accountId, UserId: 'nobody' })), 'NotFoundException');
    // Suspending a Team user removes it and frees its number.
    await chime.send(new AssociatePhoneNumberWithUserCommand({ AccountId: accountId, UserId: userId, E164PhoneNumber: '+15125550101' }));
    await chime.send(new BatchSuspendUserCommand({ AccountId: accountId, UserIdList: [userId] }));
    assert.equal((await chime.send(new GetPhoneNumberCommand({ PhoneNumberId: '+15125550101' }))).PhoneNumber!.Status, 'Unassigned');
  });

  test('delete queues a number for 7 days; restore brings it back; assigned numbers cannot be deleted', async () => {
    await order(['+17015550100', '+17015550101', '+17015550102']);
    const { accountId, userId } = await registeredUser();
    await chime.send(new AssociatePhoneNumberWithUserCommand({ AccountId: accountId, UserId: userId, E164PhoneNumber: '+17015550102' }));
    assert.equal((await chime.send(new DeletePhoneNumberCommand({ PhoneNumberId: '+17015550100' }))).$metadata.httpStatusCode, 204);
    const queued = (await chime.send(new GetPhoneNumberCommand({ PhoneNumberId: '+17015550100' }))).PhoneNumber!;
    assert.equal(queued.Status, 'DeleteInProgress');
    assert.ok(queued.DeletionTimestamp instanceof Date);
    const deleting = await chime.send(new ListPhoneNumbersCommand({ Status: 'DeleteInProgress' }));
    assert.deepEqual(deleting.PhoneNumbers!.map((p) => p.PhoneNumberId), ['+17015550100']);
    await rejectsWith(chime.send(new UpdatePhoneNumberCommand({ PhoneNumberId: '+17015550100', CallingName: 'Acme' })), 'BadRequestException', 'Phone number +17015550100 is queued for deletion. Restore it first.');
    const err = await rejectsWith(
      chime.send(new DeletePhoneNumberCommand({ PhoneNumberId: '+17015550102' })),
      'BadRequestException',
      'Phone number +17015550102 is assigned; disassociate it before deleting it.',
    );
    assert.equal(err.Code, 'PhoneNumberAssociationsExist');
    const restored = await chime.send(new RestorePhoneNumberCommand({ PhoneNumberId: '+17015550100' }));
    assert.equal(restored.PhoneNumber!.Status, 'Unassigned');
    assert.equal(restored.PhoneNumber!.DeletionTimestamp, undefined);
    await rejectsWith(chime.send(new RestorePhoneNumberCommand({ PhoneNumberId: '+17015550100' })), 'BadRequestException', 'Phone number +17015550100 is not queued for deletion.');
    await rejectsWith(chime.send(new RestorePhoneNumberCommand({ PhoneNumberId: '+17015550199' })), 'NotFoundException');
    await rejectsWith(chime.send(new DeletePhoneNumberCommand({ PhoneNumberId: '+17015550199' })), 'NotFoundException');
    const batch = await chime.send(new BatchDeletePhoneNumberCommand({ PhoneNumberIds: ['+17015550100', '+17015550101', '+17015550102', '+17015550199'] }));
    assert.deepEqual(batch.PhoneNumberErrors!.map((e) => [e.PhoneNumberId, e.ErrorCode]), [
      ['+17015550102', 'PhoneNumberAssociationsExist'],
      ['+17015550199', 'NotFound'],
    ]);
    await rejectsWith(chime.send(new BatchDeletePhoneNumberCommand({ PhoneNumberIds: [] })), 'BadRequestException', /greater than or equal to 1/);
  });

  test('ListPhoneNumbers: filters and paging; FilterName needs FilterValue', async () => {
    const all = await chime.send(new ListPhoneNumbersCommand({ ProductType: 'BusinessCalling', Status: 'Unassigned', MaxResults: 5 }));
    assert.equal(all.PhoneNumbers!.length, 5);
    assert.ok(all.PhoneNumbers!.every((p) => p.ProductType === 'BusinessCalling' && p.Status === 'Unassigned'));
    assert.ok(all.NextToken);
    await rejectsWith(chime.send(new ListPhoneNumbersCommand({ FilterName: 'UserId' })), 'BadRequestException', 'FilterName and FilterValue must be given together.');
    await rejectsWith(chime.send(new ListPhoneNumbersCommand({ Status: 'Lost' as never })), 'BadRequestException', /enum value set/);
  });
});

describe('AWS-account settings and dial-outs', () => {
  test('global settings: Get, Update (204), Get', async () => {
    assert.deepEqual((await chime.send(new GetGlobalSettingsCommand({}))).BusinessCalling, {});
    const put = await chime.send(new UpdateGlobalSettingsCommand({ BusinessCalling: { CdrBucket: 'cdr-bucket' }, VoiceConnector: { CdrBucket: 'vc-bucket' } }));
    assert.equal(put.$metadata.httpStatusCode, 204);
    const got = await chime.send(new GetGlobalSettingsCommand({}));
    assert.deepEqual([got.BusinessCalling, got.VoiceConnector], [{ CdrBucket: 'cdr-bucket' }, { CdrBucket: 'vc-bucket' }]);
  });

  test('phone number settings: the calling name changes once every 7 days', async () => {
    assert.equal((await chime.send(new GetPhoneNumberSettingsCommand({}))).CallingName, '');
    await rejectsWith(chime.send(new UpdatePhoneNumberSettingsCommand({ CallingName: 'Way Too Long A Calling Name' })), 'BadRequestException', /regular expression pattern/);
    const put = await chime.send(new UpdatePhoneNumberSettingsCommand({ CallingName: 'Acme Corp' }));
    assert.equal(put.$metadata.httpStatusCode, 204);
    const got = await chime.send(new GetPhoneNumberSettingsCommand({}));
    assert.equal(got.CallingName, 'Acme Corp');
    assert.ok(got.CallingNameUpdatedTimestamp instanceof Date);
    await rejectsWith(chime.send(new UpdatePhoneNumberSettingsCommand({ CallingName: 'Acme' })), 'BadRequestException', /^The calling name can be updated once every 7 days/);
    const record = await recordOfRequest(s.cloudtrail(), put.$metadata.requestId!, { LookupAttributes: [{ AttributeKey: 'EventName', AttributeValue: 'UpdatePhoneNumberSettings' }] });
    assert.deepEqual(record.requestParameters, { callingName: HIDDEN });
  });

  test('CreateMeetingDialOut: from an owned number, without dialing; AccessDenied for other numbers; 10 per meeting', async () => {
    await order(['+12025550100']);
    const meetingId = '2b9d6f1e-7c1a-4b8e-9d3f-5a6c7e8f9a0b';
    const input = { MeetingId: meetingId, FromPhoneNumber: '+12025550100', ToPhoneNumber: '+14155550199', JoinToken: 'am9pbi10b2tlbg' };
    const res = await chime.send(new CreateMeetingDialOutCommand(input));
    assert.equal(res.$metadata.httpStatusCode, 201);
    assert.match(res.TransactionId!, UUID);
    const record = await recordOfRequest(s.cloudtrail(), res.$metadata.requestId!, { LookupAttributes: [{ AttributeKey: 'EventName', AttributeValue: 'CreateMeetingDialOut' }] });
    assert.deepEqual(record.requestParameters, { meetingId, fromPhoneNumber: HIDDEN, toPhoneNumber: HIDDEN, joinToken: HIDDEN });
    assert.deepEqual(record.responseElements, { transactionId: res.TransactionId });
    await rejectsWith(
      chime.send(new CreateMeetingDialOutCommand({ ...input, FromPhoneNumber: '+12025550199' })),
      'AccessDeniedException',
      'The From number does not belong to this AWS account.',
      403,
    );
    await rejectsWith(chime.send(new CreateMeetingDialOutCommand({ ...input, MeetingId: 'not-a-meeting' })), 'BadRequestException', /regular expression pattern/);
    for (let i = 1; i < 10; i++) await chime.send(new CreateMeetingDialOutCommand(input));
    await rejectsWith(chime.send(new CreateMeetingDialOutCommand(input)), 'ResourceLimitExceededException', 'A meeting can have at most 10 dial-outs.');
  });
});

describe('limits', () => {
  test('an AWS account holds at most 1000 numbers; queued deletions do not count until restored', async () => {
    // Fill the inventory up to the limit from area codes no other test uses.
    const current = await countNumbers();
    let room = 1000 - current;
    for (let area = 720; room > 0; area++) {
      const take = Math.min(room, 100);
      const o = await order(range(String(area), 0, take));
      assert.equal(o.Status, 'Successful');
      room -= take;
    }
    assert.equal(await countNumbers(), 1000);
    await rejectsWith(
      chime.send(new CreatePhoneNumberOrderCommand({ ProductType: 'BusinessCalling', E164PhoneNumbers: ['+17995550100'] })),
      'ResourceLimitExceededException',
      'This order would take the inventory over 1000 phone numbers (room for 0 more).',
    );
    await chime.send(new DeletePhoneNumberCommand({ PhoneNumberId: '+17205550100' }));
    await order(['+17995550100']);
    await rejectsWith(
      chime.send(new RestorePhoneNumberCommand({ PhoneNumberId: '+17205550100' })),
      'ResourceLimitExceededException',
      'The inventory already holds 1000 phone numbers, the most an AWS account can hold.',
    );
  });
});

async function countNumbers(): Promise<number> {
  let count = 0;
  let token: string | undefined;
  do {
    const page = await chime.send(new ListPhoneNumbersCommand({ MaxResults: 99, NextToken: token }));
    count += page.PhoneNumbers!.filter((p) => p.Status !== 'DeleteInProgress').length;
    token = page.NextToken;
  } while (token);
  return count;
}
