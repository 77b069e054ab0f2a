// Claimed domains (the console's routes), bots, rooms, memberships and message redaction,
// through @aws-sdk/client-chime (and signed raw requests for the domain routes).
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import {
  BatchCreateRoomMembershipCommand,
  CreateAccountCommand,
  CreateBotCommand,
  CreateRoomCommand,
  CreateRoomMembershipCommand,
  CreateUserCommand,
  DeleteEventsConfigurationCommand,
  DeleteRoomCommand,
  DeleteRoomMembershipCommand,
  GetAccountCommand,
  GetBotCommand,
  GetEventsConfigurationCommand,
  GetRoomCommand,
  ListBotsCommand,
  ListRoomMembershipsCommand,
  ListRoomsCommand,
  BatchSuspendUserCommand,
  PutEventsConfigurationCommand,
  RedactConversationMessageCommand,
  RedactRoomMessageCommand,
  RegenerateSecurityTokenCommand,
  UpdateBotCommand,
  UpdateRoomCommand,
  UpdateRoomMembershipCommand,
} from '@aws-sdk/client-chime';
import type { ChimeClient } from '@aws-sdk/client-chime';
import { LookupEventsCommand } from '@aws-sdk/client-cloudtrail';
import { filesHolding, startServer } from './helpers/server.ts';
import type { TestServer } from './helpers/server.ts';
import { recordOf, recordOfRequest } from './helpers/records.ts';
import { domainCall, enterpriseAccount, rejectsWith } from './helpers/chime.ts';
import { signedRequest } from './helpers/signing.ts';

let s: TestServer;
let chime: ChimeClient;
before(async () => {
  s = await startServer();
  chime = s.chime();
});
after(() => s.close());

let n = 0;
const teamAccount = async () => (await chime.send(new CreateAccountCommand({ Name: `br-team-${++n}` }))).Account!.AccountId!;
const user = async (accountId: string) => (await chime.send(new CreateUserCommand({ AccountId: accountId, Email: `m${++n}@example.com`, Username: `Member ${n}` }))).User!;
const HIDDEN = 'HIDDEN_DUE_TO_SECURITY_REASONS';

