// Room memberships: CreateRoomMembership, BatchCreateRoomMembership, UpdateRoomMembership,
// DeleteRoomMembership, ListRoomMemberships. Members are users or bots of the room's account;
// suspended users and disabled bots cannot join, and only users' roles can change.
import type {
  BatchCreateRoomMembershipRequest,
  BatchCreateRoomMembershipResponse,
  CreateRoomMembershipRequest,
  CreateRoomMembershipResponse,
  DeleteRoomMembershipRequest,
  ListRoomMembershipsRequest,
  ListRoomMembershipsResponse,
  RoomMembership as RoomMembershipType,
  UpdateRoomMembershipRequest,
  UpdateRoomMembershipResponse,
} from '@aws-sdk/client-chime';
import { list, required, string, structure, timestamp } from '../../aws/shapes.ts';
import { principalArn } from '../../iam/principal.ts';
import { defineOperation } from '../service.ts';
import type { OperationContext } from '../service.ts';
import { BadRequestException, ConflictException, NotFoundException, ResourceLimitExceededException } from './errors.ts';
import { chimeResources, COLLECTIONS, date, eachItem, iso, LIMITS, page, requireNotSuspended, userKey } from './model.ts';
import type { NoOutput, UserDoc } from './model.ts';
import { findBot } from './bots.ts';
import { getRoom, roomIds, roomResources } from './rooms.ts';
import type { RoomDoc } from './rooms.ts';
import { IdLabel, itemErrors, maxResults, NextToken, NonEmpty, SensitiveString } from './shapes.ts';

type Role = 'Administrator' | 'Member';
interface MembershipDoc {
  RoomId: string;
  MemberId: string;
  MemberType: 'User' | 'Bot';
  Role: Role;
  InvitedBy: string;
  UpdatedTimestamp: string;
}

const RoleShape = string({ enum: ['Administrator', 'Member'] });
const RoomMembership = structure({
  RoomId: string(),
  Member: structure({ MemberId: string(), MemberType: string(), Email: SensitiveString, FullName: SensitiveString, AccountId: string() }),
  Role: string(),
  InvitedBy: string(),
  UpdatedTimestamp: timestamp(),
});

const membershipKey = (roomId: string, memberId: string) => ({ collection: COLLECTIONS.MEMBERSHIPS, partition: roomId, id: memberId });
const resources = (i: { AccountId?: string; RoomId?: string; MemberId?: string }) => [...roomResources(i), ...chimeResources(['User', i.MemberId])];

/** The user or bot a member id names, in the room's account. */
async function resolveMember(ctx: OperationContext, room: RoomDoc, memberId: string) {
  const user = await ctx.tx.docs.get<UserDoc>(userKey(room.AccountId, memberId));
  if (user) return { type: 'User' as const, user };
  const bot = await findBot(ctx, room.AccountId, memberId);
  if (bot) return { type: 'Bot' as const, bot };
  throw new NotFoundException(`Member ${memberId} is neither a user nor a bot of account ${room.AccountId}.`);
}

async function membershipView(ctx: OperationContext, room: RoomDoc, m: MembershipDoc): Promise<RoomMembershipType> {
  const member = await resolveMember(ctx, room, m.MemberId).catch(() => undefined);
  const details =
    member?.type === 'User'
      ? { Email: member.user.PrimaryEmail, FullName: member.user.DisplayName }
      : member?.type === 'Bot'
        ? { Email: member.bot.BotEmail, FullName: member.bot.DisplayName }
        : {};
  return {
    RoomId: m.RoomId,
    Member: { MemberId: m.MemberId, MemberType: m.MemberType, AccountId: room.AccountId, ...details },
    Role: m.Role,
    InvitedBy: m.InvitedBy,
    UpdatedTimestamp: date(m.UpdatedTimestamp),
  };
}

/** CreateRoomMembership and each item of BatchCreateRoomMembership. */
async function addMember(ctx: OperationContext, room: RoomDoc, memberId: string, role: Role | undefined): Promise<MembershipDoc> {
  const member = await resolveMember(ctx, room, memberId);
  if (member.type === 'User') requireNotSuspended(member.user);
  if (member.type === 'Bot') {
    if (member.bot.Disabled) throw new BadRequestException(`Bot ${memberId} is disabled.`);
    if (role === 'Administrator') throw new BadRequestException('Bots can only be room members, not administrators.');
  }
  if (await ctx.tx.docs.get(membershipKey(room.RoomId, memberId))) {
    throw new ConflictException(`Request could not be completed due to a conflict: ${memberId} is already a member of room ${room.RoomId}.`);
  }
  if ((await ctx.tx.docs.count(COLLECTIONS.MEMBERSHIPS, room.RoomId)) >= LIMITS.membersPerRoom) {
    throw new ResourceLimitExceededException(`Room ${room.RoomId} already has ${LIMITS.membersPerRoom} members, the most a room can have.`);
  }
  const doc: MembershipDoc = {
    RoomId: room.RoomId,
    MemberId: memberId,
    MemberType: member.type,
    Role: role ?? 'Member',
    InvitedBy: principalArn(ctx.principal) ?? ctx.accountId,
    UpdatedTimestamp: iso(ctx.now),
  };
  await ctx.tx.docs.put(membershipKey(room.RoomId, memberId), doc, memberId);
  return doc;
}

