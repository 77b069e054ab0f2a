// Access keys: CreateAccessKey, ListAccessKeys, UpdateAccessKey, DeleteAccessKey. Without a
// UserName they act on the caller (root's own keys for root). The secret is shown once.
import type {
  CreateAccessKeyRequest,
  CreateAccessKeyResponse,
  DeleteAccessKeyRequest,
  ListAccessKeysRequest,
  ListAccessKeysResponse,
  UpdateAccessKeyRequest,
} from '@aws-sdk/client-iam';
import { list, required, string, structure, timestamp } from '../../aws/shapes.ts';
import { newIamId, newSecretAccessKey } from '../../iam/credentials.ts';
import type { AccessKeyDoc } from '../../iam/credentials.ts';
import type { UserDoc } from '../../iam/entities.ts';
import { defineOperation } from '../service.ts';
import type { OperationContext } from '../service.ts';
import { LimitExceeded, NoSuchEntity } from './errors.ts';
import { pageOf, targetUser, userResource, userResourceArn } from './model.ts';
import { AccessKeyId, ExistingUserName, Marker, MaxItems, truncation } from './shapes.ts';

const KEYS_PER_USER = 2;

const AccessKeyMetadata = structure({ UserName: string(), AccessKeyId: string(), Status: string(), CreateDate: timestamp() });

const keysOf = (ctx: OperationContext, user: UserDoc | undefined) => ctx.app.credentials.accessKeysOf(ctx.tx, ctx.accountId, user?.UserId);

async function requireKey(ctx: OperationContext, user: UserDoc | undefined, accessKeyId: string): Promise<AccessKeyDoc> {
  const key = (await keysOf(ctx, user)).find((k) => k.accessKeyId === accessKeyId);
  if (!key) throw new NoSuchEntity(`The Access Key with id ${accessKeyId} cannot be found.`);
  return key;
}

const metadata = (key: AccessKeyDoc, user: UserDoc | undefined) => ({
  ...(user ? { UserName: user.UserName } : {}),
  AccessKeyId: key.accessKeyId,
  Status: key.status,
  CreateDate: new Date(key.createDate),
});

export const CreateAccessKey = defineOperation<CreateAccessKeyRequest, CreateAccessKeyResponse>({
  name: 'CreateAccessKey',
  readOnly: false,
  input: structure({ UserName: ExistingUserName }),
  output: structure({
    AccessKey: structure({ UserName: string(), AccessKeyId: string(), Status: string(), SecretAccessKey: string({ sensitive: true }), CreateDate: timestamp() }),
  }),
  async handler(ctx, input) {
    const user = await targetUser(ctx, input.UserName);
    if ((await keysOf(ctx, user)).length >= KEYS_PER_USER) throw new LimitExceeded(`Cannot exceed quota for AccessKeysPerUser: ${KEYS_PER_USER}`);
    const doc = {
      accessKeyId: newIamId('AKIA'),
      status: 'Active' as const,
      accountId: ctx.accountId,
      createDate: ctx.now.toISOString(),
      owner: user ? { type: 'IAMUser' as const, userId: user.UserId } : { type: 'Root' as const },
    };
    const secret = newSecretAccessKey();
    await ctx.app.credentials.putAccessKey(ctx.tx, doc, secret);
    return { AccessKey: { ...metadata({ ...doc, sealedSecret: '' }, user), SecretAccessKey: secret } as CreateAccessKeyResponse['AccessKey'] };
  },
  resourceArn: (input, ctx) => userResourceArn(ctx, input.UserName),
  lookupResources: (input) => userResource(input.UserName),
});

export const ListAccessKeys = defineOperation<ListAccessKeysRequest, ListAccessKeysResponse>({
  name: 'ListAccessKeys',
  readOnly: true,
  input: structure({ UserName: ExistingUserName, Marker, MaxItems }),
  output: structure({ AccessKeyMetadata: list(AccessKeyMetadata), ...truncation }),
  async handler(ctx, input) {
    const user = await targetUser(ctx, input.UserName);
    const { items, ...rest } = pageOf(ctx, await keysOf(ctx, user), input, { user: user?.UserId });
    return { AccessKeyMetadata: items.map((k) => metadata(k, user)), ...rest };
  },
  resourceArn: (input, ctx) => userResourceArn(ctx, input.UserName),
  lookupResources: (input) => userResource(input.UserName),
});

export const UpdateAccessKey = defineOperation<UpdateAccessKeyRequest, object>({
  name: 'UpdateAccessKey',
  readOnly: false,
  input: structure({ UserName: ExistingUserName, AccessKeyId: required(AccessKeyId), Status: required(string({ enum: ['Active', 'Inactive'] })) }),
  async handler(ctx, input) {
    const user = await targetUser(ctx, input.UserName);
    const key = await requireKey(ctx, user, input.AccessKeyId!);
    await ctx.app.credentials.updateAccessKey(ctx.tx, { ...key, status: input.Status as AccessKeyDoc['status'] });
    return {};
  },
  resourceArn: (input, ctx) => userResourceArn(ctx, input.UserName),
  lookupResources: (input) => [...userResource(input.UserName), { type: 'AWS::IAM::AccessKey', name: input.AccessKeyId! }],
});

export const DeleteAccessKey = defineOperation<DeleteAccessKeyRequest, object>({
  name: 'DeleteAccessKey',
  readOnly: false,
  input: structure({ UserName: ExistingUserName, AccessKeyId: required(AccessKeyId) }),
  async handler(ctx, input) {
    const user = await targetUser(ctx, input.UserName);
    await requireKey(ctx, user, input.AccessKeyId!);
    await ctx.app.credentials.deleteAccessKey(ctx.tx, input.AccessKeyId!);
    return {};
  },
  resourceArn: (input, ctx) => userResourceArn(ctx, input.UserName),
  lookupResources: (input) => [...userResource(input.UserName), { type: 'AWS::IAM::AccessKey', name: input.AccessKeyId! }],
});
