// Chat rooms of Enterprise accounts: CreateRoom, GetRoom, UpdateRoom, DeleteRoom, ListRooms,
// and message redaction (RedactRoomMessage, RedactConversationMessage).
// opentrail carries no chat messages; a redaction is recorded so it applies to the message id.
import { createHash } from 'node:crypto';
import type {
  CreateRoomRequest,
  CreateRoomResponse,
  DeleteRoomRequest,
  GetRoomRequest,
  GetRoomResponse,
  ListRoomsRequest,
  ListRoomsResponse,
  RedactConversationMessageRequest,
  RedactConversationMessageResponse,
  RedactRoomMessageRequest,
  RedactRoomMessageResponse,
  Room as RoomType,
  UpdateRoomRequest,
  UpdateRoomResponse,
} from '@aws-sdk/client-chime';
import { list, query, required, string, structure, timestamp } from '../../aws/shapes.ts';
import { principalArn } from '../../iam/principal.ts';
import { defineOperation } from '../service.ts';
import type { OperationContext } from '../service.ts';
import { NotFoundException, ResourceLimitExceededException } from './errors.ts';
import { accountResource, chimeResources, COLLECTIONS, date, deleteAll, getAccount, iso, LIMITS, newId, page, requireEnterprise } from './model.ts';
import type { NoOutput } from './model.ts';
import { AccountIdLabel, IdLabel, maxResults, NextToken, SensitiveString } from './shapes.ts';

export interface RoomDoc {
  RoomId: string;
  Name: string;
  AccountId: string;
  CreatedBy: string;
  CreatedTimestamp: string;
  UpdatedTimestamp: string;
}

const Room = structure({
  RoomId: string(),
  Name: SensitiveString,
  AccountId: string(),
  CreatedBy: string(),
  CreatedTimestamp: timestamp(),
  UpdatedTimestamp: timestamp(),
});

const roomView = (d: RoomDoc): RoomType => ({ ...d, CreatedTimestamp: date(d.CreatedTimestamp), UpdatedTimestamp: date(d.UpdatedTimestamp) });
const roomKey = (accountId: string, roomId: string) => ({ collection: COLLECTIONS.ROOMS, partition: accountId, id: roomId });
export const roomIds = { AccountId: AccountIdLabel, RoomId: IdLabel };
export const roomResources = (i: { AccountId?: string; RoomId?: string }) => chimeResources(['Account', i.AccountId], ['Room', i.RoomId]);

/** A room of an Enterprise account. */
export async function getRoom(ctx: OperationContext, accountId: string, roomId: string): Promise<RoomDoc> {
  requireEnterprise(await getAccount(ctx, accountId), 'Chat rooms');
  const doc = await ctx.tx.docs.get<RoomDoc>(roomKey(accountId, roomId));
  if (!doc) throw new NotFoundException(`The requested room ${roomId} does not exist in account ${accountId}.`);
  return doc;
}

export const CreateRoom = defineOperation<CreateRoomRequest, CreateRoomResponse>({
  name: 'CreateRoom',
  readOnly: false,
  http: { method: 'POST', uri: '/accounts/{AccountId}/rooms', status: 201 },
  input: structure({
    AccountId: AccountIdLabel,
    Name: required(SensitiveString),
    ClientRequestToken: string({ min: 2, max: 64, pattern: /[-_a-zA-Z0-9]*/, sensitive: true }),
  }),
  output: structure({ Room }),
  async handler(ctx, input) {
    const account = await getAccount(ctx, input.AccountId!);
    requireEnterprise(account, 'Chat rooms');
    // A retried CreateRoom with the same token returns the room the first call made.
    const tokenKey = input.ClientRequestToken
      ? { collection: COLLECTIONS.ROOM_TOKENS, partition: account.AccountId, id: createHash('sha256').update(input.ClientRequestToken).digest('base64url') }
      : undefined;
    if (tokenKey) {
      const earlier = await ctx.tx.docs.get<{ RoomId: string }>(tokenKey);
      const room = earlier && (await ctx.tx.docs.get<RoomDoc>(roomKey(account.AccountId, earlier.RoomId)));
      if (room) return { Room: roomView(room) };
    }
    if ((await ctx.tx.docs.count(COLLECTIONS.ROOMS, account.AccountId)) >= LIMITS.roomsPerAccount) {
      throw new ResourceLimitExceededException(`Account ${account.AccountId} already has ${LIMITS.roomsPerAccount} rooms, the most an account can have.`);
    }
    const doc: RoomDoc = {
      RoomId: newId(),
      Name: input.Name!,
      AccountId: account.AccountId,
      CreatedBy: principalArn(ctx.principal) ?? ctx.accountId,
      CreatedTimestamp: iso(ctx.now),
      UpdatedTimestamp: iso(ctx.now),
    };
    await ctx.tx.docs.put(roomKey(doc.AccountId, doc.RoomId), doc);
    if (tokenKey) await ctx.tx.docs.put(tokenKey, { RoomId: doc.RoomId, TokenHash: tokenKey.id });
    return { Room: roomView(doc) };
  },
  lookupResources: (input, output) => roomResources({ AccountId: input.AccountId, RoomId: output?.Room?.RoomId }),
});