describe('domains (console routes)', () => {
  test('AddDomain claims a domain pending verification; GetDomain and ListDomains show it', async () => {
    const id = await teamAccount();
    const added = await domainCall(s.url, 'POST', `/accounts/${id}/domains`, { DomainName: 'Acme-Corp.example' });
    assert.equal(added.status, 201);
    assert.equal(added.json.Domain.DomainName, 'acme-corp.example');
    assert.equal(added.json.Domain.Status, 'PendingVerification');
    assert.deepEqual(Object.keys(added.json.Domain.VerificationRecord), ['Type', 'Name', 'Value']);
    assert.equal(added.json.Domain.VerificationRecord.Name, '_amazonchime.acme-corp.example');
    const got = await domainCall(s.url, 'GET', `/accounts/${id}/domains/acme-corp.example`);
    assert.equal(got.status, 200);
    assert.deepEqual(got.json, added.json);
    const listed = await domainCall(s.url, 'GET', `/accounts/${id}/domains`);
    assert.deepEqual(listed.json.Domains.map((d: any) => d.DomainName), ['acme-corp.example']);
    // Still a Team account until the domain is verified.
    assert.equal((await chime.send(new GetAccountCommand({ AccountId: id }))).Account!.AccountType, 'Team');
    const verified = await domainCall(s.url, 'POST', `/accounts/${id}/domains/acme-corp.example?operation=verify`);
    assert.equal(verified.json.Domain.Status, 'Verified');
    assert.equal((await chime.send(new GetAccountCommand({ AccountId: id }))).Account!.AccountType, 'EnterpriseLWA');
    const record = recordOf(
      (await s.cloudtrail().send(new LookupEventsCommand({ LookupAttributes: [{ AttributeKey: 'EventName', AttributeValue: 'AddDomain' }] }))).Events!.find(
        (e) => recordOf(e).requestID === added.headers.get('x-amzn-requestid'),
      )!,
    );
    assert.deepEqual(record.requestParameters, { accountId: id, domainName: 'Acme-Corp.example' });
    assert.equal(record.eventSource, 'chime.amazonaws.com');
    assert.equal(record.readOnly, false);
  });

  test('a domain another account claimed cannot be added: ConflictException, recorded like the seed example', async () => {
    const a = await teamAccount();
    const b = await teamAccount();
    assert.equal((await domainCall(s.url, 'POST', `/accounts/${a}/domains`, { DomainName: 'claimed.example' })).status, 201);
    const again = await domainCall(s.url, 'POST', `/accounts/${b}/domains`, { DomainName: 'CLAIMED.example' });
    assert.equal(again.status, 409);
    assert.equal(again.headers.get('x-amzn-errortype'), 'ConflictException');
    assert.deepEqual(again.json, { Code: 'Conflict', Message: 'Request could not be completed due to a conflict' });
    const record = recordOf(
      (await s.cloudtrail().send(new LookupEventsCommand({ LookupAttributes: [{ AttributeKey: 'EventName', AttributeValue: 'AddDomain' }] }))).Events!.find(
        (e) => recordOf(e).requestID === again.headers.get('x-amzn-requestid'),
      )!,
    );
    assert.equal(record.errorCode, 'ConflictException');
    assert.equal(record.errorMessage, 'Request could not be completed due to a conflict');
    assert.deepEqual(record.requestParameters, { accountId: b, domainName: 'CLAIMED.example' });
    assert.equal(record.responseElements, null);
    // The same account cannot claim it twice either; other AWS accounts are covered by the global index.
    assert.equal((await domainCall(s.url, 'POST', `/accounts/${a}/domains`, { DomainName: 'claimed.example' })).status, 409);
  });

  test('DeleteDomain releases a claim (204) so another account can take it; errors for unknown domains and bad names', async () => {
    const a = await teamAccount();
    const b = await teamAccount();
    await domainCall(s.url, 'POST', `/accounts/${a}/domains`, { DomainName: 'moving.example' });
    assert.equal((await domainCall(s.url, 'DELETE', `/accounts/${a}/domains/moving.example`)).status, 204);
    assert.equal((await domainCall(s.url, 'POST', `/accounts/${b}/domains`, { DomainName: 'moving.example' })).status, 201);
    const missing = await domainCall(s.url, 'GET', `/accounts/${a}/domains/moving.example`);
    assert.equal(missing.status, 404);
    assert.deepEqual(missing.json, { Code: 'NotFound', Message: `The domain moving.example is not claimed by account ${a}.` });
    const bad = await domainCall(s.url, 'POST', `/accounts/${a}/domains`, { DomainName: 'not a domain' });
    assert.equal(bad.status, 400);
    assert.equal(bad.headers.get('x-amzn-errortype'), 'BadRequestException');
    assert.equal((await domainCall(s.url, 'POST', `/accounts/missing/domains`, { DomainName: 'x.example' })).status, 404);
    assert.equal((await domainCall(s.url, 'POST', `/accounts/${a}/domains/moving.example?operation=bogus`)).status, 404);
  });

  test('the domain routes need a valid signature like every other call', async () => {
    const res = await signedRequest(s.url, {
      method: 'GET',
      path: '/accounts/x/domains',
      credentials: { accessKeyId: 'AKIAOPENTRAILROOT001', secretAccessKey: 'wrong' },
    });
    assert.equal(res.status, 403);
    assert.equal(res.headers.get('x-amzn-errortype'), 'InvalidSignatureException');
  });
});

