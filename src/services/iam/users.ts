// IAM users: CreateUser, GetUser, ListUsers, UpdateUser, DeleteUser.
import type {
  CreateUserRequest,
  CreateUserResponse,
  DeleteUserRequest,
  GetUserRequest,
  GetUserResponse,
  ListUsersRequest,
  ListUsersResponse,
  UpdateUserRequest,
} from '@aws-sdk/client-iam';
import { list, required, structure } from '../../aws/shapes.ts';
import { findUser, listAll, mfaDevicesOf, putUser, userArn, userKey } from '../../iam/entities.ts';
import type { UserDoc } from '../../iam/entities.ts';
import { newIamId } from '../../iam/credentials.ts';
import { defineOperation } from '../service.ts';
import { DeleteConflict, EntityAlreadyExists } from './errors.ts';
import { pageOf, requireUser, targetUser, userResource, userResourceArn, userView } from './model.ts';
import { ExistingUserName, Marker, MaxItems, Path, PathPrefix, Tags, truncation, User, UserName } from './shapes.ts';

export const CreateUser = defineOperation<CreateUserRequest, CreateUserResponse>({
  name: 'CreateUser',
  readOnly: false,
  input: structure({ Path, UserName: required(UserName), Tags }),
  output: structure({ User }),
  async handler(ctx, input) {
    if (await findUser(ctx.tx, ctx.accountId, input.UserName!)) throw new EntityAlreadyExists(`User with name ${input.UserName} already exists.`);
    const path = input.Path ?? '/';
    const doc: UserDoc = {
      accountId: ctx.accountId,
      UserName: input.UserName!,
      UserId: newIamId('AIDA', 17),
      Path: path,
      Arn: userArn(ctx.accountId, path, input.UserName!),
      CreateDate: ctx.now.toISOString(),
      ...(input.Tags?.length ? { Tags: input.Tags as UserDoc['Tags'] } : {}),
      inlinePolicies: {},
      attachedPolicies: [],
    };
    await putUser(ctx.tx, doc);
    return { User: userView(doc) };
  },
  resourceArn: (input, ctx) => userArn(ctx.accountId, input.Path ?? '/', input.UserName!),
  lookupResources: (input) => userResource(input.UserName),
});

export const GetUser = defineOperation<GetUserRequest, GetUserResponse>({
  name: 'GetUser',
  readOnly: true,
  input: structure({ UserName: ExistingUserName }),
  output: structure({ User }),
  async handler(ctx, input) {
    const user = await targetUser(ctx, input.UserName);
    if (user) return { User: userView(user) };
    const account = await ctx.app.credentials.getAccount(ctx.tx, ctx.accountId);
    return { User: { UserId: ctx.accountId, Arn: `arn:aws:iam::${ctx.accountId}:root`, CreateDate: new Date(account?.createDate ?? 0) } as GetUserResponse['User'] };
  },
  resourceArn: (input, ctx) => userResourceArn(ctx, input.UserName),
  lookupResources: (input) => userResource(input.UserName),
});

export const ListUsers = defineOperation<ListUsersRequest, ListUsersResponse>({
  name: 'ListUsers',
  readOnly: true,
  input: structure({ PathPrefix, Marker, MaxItems }),
  output: structure({ Users: list(User), ...truncation }),
  async handler(ctx, input) {
    const prefix = input.PathPrefix ?? '/';
    const users = (await listAll<UserDoc>(ctx.tx, 'user', ctx.accountId)).filter((u) => u.Path.startsWith(prefix));
    users.sort((a, b) => a.UserName.localeCompare(b.UserName));
    const { items, ...rest } = pageOf(ctx, users, input, { prefix });
    return { Users: items.map(userView), ...rest };
  },
});

export const UpdateUser = defineOperation<UpdateUserRequest, object>({
  name: 'UpdateUser',
  readOnly: false,
  input: structure({ UserName: required(ExistingUserName), NewPath: Path, NewUserName: UserName }),
  async handler(ctx, input) {
    const user = await requireUser(ctx, input.UserName!);
    if (input.NewUserName !== undefined && input.NewUserName.toLowerCase() !== user.UserName.toLowerCase() && (await findUser(ctx.tx, ctx.accountId, input.NewUserName))) {
      throw new EntityAlreadyExists(`User with name ${input.NewUserName} already exists.`);
    }
    user.UserName = input.NewUserName ?? user.UserName;
    user.Path = input.NewPath ?? user.Path;
    user.Arn = userArn(ctx.accountId, user.Path, user.UserName);
    await putUser(ctx.tx, user);
    return {};
  },
  resourceArn: (input, ctx) => userResourceArn(ctx, input.UserName),
  lookupResources: (input) => userResource(input.UserName),
});

export const DeleteUser = defineOperation<DeleteUserRequest, object>({
  name: 'DeleteUser',
  readOnly: false,
  input: structure({ UserName: required(ExistingUserName) }),
  async handler(ctx, input) {
    const user = await requireUser(ctx, input.UserName!);
    // As IAM does: what hangs off a user goes first, so nothing is removed by surprise.
    const conflict = (what: string) => new DeleteConflict(`Cannot delete entity, must ${what} first.`);
    if ((await ctx.app.credentials.accessKeysOf(ctx.tx, ctx.accountId, user.UserId)).length) throw conflict('delete access keys');
    if (user.loginProfile) throw conflict('delete login profile');
    if (Object.keys(user.inlinePolicies).length) throw conflict('delete policies');
    if (user.attachedPolicies.length) throw conflict('detach all policies');
    if ((await mfaDevicesOf(ctx.tx, ctx.accountId, user.UserId)).length) throw conflict('delete MFA device');
    await ctx.tx.docs.delete(userKey(ctx.accountId, user.UserId));
    return {};
  },
  resourceArn: (input, ctx) => userResourceArn(ctx, input.UserName),
  lookupResources: (input) => userResource(input.UserName),
});