export const GetRoom = defineOperation<GetRoomRequest, GetRoomResponse>({
  name: 'GetRoom',
  readOnly: true,
  http: { method: 'GET', uri: '/accounts/{AccountId}/rooms/{RoomId}', status: 200 },
  input: structure(roomIds),
  output: structure({ Room }),
  async handler(ctx, input) {
    return { Room: roomView(await getRoom(ctx, input.AccountId!, input.RoomId!)) };
  },
  lookupResources: roomResources,
});

export const UpdateRoom = defineOperation<UpdateRoomRequest, UpdateRoomResponse>({
  name: 'UpdateRoom',
  readOnly: false,
  http: { method: 'POST', uri: '/accounts/{AccountId}/rooms/{RoomId}', status: 200 },
  input: structure({ ...roomIds, Name: SensitiveString }),
  output: structure({ Room }),
  async handler(ctx, input) {
    const doc = await getRoom(ctx, input.AccountId!, input.RoomId!);
    if (input.Name !== undefined) doc.Name = input.Name;
    doc.UpdatedTimestamp = iso(ctx.now);
    await ctx.tx.docs.put(roomKey(doc.AccountId, doc.RoomId), doc);
    return { Room: roomView(doc) };
  },
  lookupResources: roomResources,
});

export const DeleteRoom = defineOperation<DeleteRoomRequest, NoOutput>({
  name: 'DeleteRoom',
  readOnly: false,
  http: { method: 'DELETE', uri: '/accounts/{AccountId}/rooms/{RoomId}', status: 204 },
  input: structure(roomIds),
  async handler(ctx, input) {
    const doc = await getRoom(ctx, input.AccountId!, input.RoomId!);
    await deleteRoomData(ctx, doc);
    return {};
  },
  lookupResources: roomResources,
});

/** A room and its memberships (also used when its account is deleted). */
export async function deleteRoomData(ctx: OperationContext, room: RoomDoc): Promise<void> {
  await deleteAll<{ MemberId: string }>(ctx.tx, COLLECTIONS.MEMBERSHIPS, room.RoomId, (m) => m.MemberId);
  await ctx.tx.docs.delete(roomKey(room.AccountId, room.RoomId));
}

export const ListRooms = defineOperation<ListRoomsRequest, ListRoomsResponse>({
  name: 'ListRooms',
  readOnly: true,
  http: { method: 'GET', uri: '/accounts/{AccountId}/rooms', status: 200 },
  input: structure({ AccountId: AccountIdLabel, MemberId: query('member-id', string()), MaxResults: maxResults(99), NextToken }),
  output: structure({ Rooms: list(Room), NextToken: string() }),
  async handler(ctx, input) {
    requireEnterprise(await getAccount(ctx, input.AccountId!), 'Chat rooms');
    const { NextToken: token, MaxResults, ...filters } = input;
    const memberOf =
      input.MemberId === undefined ? undefined : new Set((await ctx.tx.docs.findByIndex<{ RoomId: string }>(COLLECTIONS.MEMBERSHIPS, input.MemberId)).map((m) => m.RoomId));
    const { items, nextToken } = await page<RoomDoc>(ctx, COLLECTIONS.ROOMS, input.AccountId!, {
      nextToken: token,
      maxResults: MaxResults,
      defaultMax: 99,
      query: filters,
      keep: (r) => !memberOf || memberOf.has(r.RoomId),
    });
    return { Rooms: items.map(roomView), ...(nextToken ? { NextToken: nextToken } : {}) };
  },
  lookupResources: roomResources,
});

/** Remembers that a message is redacted (idempotent: redacting twice changes nothing). */
async function redact(ctx: OperationContext, accountId: string, scope: string, messageId: string): Promise<void> {
  const key = { collection: COLLECTIONS.REDACTIONS, partition: accountId, id: `${scope}/${messageId}` };
  if (!(await ctx.tx.docs.get(key))) await ctx.tx.docs.put(key, { Scope: scope, MessageId: messageId, RedactedTimestamp: iso(ctx.now) });
}

export const RedactRoomMessage = defineOperation<RedactRoomMessageRequest, RedactRoomMessageResponse>({
  name: 'RedactRoomMessage',
  readOnly: false,
  http: { method: 'POST', uri: '/accounts/{AccountId}/rooms/{RoomId}/messages/{MessageId}?operation=redact', status: 200 },
  input: structure({ ...roomIds, MessageId: IdLabel }),
  async handler(ctx, input) {
    const room = await getRoom(ctx, input.AccountId!, input.RoomId!);
    await redact(ctx, room.AccountId, `room/${room.RoomId}`, input.MessageId!);
    return {};
  },
  lookupResources: roomResources,
});

export const RedactConversationMessage = defineOperation<RedactConversationMessageRequest, RedactConversationMessageResponse>({
  name: 'RedactConversationMessage',
  readOnly: false,
  http: { method: 'POST', uri: '/accounts/{AccountId}/conversations/{ConversationId}/messages/{MessageId}?operation=redact', status: 200 },
  input: structure({ AccountId: AccountIdLabel, ConversationId: IdLabel, MessageId: IdLabel }),
  async handler(ctx, input) {
    const account = await getAccount(ctx, input.AccountId!);
    requireEnterprise(account, 'Conversations');
    await redact(ctx, account.AccountId, `conversation/${input.ConversationId}`, input.MessageId!);
    return {};
  },
  lookupResources: accountResource,
});