describe('bots', () => {
  test('bots need an Enterprise account and a verified domain', async () => {
    const team = await teamAccount();
    await rejectsWith(chime.send(new CreateBotCommand({ AccountId: team, DisplayName: 'helper' })), 'BadRequestException', /^Bots are available only in Enterprise accounts/);
    const { accountId, domain } = await enterpriseAccount(s.url, chime, 'bot');
    await rejectsWith(
      chime.send(new CreateBotCommand({ AccountId: accountId, DisplayName: 'helper', Domain: 'elsewhere.example' })),
      'BadRequestException',
      `A bot's domain must be a verified domain of account ${accountId} (${domain}).`,
    );
    await rejectsWith(chime.send(new CreateBotCommand({ AccountId: 'missing', DisplayName: 'helper' })), 'NotFoundException');
  });

  test('CreateBot, GetBot, UpdateBot, ListBots, RegenerateSecurityToken; tokens redacted in records; 10 bots at most', async () => {
    const { accountId, domain } = await enterpriseAccount(s.url, chime, 'bots');
    const created = await chime.send(new CreateBotCommand({ AccountId: accountId, DisplayName: 'Build Bot', Domain: domain }));
    const bot = created.Bot!;
    assert.equal(created.$metadata.httpStatusCode, 201);
    assert.equal(bot.BotType, 'ChatBot');
    assert.equal(bot.Disabled, false);
    assert.match(bot.BotEmail!, new RegExp(`^build-bot-[0-9a-f]{8}@${domain.replace(/\./g, '\\.')}$`));
    assert.ok(bot.SecurityToken && bot.SecurityToken.length >= 40);
    const got = await chime.send(new GetBotCommand({ AccountId: accountId, BotId: bot.BotId }));
    assert.equal(got.Bot!.SecurityToken, bot.SecurityToken);
    const disabled = await chime.send(new UpdateBotCommand({ AccountId: accountId, BotId: bot.BotId, Disabled: true }));
    assert.equal(disabled.Bot!.Disabled, true);
    const regenerated = await chime.send(new RegenerateSecurityTokenCommand({ AccountId: accountId, BotId: bot.BotId }));
    assert.notEqual(regenerated.Bot!.SecurityToken, bot.SecurityToken);
    assert.equal((await chime.send(new GetBotCommand({ AccountId: accountId, BotId: bot.BotId }))).Bot!.SecurityToken, regenerated.Bot!.SecurityToken);
    const record = await recordOfRequest(s.cloudtrail(), regenerated.$metadata.requestId!, { LookupAttributes: [{ AttributeKey: 'EventName', AttributeValue: 'RegenerateSecurityToken' }] });
    assert.equal(record.responseElements.bot.securityToken, HIDDEN);
    assert.equal(record.responseElements.bot.botEmail, HIDDEN);
    assert.equal(record.responseElements.bot.displayName, HIDDEN);
    assert.equal(record.responseElements.bot.botId, bot.BotId);
    for (let i = 2; i <= 10; i++) await chime.send(new CreateBotCommand({ AccountId: accountId, DisplayName: `bot ${i}` }));
    await rejectsWith(
      chime.send(new CreateBotCommand({ AccountId: accountId, DisplayName: 'eleventh' })),
      'ResourceLimitExceededException',
      `Account ${accountId} already has 10 bots, the most an account can have.`,
      400,
    );
    const page1 = await chime.send(new ListBotsCommand({ AccountId: accountId, MaxResults: 4 }));
    const page2 = await chime.send(new ListBotsCommand({ AccountId: accountId, MaxResults: 99, NextToken: page1.NextToken }));
    assert.equal(page1.Bots!.length + page2.Bots!.length, 10);
    assert.equal(page2.NextToken, undefined);
    await rejectsWith(chime.send(new ListBotsCommand({ AccountId: accountId, MaxResults: 100 })), 'BadRequestException', /less than or equal to 99/);
    await rejectsWith(chime.send(new GetBotCommand({ AccountId: accountId, BotId: 'nobot' })), 'NotFoundException', `The requested bot nobot does not exist in account ${accountId}.`);
    await rejectsWith(chime.send(new UpdateBotCommand({ AccountId: accountId, BotId: 'nobot', Disabled: false })), 'NotFoundException');
    await rejectsWith(chime.send(new RegenerateSecurityTokenCommand({ AccountId: accountId, BotId: 'nobot' })), 'NotFoundException');
    await rejectsWith(chime.send(new ListBotsCommand({ AccountId: 'missing' })), 'NotFoundException');
  });

  test('events configuration: an HTTPS endpoint or a Lambda ARN (201), read back, deleted (204)', async () => {
    const { accountId } = await enterpriseAccount(s.url, chime, 'evt');
    const { Bot } = await chime.send(new CreateBotCommand({ AccountId: accountId, DisplayName: 'events' }));
    await rejectsWith(chime.send(new GetEventsConfigurationCommand({ AccountId: accountId, BotId: Bot!.BotId })), 'NotFoundException', `Bot ${Bot!.BotId} has no events configuration.`);
    // A webhook URL that carries its own secret, as they often do.
    const webhook = 'https://hooks.example.com/chime?token=webhook-secret-0451';
    const put = await chime.send(new PutEventsConfigurationCommand({ AccountId: accountId, BotId: Bot!.BotId, OutboundEventsHTTPSEndpoint: webhook }));
    assert.equal(put.$metadata.httpStatusCode, 201);
    assert.deepEqual(put.EventsConfiguration, { BotId: Bot!.BotId, OutboundEventsHTTPSEndpoint: webhook });
    assert.deepEqual((await chime.send(new GetEventsConfigurationCommand({ AccountId: accountId, BotId: Bot!.BotId }))).EventsConfiguration, { BotId: Bot!.BotId, OutboundEventsHTTPSEndpoint: webhook });
    const record = await recordOfRequest(s.cloudtrail(), put.$metadata.requestId!, { LookupAttributes: [{ AttributeKey: 'EventName', AttributeValue: 'PutEventsConfiguration' }] });
    assert.deepEqual(record.requestParameters, { accountId, botId: Bot!.BotId, outboundEventsHTTPSEndpoint: HIDDEN });
    // Kept sealed, as the bot's security token is: no file of the data dir holds it in clear (it was stored in clear).
    assert.deepEqual(filesHolding(s.dataDir, 'webhook-secret-0451'), []);
    const arn = 'arn:aws:lambda:us-east-1:123456789012:function:chime-bot';
    await chime.send(new PutEventsConfigurationCommand({ AccountId: accountId, BotId: Bot!.BotId, LambdaFunctionArn: arn }));
    assert.deepEqual((await chime.send(new GetEventsConfigurationCommand({ AccountId: accountId, BotId: Bot!.BotId }))).EventsConfiguration, { BotId: Bot!.BotId, LambdaFunctionArn: arn });
    await rejectsWith(
      chime.send(new PutEventsConfigurationCommand({ AccountId: accountId, BotId: Bot!.BotId, LambdaFunctionArn: arn, OutboundEventsHTTPSEndpoint: 'https://x.example' })),
      'BadRequestException',
      'Give either an OutboundEventsHTTPSEndpoint or a LambdaFunctionArn, not both and not neither.',
    );
    await rejectsWith(
      chime.send(new PutEventsConfigurationCommand({ AccountId: accountId, BotId: Bot!.BotId, OutboundEventsHTTPSEndpoint: 'http://plain.example' })),
      'BadRequestException',
      'The outbound events endpoint must be an https:// URL.',
    );
    await rejectsWith(chime.send(new PutEventsConfigurationCommand({ AccountId: accountId, BotId: 'nobot', LambdaFunctionArn: arn })), 'NotFoundException');
    const del = await chime.send(new DeleteEventsConfigurationCommand({ AccountId: accountId, BotId: Bot!.BotId }));
    assert.equal(del.$metadata.httpStatusCode, 204);
    await rejectsWith(chime.send(new GetEventsConfigurationCommand({ AccountId: accountId, BotId: Bot!.BotId })), 'NotFoundException');
    // NotFoundException is not modelled for DeleteEventsConfiguration.
    await rejectsWith(chime.send(new DeleteEventsConfigurationCommand({ AccountId: accountId, BotId: 'nobot' })), 'BadRequestException', `Bot nobot does not exist in account ${accountId}.`);
  });
});