async function getMembership(ctx: OperationContext, room: RoomDoc, memberId: string): Promise<MembershipDoc> {
  const doc = await ctx.tx.docs.get<MembershipDoc>(membershipKey(room.RoomId, memberId));
  if (!doc) throw new NotFoundException(`${memberId} is not a member of room ${room.RoomId}.`);
  return doc;
}

export const CreateRoomMembership = defineOperation<CreateRoomMembershipRequest, CreateRoomMembershipResponse>({
  name: 'CreateRoomMembership',
  readOnly: false,
  http: { method: 'POST', uri: '/accounts/{AccountId}/rooms/{RoomId}/memberships', status: 201 },
  input: structure({ ...roomIds, MemberId: required(NonEmpty), Role: RoleShape }),
  output: structure({ RoomMembership }),
  async handler(ctx, input) {
    const room = await getRoom(ctx, input.AccountId!, input.RoomId!);
    const doc = await addMember(ctx, room, input.MemberId!, input.Role);
    return { RoomMembership: await membershipView(ctx, room, doc) };
  },
  lookupResources: resources,
});

export const BatchCreateRoomMembership = defineOperation<BatchCreateRoomMembershipRequest, BatchCreateRoomMembershipResponse>({
  name: 'BatchCreateRoomMembership',
  readOnly: false,
  http: { method: 'POST', uri: '/accounts/{AccountId}/rooms/{RoomId}/memberships?operation=batch-create', status: 201 },
  input: structure({ ...roomIds, MembershipItemList: required(list(structure({ MemberId: NonEmpty, Role: RoleShape }), { max: 50 })) }),
  output: structure({ Errors: itemErrors('MemberId') }),
  async handler(ctx, input) {
    const room = await getRoom(ctx, input.AccountId!, input.RoomId!);
    const errors = await eachItem(input.MembershipItemList!, 'MemberId', (i) => i.MemberId, async (item) => {
      if (item.MemberId === undefined) throw new BadRequestException('A membership item needs a MemberId.');
      await addMember(ctx, room, item.MemberId, item.Role);
    });
    return { Errors: errors };
  },
  lookupResources: roomResources,
});

export const UpdateRoomMembership = defineOperation<UpdateRoomMembershipRequest, UpdateRoomMembershipResponse>({
  name: 'UpdateRoomMembership',
  readOnly: false,
  http: { method: 'POST', uri: '/accounts/{AccountId}/rooms/{RoomId}/memberships/{MemberId}', status: 200 },
  input: structure({ ...roomIds, MemberId: IdLabel, Role: RoleShape }),
  output: structure({ RoomMembership }),
  async handler(ctx, input) {
    const room = await getRoom(ctx, input.AccountId!, input.RoomId!);
    const doc = await getMembership(ctx, room, input.MemberId!);
    if (doc.MemberType === 'Bot') throw new BadRequestException('Only the role of a user can be updated, not of a bot.');
    if (input.Role !== undefined) doc.Role = input.Role;
    doc.UpdatedTimestamp = iso(ctx.now);
    await ctx.tx.docs.put(membershipKey(room.RoomId, doc.MemberId), doc, doc.MemberId);
    return { RoomMembership: await membershipView(ctx, room, doc) };
  },
  lookupResources: resources,
});

export const DeleteRoomMembership = defineOperation<DeleteRoomMembershipRequest, NoOutput>({
  name: 'DeleteRoomMembership',
  readOnly: false,
  http: { method: 'DELETE', uri: '/accounts/{AccountId}/rooms/{RoomId}/memberships/{MemberId}', status: 204 },
  input: structure({ ...roomIds, MemberId: IdLabel }),
  async handler(ctx, input) {
    const room = await getRoom(ctx, input.AccountId!, input.RoomId!);
    const doc = await getMembership(ctx, room, input.MemberId!);
    await ctx.tx.docs.delete(membershipKey(room.RoomId, doc.MemberId));
    return {};
  },
  lookupResources: resources,
});

export const ListRoomMemberships = defineOperation<ListRoomMembershipsRequest, ListRoomMembershipsResponse>({
  name: 'ListRoomMemberships',
  readOnly: true,
  http: { method: 'GET', uri: '/accounts/{AccountId}/rooms/{RoomId}/memberships', status: 200 },
  input: structure({ ...roomIds, MaxResults: maxResults(99), NextToken }),
  output: structure({ RoomMemberships: list(RoomMembership), NextToken: string() }),
  async handler(ctx, input) {
    const room = await getRoom(ctx, input.AccountId!, input.RoomId!);
    const { items, nextToken } = await page<MembershipDoc>(ctx, COLLECTIONS.MEMBERSHIPS, room.RoomId, {
      nextToken: input.NextToken,
      maxResults: input.MaxResults,
      defaultMax: 99,
      query: { AccountId: input.AccountId, RoomId: input.RoomId },
    });
    const memberships: RoomMembershipType[] = [];
    for (const m of items) memberships.push(await membershipView(ctx, room, m));
    return { RoomMemberships: memberships, ...(nextToken ? { NextToken: nextToken } : {}) };
  },
  lookupResources: roomResources,
});
