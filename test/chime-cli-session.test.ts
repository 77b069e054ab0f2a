// A realistic administrator session with the aws CLI (aws-cli 1.x, signing for eu-west-1):
// create an account, invite 50 users, suspend some, reset a PIN, claim a domain (console route)
// to get an Enterprise account, a room with members, a bot, order and assign a phone number.
// Every CLI call must be found with LookupEvents in us-east-1, with the right readOnly, stable
// parameter types per operation, and no email, PIN or token in clear.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { aws, startServer } from './helpers/server.ts';
import type { TestServer } from './helpers/server.ts';
import { lookupAll, recordOf } from './helpers/records.ts';
import { verifyDomain } from './helpers/chime.ts';

let s: TestServer;
before(async () => {
  s = await startServer();
});
after(() => s.close());

/** JSON types of a value, member by member: what a SIEM's schema would infer. */
function typeOf(v: unknown): unknown {
  if (Array.isArray(v)) return v.length ? [typeOf(v[0])] : [];
  if (v && typeof v === 'object') return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, typeOf(x)]));
  return v === null ? 'null' : typeof v;
}

test('an admin session with the aws CLI is recorded call by call in us-east-1', async () => {
  const calls: string[] = [];
  const cli = async (args: string[]) => {
    const res = await aws(s.url, ['chime', ...args], { region: 'eu-west-1' });
    assert.equal(res.code, 0, `aws chime ${args[0]}: ${res.stderr}`);
    calls.push(args[0].split('-').map((w) => (w === 'pin' ? 'PIN' : w[0].toUpperCase() + w.slice(1))).join(''));
    return res.json;
  };

  const { Account } = await cli(['create-account', '--name', 'acme']);
  const accountId: string = Account.AccountId;
  const emails = Array.from({ length: 50 }, (_, i) => `employee${i}@acme-corp.example`);
  const invited = await cli(['invite-users', '--account-id', accountId, '--user-email-list', ...emails, '--user-type', 'PrivateUser']);
  assert.equal(invited.Invites.length, 50);
  const { Users } = await cli(['list-users', '--account-id', accountId]);
  assert.equal(Users.length, 50);
  const leaving = Users.slice(0, 5).map((u: any) => u.UserId);
  const suspended = await cli(['batch-suspend-user', '--account-id', accountId, '--user-id-list', ...leaving]);
  assert.deepEqual(suspended.UserErrors, []);
  const pin = await cli(['reset-personal-pin', '--account-id', accountId, '--user-id', Users[10].UserId]);
  assert.match(pin.User.PersonalPIN, /^\d{10}$/);
  const admin = await cli(['create-user', '--account-id', accountId, '--email', 'ada@acme-corp.example', '--username', 'Ada']);
  const adminId: string = admin.User.UserId;

  // The console claims and verifies the company domain: the account becomes EnterpriseLWA.
  await verifyDomain(s.url, accountId, 'acme-corp.example');
  assert.equal((await cli(['get-account', '--account-id', accountId])).Account.AccountType, 'EnterpriseLWA');

  const { Room } = await cli(['create-room', '--account-id', accountId, '--name', 'Launch', '--client-request-token', 'launch-room-1']);
  const items = [`MemberId=${adminId},Role=Administrator`, ...Users.slice(10, 13).map((u: any) => `MemberId=${u.UserId},Role=Member`)];
  const batch = await cli(['batch-create-room-membership', '--account-id', accountId, '--room-id', Room.RoomId, '--membership-item-list', ...items]);
  assert.deepEqual(batch.Errors, []);
  assert.equal((await cli(['list-room-memberships', '--account-id', accountId, '--room-id', Room.RoomId])).RoomMemberships.length, 4);
  const { Bot } = await cli(['create-bot', '--account-id', accountId, '--display-name', 'Release Bot', '--domain', 'acme-corp.example']);

  const found = await cli(['search-available-phone-numbers', '--area-code', '206', '--max-results', '3']);
  assert.deepEqual(found.E164PhoneNumbers, ['+12065550100', '+12065550101', '+12065550102']);
  const { PhoneNumberOrder } = await cli(['create-phone-number-order', '--product-type', 'BusinessCalling', '--e164-phone-numbers', found.E164PhoneNumbers[0]]);
  assert.equal(PhoneNumberOrder.Status, 'Successful');
  await cli(['associate-phone-number-with-user', '--account-id', accountId, '--user-id', adminId, '--e164-phone-number', '+12065550100']);
  const number = await cli(['get-phone-number', '--phone-number-id', '+12065550100']);
  assert.equal(number.PhoneNumber.Status, 'Assigned');
  assert.equal((await cli(['get-user', '--account-id', accountId, '--user-id', adminId])).User.PrimaryProvisionedNumber, '+12065550100');
  assert.ok(Bot.SecurityToken);

  const records = (await lookupAll(s.cloudtrail({ region: 'us-east-1' }), { LookupAttributes: [{ AttributeKey: 'EventSource', AttributeValue: 'chime.amazonaws.com' }] }))
    .map(recordOf)
    .reverse();
  const fromCli = records.filter((r) => r.userAgent?.startsWith('aws-cli/1.'));
  assert.deepEqual(fromCli.map((r) => r.eventName), calls);
  const byName = new Map<string, any[]>();
  for (const r of fromCli) {
    assert.equal(r.awsRegion, 'us-east-1');
    assert.equal(r.additionalEventData.signingRegion, 'eu-west-1');
    assert.equal(r.errorCode, undefined);
    assert.equal(r.readOnly, /^(Get|List|Search)/.test(r.eventName), `readOnly of ${r.eventName}`);
    if (r.readOnly) assert.equal(r.responseElements, null);
    byName.set(r.eventName, [...(byName.get(r.eventName) ?? []), r]);
  }
  assert.ok(fromCli.filter((r) => !r.readOnly && r.eventName !== 'AssociatePhoneNumberWithUser').every((r) => r.responseElements !== null));
  // A field never changes JSON type between calls of one operation.
  for (const [name, rs] of byName) for (const r of rs) assert.deepEqual(typeOf(r.requestParameters), typeOf(rs[0].requestParameters), name);
  // The console's domain calls are in the same journal.
  assert.deepEqual(records.filter((r) => r.eventName.endsWith('Domain')).map((r) => r.eventName), ['AddDomain', 'VerifyDomain']);
  // No email address, PIN or bot token in clear anywhere.
  const all = JSON.stringify(records);
  assert.ok(!/[\w.]+@acme-corp\.example/.test(all), 'an email address in clear');
  assert.ok(!all.includes(pin.User.PersonalPIN));
  assert.ok(!all.includes(Bot.SecurityToken));
  const invite = byName.get('InviteUsers')![0];
  assert.equal(invite.requestParameters.userEmailList.length, 50);
  assert.ok(invite.requestParameters.userEmailList.every((e: string) => e === 'HIDDEN_DUE_TO_SECURITY_REASONS'));
});