describe('rooms', () => {
  test('rooms need an Enterprise account; CreateRoom (idempotent token), GetRoom, UpdateRoom, DeleteRoom', async () => {
    const team = await teamAccount();
    await rejectsWith(chime.send(new CreateRoomCommand({ AccountId: team, Name: 'nope' })), 'BadRequestException', /^Chat rooms are available only in Enterprise accounts/);
    await rejectsWith(chime.send(new ListRoomsCommand({ AccountId: team })), 'BadRequestException');
    const { accountId } = await enterpriseAccount(s.url, chime, 'rooms');
    const created = await chime.send(new CreateRoomCommand({ AccountId: accountId, Name: 'Release planning', ClientRequestToken: 'tok-123' }));
    assert.equal(created.$metadata.httpStatusCode, 201);
    const room = created.Room!;
    assert.equal(room.CreatedBy, 'arn:aws:iam::123456789012:root');
    const retried = await chime.send(new CreateRoomCommand({ AccountId: accountId, Name: 'Release planning', ClientRequestToken: 'tok-123' }));
    assert.equal(retried.Room!.RoomId, room.RoomId);
    const record = await recordOfRequest(s.cloudtrail(), created.$metadata.requestId!, { LookupAttributes: [{ AttributeKey: 'EventName', AttributeValue: 'CreateRoom' }] });
    assert.deepEqual(record.requestParameters, { accountId, name: HIDDEN, clientRequestToken: HIDDEN });
    assert.equal(record.responseElements.room.name, HIDDEN);
    const renamed = await chime.send(new UpdateRoomCommand({ AccountId: accountId, RoomId: room.RoomId, Name: 'Launch' }));
    assert.equal(renamed.Room!.Name, 'Launch');
    assert.equal((await chime.send(new GetRoomCommand({ AccountId: accountId, RoomId: room.RoomId }))).Room!.Name, 'Launch');
    await rejectsWith(chime.send(new CreateRoomCommand({ AccountId: accountId, Name: 'x', ClientRequestToken: 'x' })), 'BadRequestException', /length greater than or equal to 2/);
    assert.equal((await chime.send(new DeleteRoomCommand({ AccountId: accountId, RoomId: room.RoomId }))).$metadata.httpStatusCode, 204);
    await rejectsWith(chime.send(new GetRoomCommand({ AccountId: accountId, RoomId: room.RoomId })), 'NotFoundException', `The requested room ${room.RoomId} does not exist in account ${accountId}.`);
    await rejectsWith(chime.send(new UpdateRoomCommand({ AccountId: accountId, RoomId: room.RoomId, Name: 'x' })), 'NotFoundException');
    await rejectsWith(chime.send(new DeleteRoomCommand({ AccountId: accountId, RoomId: room.RoomId })), 'NotFoundException');
    await rejectsWith(chime.send(new CreateRoomCommand({ AccountId: 'missing', Name: 'x' })), 'NotFoundException');
  });

  test('100 rooms at most per account; ListRooms pages them in creation order', async () => {
    const { accountId } = await enterpriseAccount(s.url, chime, 'many');
    const ids: string[] = [];
    for (let i = 0; i < 100; i++) ids.push((await chime.send(new CreateRoomCommand({ AccountId: accountId, Name: `room ${i}` }))).Room!.RoomId!);
    await rejectsWith(
      chime.send(new CreateRoomCommand({ AccountId: accountId, Name: 'one too many' })),
      'ResourceLimitExceededException',
      `Account ${accountId} already has 100 rooms, the most an account can have.`,
    );
    const seen: string[] = [];
    let token: string | undefined;
    do {
      const page = await chime.send(new ListRoomsCommand({ AccountId: accountId, MaxResults: 30, NextToken: token }));
      seen.push(...page.Rooms!.map((r) => r.RoomId!));
      token = page.NextToken;
    } while (token);
    assert.deepEqual(seen, ids);
  });

  test('memberships: users and bots join, Conflict on a second join, roles change for users only, ListRooms by member', async () => {
    const { accountId } = await enterpriseAccount(s.url, chime, 'mem');
    const { Room } = await chime.send(new CreateRoomCommand({ AccountId: accountId, Name: 'team room' }));
    const roomId = Room!.RoomId!;
    const alice = await user(accountId);
    const { Bot } = await chime.send(new CreateBotCommand({ AccountId: accountId, DisplayName: 'helper' }));
    const joined = await chime.send(new CreateRoomMembershipCommand({ AccountId: accountId, RoomId: roomId, MemberId: alice.UserId, Role: 'Administrator' }));
    assert.equal(joined.$metadata.httpStatusCode, 201);
    assert.deepEqual(
      { ...joined.RoomMembership, UpdatedTimestamp: undefined },
      {
        RoomId: roomId,
        Member: { MemberId: alice.UserId, MemberType: 'User', AccountId: accountId, Email: alice.PrimaryEmail, FullName: alice.DisplayName },
        Role: 'Administrator',
        InvitedBy: 'arn:aws:iam::123456789012:root',
        UpdatedTimestamp: undefined,
      },
    );
    await rejectsWith(
      chime.send(new CreateRoomMembershipCommand({ AccountId: accountId, RoomId: roomId, MemberId: alice.UserId })),
      'ConflictException',
      `Request could not be completed due to a conflict: ${alice.UserId} is already a member of room ${roomId}.`,
      409,
    );
    const botJoined = await chime.send(new CreateRoomMembershipCommand({ AccountId: accountId, RoomId: roomId, MemberId: Bot!.BotId }));
    assert.equal(botJoined.RoomMembership!.Member!.MemberType, 'Bot');
    await rejectsWith(
      chime.send(new UpdateRoomMembershipCommand({ AccountId: accountId, RoomId: roomId, MemberId: Bot!.BotId, Role: 'Administrator' })),
      'BadRequestException',
      'Only the role of a user can be updated, not of a bot.',
    );
    const demoted = await chime.send(new UpdateRoomMembershipCommand({ AccountId: accountId, RoomId: roomId, MemberId: alice.UserId, Role: 'Member' }));
    assert.equal(demoted.RoomMembership!.Role, 'Member');
    await rejectsWith(chime.send(new CreateRoomMembershipCommand({ AccountId: accountId, RoomId: roomId, MemberId: 'stranger' })), 'NotFoundException', `Member stranger is neither a user nor a bot of account ${accountId}.`);
    await rejectsWith(chime.send(new UpdateRoomMembershipCommand({ AccountId: accountId, RoomId: roomId, MemberId: 'stranger' })), 'NotFoundException');
    const { Room: other } = await chime.send(new CreateRoomCommand({ AccountId: accountId, Name: 'other room' }));
    const mine = await chime.send(new ListRoomsCommand({ AccountId: accountId, MemberId: alice.UserId }));
    assert.deepEqual(mine.Rooms!.map((r) => r.RoomId), [roomId]);
    assert.notEqual(other!.RoomId, roomId);
    const members = await chime.send(new ListRoomMembershipsCommand({ AccountId: accountId, RoomId: roomId }));
    assert.deepEqual(members.RoomMemberships!.map((m) => m.Member!.MemberId), [alice.UserId, Bot!.BotId]);
    assert.equal((await chime.send(new DeleteRoomMembershipCommand({ AccountId: accountId, RoomId: roomId, MemberId: alice.UserId }))).$metadata.httpStatusCode, 204);
    await rejectsWith(chime.send(new DeleteRoomMembershipCommand({ AccountId: accountId, RoomId: roomId, MemberId: alice.UserId })), 'NotFoundException', `${alice.UserId} is not a member of room ${roomId}.`);
    assert.deepEqual((await chime.send(new ListRoomsCommand({ AccountId: accountId, MemberId: alice.UserId }))).Rooms, []);
    await rejectsWith(chime.send(new ListRoomMembershipsCommand({ AccountId: accountId, RoomId: 'noroom' })), 'NotFoundException');
  });

  test('BatchCreateRoomMembership reports per-member errors (201); suspended users and disabled bots cannot join; 100 members at most', async () => {
    const { accountId } = await enterpriseAccount(s.url, chime, 'batch');
    const { Room } = await chime.send(new CreateRoomCommand({ AccountId: accountId, Name: 'big room' }));
    const roomId = Room!.RoomId!;
    const users = [];
    for (let i = 0; i < 102; i++) users.push(await user(accountId));
    await chime.send(new BatchSuspendUserCommand({ AccountId: accountId, UserIdList: [users[100].UserId!] }));
    const { Bot } = await chime.send(new CreateBotCommand({ AccountId: accountId, DisplayName: 'off' }));
    await chime.send(new UpdateBotCommand({ AccountId: accountId, BotId: Bot!.BotId, Disabled: true }));
    const first = await chime.send(
      new BatchCreateRoomMembershipCommand({
        AccountId: accountId,
        RoomId: roomId,
        MembershipItemList: [
          ...users.slice(0, 48).map((u) => ({ MemberId: u.UserId, Role: 'Member' as const })),
          { MemberId: users[100].UserId },
          { MemberId: Bot!.BotId },
        ],
      }),
    );
    assert.equal(first.$metadata.httpStatusCode, 201);
    assert.deepEqual(first.Errors, [
      { MemberId: users[100].UserId, ErrorCode: 'BadRequest', ErrorMessage: `User ${users[100].UserId} is suspended. Unsuspend the user with BatchUnsuspendUser first.` },
      { MemberId: Bot!.BotId, ErrorCode: 'BadRequest', ErrorMessage: `Bot ${Bot!.BotId} is disabled.` },
    ]);
    const second = await chime.send(
      new BatchCreateRoomMembershipCommand({ AccountId: accountId, RoomId: roomId, MembershipItemList: users.slice(47, 97).map((u) => ({ MemberId: u.UserId })) }),
    );
    assert.deepEqual(second.Errors!.map((e) => e.ErrorCode), ['Conflict']);
    const third = await chime.send(
      new BatchCreateRoomMembershipCommand({ AccountId: accountId, RoomId: roomId, MembershipItemList: [...users.slice(97, 100), users[101]].map((u) => ({ MemberId: u.UserId })) }),
    );
    assert.deepEqual(third.Errors!.map((e) => [e.MemberId, e.ErrorCode]), [[users[101].UserId, 'ResourceLimitExceeded']]);
    await rejectsWith(
      chime.send(new CreateRoomMembershipCommand({ AccountId: accountId, RoomId: roomId, MemberId: users[101].UserId })),
      'ResourceLimitExceededException',
      `Room ${roomId} already has 100 members, the most a room can have.`,
    );
    const tooMany = users.slice(0, 51).map((u) => ({ MemberId: u.UserId }));
    await rejectsWith(chime.send(new BatchCreateRoomMembershipCommand({ AccountId: accountId, RoomId: roomId, MembershipItemList: tooMany })), 'BadRequestException', /less than or equal to 50/);
    await rejectsWith(chime.send(new BatchCreateRoomMembershipCommand({ AccountId: accountId, RoomId: 'noroom', MembershipItemList: [] })), 'NotFoundException');
  });

  test('message redaction: rooms and conversations of Enterprise accounts (200, no body)', async () => {
    const { accountId } = await enterpriseAccount(s.url, chime, 'redact');
    const { Room } = await chime.send(new CreateRoomCommand({ AccountId: accountId, Name: 'r' }));
    const room = await chime.send(new RedactRoomMessageCommand({ AccountId: accountId, RoomId: Room!.RoomId, MessageId: 'msg-1' }));
    assert.equal(room.$metadata.httpStatusCode, 200);
    const conv = await chime.send(new RedactConversationMessageCommand({ AccountId: accountId, ConversationId: 'conv-1', MessageId: 'msg-2' }));
    assert.equal(conv.$metadata.httpStatusCode, 200);
    await rejectsWith(chime.send(new RedactRoomMessageCommand({ AccountId: accountId, RoomId: 'noroom', MessageId: 'm' })), 'NotFoundException');
    const team = await teamAccount();
    await rejectsWith(chime.send(new RedactConversationMessageCommand({ AccountId: team, ConversationId: 'c', MessageId: 'm' })), 'BadRequestException', /^Conversations are available only in Enterprise accounts/);
    await rejectsWith(chime.send(new RedactConversationMessageCommand({ AccountId: 'missing', ConversationId: 'c', MessageId: 'm' })), 'NotFoundException');
  });
});
