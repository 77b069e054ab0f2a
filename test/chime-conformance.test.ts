// Conformance: every command @aws-sdk/client-chime exports is served. Each is sent with a
// minimal input; whatever our rules say about it, the answer must be a success or one of the
// model's errors, never an unknown operation, and every call must be recorded under its name
// with the right readOnly.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import * as Chime from '@aws-sdk/client-chime';
import { startServer } from './helpers/server.ts';
import type { TestServer } from './helpers/server.ts';
import { lookupAll, recordOf } from './helpers/records.ts';
import { destroyClients, userWithKey } from './helpers/identity.ts';
import { domainCall } from './helpers/chime.ts';

let s: TestServer;
before(async () => {
  s = await startServer();
});
after(async () => {
  destroyClients();
  await s.close();
});

const GUID = '0f3c0e3e-5b1c-4e2a-9c3e-2d1f0a9b8c7d';
/** One input that carries every required member of every operation (clients send only their own). */
const KITCHEN_SINK = {
  AccountId: 'no-such-account',
  UserId: 'no-such-user',
  BotId: 'no-such-bot',
  RoomId: 'no-such-room',
  MemberId: 'no-such-member',
  MessageId: 'no-such-message',
  ConversationId: 'no-such-conversation',
  PhoneNumberId: '+12065550100',
  PhoneNumberOrderId: GUID,
  MeetingId: GUID,
  Name: 'conformance',
  DisplayName: 'conformance bot',
  UserEmailList: ['conformance@example.com'],
  UserIdList: ['no-such-user'],
  UpdateUserRequestItems: [{ UserId: 'no-such-user' }],
  UpdatePhoneNumberRequestItems: [{ PhoneNumberId: '+12065550100' }],
  PhoneNumberIds: ['+12065550100'],
  MembershipItemList: [{ MemberId: 'no-such-member' }],
  SigninDelegateGroups: [{ GroupName: 'admins' }],
  GroupNames: ['admins'],
  AccountSettings: {},
  UserSettings: { Telephony: { InboundCalling: true, OutboundCalling: true, SMS: false } },
  RetentionSettings: {},
  E164PhoneNumber: '+12065550100',
  E164PhoneNumbers: ['+12065550101'],
  ProductType: 'BusinessCalling',
  FromPhoneNumber: '+12065550101',
  ToPhoneNumber: '+12065550199',
  JoinToken: 'am9pbi10b2tlbg',
  CallingName: 'Acme',
};

const commands = Object.entries(Chime)
  .filter(([name, v]) => /^[A-Z]\w*Command$/.test(name) && typeof v === 'function')
  .map(([name, v]) => [name.slice(0, -'Command'.length), v] as [string, new (input: object) => any]);

const modelledErrors = new Set(
  Object.entries(Chime)
    .filter(([name, v]) => typeof v === 'function' && name.endsWith('Exception') && name !== 'ChimeServiceException')
    .map(([name]) => name),
);

test('the SDK exports the 62 operations of the current chime model', () => {
  assert.equal(commands.length, 62);
});

test('every Chime command is served, answered with a modelled outcome, and recorded with the right readOnly', async () => {
  const chime = s.chime();
  const outcomes = new Map<string, string>();
  for (const [name, Command] of commands) {
    try {
      await chime.send(new Command({ ...KITCHEN_SINK }));
      outcomes.set(name, 'ok');
    } catch (err: any) {
      assert.ok(modelledErrors.has(err.name), `${name} answered ${err.name}: ${err.message}`);
      assert.ok(err.$metadata.httpStatusCode < 500, `${name} answered ${err.$metadata.httpStatusCode}: ${err.message}`);
      outcomes.set(name, err.name);
    }
  }
  const records = (await lookupAll(s.cloudtrail(), { LookupAttributes: [{ AttributeKey: 'EventSource', AttributeValue: 'chime.amazonaws.com' }] })).map(recordOf);
  for (const [name] of commands) {
    const mine = records.filter((r) => r.eventName === name);
    assert.equal(mine.length, 1, `one record of ${name}`);
    assert.equal(mine[0].readOnly, /^(Get|List|Search)/.test(name), `readOnly of ${name}`);
    assert.equal(mine[0].errorCode, outcomes.get(name) === 'ok' ? undefined : outcomes.get(name), `errorCode of ${name}`);
  }
});

