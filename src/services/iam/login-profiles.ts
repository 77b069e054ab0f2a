// Console passwords: CreateLoginProfile, UpdateLoginProfile, DeleteLoginProfile. Only a slow
// salted hash of a password is kept; the password itself never reaches a record or a log.
import type {
  CreateLoginProfileRequest,
  CreateLoginProfileResponse,
  DeleteLoginProfileRequest,
  UpdateLoginProfileRequest,
} from '@aws-sdk/client-iam';
import { boolean, required, string, structure, timestamp } from '../../aws/shapes.ts';
import { putUser } from '../../iam/entities.ts';
import { hashPassword, passwordPolicyViolation } from '../../iam/password.ts';
import { defineOperation } from '../service.ts';
import { EntityAlreadyExists, NoSuchEntity, PasswordPolicyViolation } from './errors.ts';
import { requireUser, userResource, userResourceArn } from './model.ts';
import { ExistingUserName, UserName } from './shapes.ts';

const Password = string({ min: 1, max: 128, pattern: /^[\u0009\u000A\u000D\u0020-\u00FF]+$/, sensitive: true });

async function checkedHash(password: string): Promise<string> {
  const violation = passwordPolicyViolation(password);
  if (violation) throw new PasswordPolicyViolation(violation);
  return hashPassword(password);
}

export const CreateLoginProfile = defineOperation<CreateLoginProfileRequest, CreateLoginProfileResponse>({
  name: 'CreateLoginProfile',
  readOnly: false,
  input: structure({ UserName: required(UserName), Password: required(Password), PasswordResetRequired: boolean() }),
  output: structure({ LoginProfile: structure({ UserName: string(), CreateDate: timestamp(), PasswordResetRequired: boolean() }) }),
  sensitive: ['Password'],
  async handler(ctx, input) {
    const user = await requireUser(ctx, input.UserName!);
    if (user.loginProfile) throw new EntityAlreadyExists(`Login Profile for user ${user.UserName} already exists.`);
    const passwordResetRequired = input.PasswordResetRequired ?? false;
    user.loginProfile = { passwordHash: await checkedHash(input.Password!), createDate: ctx.now.toISOString(), passwordResetRequired };
    await putUser(ctx.tx, user);
    return { LoginProfile: { UserName: user.UserName, CreateDate: ctx.now, PasswordResetRequired: passwordResetRequired } };
  },
  resourceArn: (input, ctx) => userResourceArn(ctx, input.UserName),
  lookupResources: (input) => userResource(input.UserName),
});

export const UpdateLoginProfile = defineOperation<UpdateLoginProfileRequest, object>({
  name: 'UpdateLoginProfile',
  readOnly: false,
  input: structure({ UserName: required(ExistingUserName), Password, PasswordResetRequired: boolean() }),
  sensitive: ['Password'],
  async handler(ctx, input) {
    const user = await requireUser(ctx, input.UserName!);
    if (!user.loginProfile) throw new NoSuchEntity(`Login Profile for User ${user.UserName} cannot be found.`);
    if (input.Password !== undefined) user.loginProfile.passwordHash = await checkedHash(input.Password);
    if (input.PasswordResetRequired !== undefined) user.loginProfile.passwordResetRequired = input.PasswordResetRequired;
    await putUser(ctx.tx, user);
    return {};
  },
  resourceArn: (input, ctx) => userResourceArn(ctx, input.UserName),
  lookupResources: (input) => userResource(input.UserName),
});

export const DeleteLoginProfile = defineOperation<DeleteLoginProfileRequest, object>({
  name: 'DeleteLoginProfile',
  readOnly: false,
  input: structure({ UserName: required(ExistingUserName) }),
  async handler(ctx, input) {
    const user = await requireUser(ctx, input.UserName!);
    if (!user.loginProfile) throw new NoSuchEntity(`Login Profile for User ${user.UserName} cannot be found.`);
    delete user.loginProfile;
    await putUser(ctx.tx, user);
    return {};
  },
  resourceArn: (input, ctx) => userResourceArn(ctx, input.UserName),
  lookupResources: (input) => userResource(input.UserName),
});