test('every Chime command, and each domain route, is authorised as chime:<Operation>: a user without permissions is refused', async () => {
  const creds = await userWithKey(s, 'no-chime-rights');
  const chime = s.chime({ credentials: creds });
  for (const [name, Command] of commands) {
    const err = await chime.send(new Command({ ...KITCHEN_SINK })).catch((e) => e);
    assert.equal(err.name, 'ForbiddenException', `${name}: ${err.message}`);
    assert.equal(err.$metadata.httpStatusCode, 403);
    assert.match(err.message, new RegExp(`chime:${name}\\b`));
  }
  for (const [name, method, path] of [
    ['AddDomain', 'POST', '/accounts/a/domains'],
    ['ListDomains', 'GET', '/accounts/a/domains'],
    ['GetDomain', 'GET', '/accounts/a/domains/acme.example'],
    ['VerifyDomain', 'POST', '/accounts/a/domains/acme.example?operation=verify'],
    ['DeleteDomain', 'DELETE', '/accounts/a/domains/acme.example'],
  ]) {
    const res = await domainCall(s.url, method, path, method === 'POST' && name === 'AddDomain' ? { DomainName: 'acme.example' } : undefined, creds);
    assert.equal(res.status, 403, name);
    assert.equal(res.headers.get('x-amzn-errortype'), 'ForbiddenException');
    assert.match(res.json.Message, new RegExp(`chime:${name}\\b`));
  }
});

// The SDK ships the model's schemas: each operation's binding, members, required members and
// sensitive members. Ours must agree with them member by member.
type Schema = any;
const resolve = (x: Schema): Schema => (typeof x === 'function' ? resolve(x()) : x);
/** A member entry is `schema` or `[schema, traits]`. */
const memberOf = (entry: Schema): [Schema, any] => (Array.isArray(entry) && entry.length === 2 && !(typeof entry[0] === 'number' && entry.length > 2) ? [entry[0], entry[1]] : [entry, 0]);
const isSensitive = (schema: Schema): boolean => {
  const s = resolve(schema);
  if (!Array.isArray(s)) return false;
  if (s[0] === 0) return (s[3] & 8) !== 0;
  if (s[0] === 1) return isSensitive(memberOf(s[4])[0]);
  return false;
};

/** Outputs are not validated, so only inputs must mark required members. */
function compareShapes(where: string, sdk: Schema, ours: import('../src/aws/shapes.ts').Shape | undefined, problems: string[]): void {
  const s = resolve(sdk);
  if (!Array.isArray(s)) return;
  if (s[0] === 3) {
    const names: string[] = s[4];
    const members = ours?.kind === 'structure' ? ours.members : {};
    if (ours?.kind !== 'structure') return void problems.push(`${where}: not a structure`);
    if (JSON.stringify(Object.keys(members).sort()) !== JSON.stringify([...names].sort())) problems.push(`${where}: members ${Object.keys(members)} != ${names}`);
    names.forEach((name, i) => {
      const [schema, traits] = memberOf(s[5][i]);
      const mine = members[name];
      if (!mine) return;
      const required = i < (s[6] ?? 0);
      const label = typeof traits === 'number' ? (traits & 1) !== 0 : !!traits?.httpLabel;
      const query = typeof traits === 'object' ? traits?.httpQuery : undefined;
      if (where.includes('.input') && !!mine.required !== required) problems.push(`${where}.${name}: required ${!!mine.required} != ${required}`);
      if (!!mine.label !== label) problems.push(`${where}.${name}: label ${!!mine.label} != ${label}`);
      if (mine.query !== query) problems.push(`${where}.${name}: query ${mine.query} != ${query}`);
      const sensitive = isSensitive(schema);
      const ourSensitive = mine.shape.kind === 'string' ? !!mine.shape.sensitive : mine.shape.kind === 'list' && mine.shape.member.kind === 'string' && !!mine.shape.member.sensitive;
      if (sensitive && !ourSensitive) problems.push(`${where}.${name}: the model marks it sensitive`);
      compareShapes(`${where}.${name}`, schema, mine.shape, problems);
    });
  } else if (s[0] === 1 && ours?.kind === 'list') {
    compareShapes(`${where}[]`, memberOf(s[4])[0], ours.member, problems);
  }
}

test("every operation's binding, members, required, label, query and sensitive members match the SDK's model", async () => {
  const { chime: service } = await import('../src/services/chime/index.ts');
  const problems: string[] = [];
  for (const [name] of commands) {
    const sdk = (Chime as Record<string, any>)[`${name}$`];
    const ours = service.operations.get(name)!;
    const [method, uri, status] = sdk[3].http;
    assert.deepEqual(ours.http, { method, uri, status }, `${name} binding`);
    compareShapes(`${name}.input`, sdk[4], ours.input, problems);
    const output = resolve(sdk[5]);
    if (Array.isArray(output) && output[4].length > 0 && status !== 204) compareShapes(`${name}.output`, sdk[5], ours.output, problems);
  }
  assert.deepEqual(problems, []);
});
