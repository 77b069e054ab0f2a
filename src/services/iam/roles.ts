// IAM roles: CreateRole (with its trust policy), GetRole, ListRoles, DeleteRole.
import type { CreateRoleRequest, CreateRoleResponse, DeleteRoleRequest, GetRoleRequest, GetRoleResponse, ListRolesRequest, ListRolesResponse } from '@aws-sdk/client-iam';
import { integer, list, required, string, structure } from '../../aws/shapes.ts';
import { newIamId } from '../../iam/credentials.ts';
import { findRole, listAll, putRole, roleArn, roleKey } from '../../iam/entities.ts';
import type { RoleDoc } from '../../iam/entities.ts';
import { defineOperation } from '../service.ts';
import { DeleteConflict, EntityAlreadyExists } from './errors.ts';
import { checkPolicy, pageOf, requireRole, roleResource, roleResourceArn, roleView } from './model.ts';
import { Marker, MaxItems, Path, PathPrefix, PolicyDocument, Role, RoleName, Tags, truncation } from './shapes.ts';

export const CreateRole = defineOperation<CreateRoleRequest, CreateRoleResponse>({
  name: 'CreateRole',
  readOnly: false,
  input: structure({
    Path,
    RoleName: required(RoleName),
    AssumeRolePolicyDocument: required(PolicyDocument),
    Description: string({ max: 1000, pattern: /^[\u0009\u000A\u000D\u0020-\u007E\u00A1-\u00FF]*$/ }),
    MaxSessionDuration: integer({ min: 3600, max: 43200 }),
    Tags,
  }),
  output: structure({ Role }),
  async handler(ctx, input) {
    if (await findRole(ctx.tx, ctx.accountId, input.RoleName!)) throw new EntityAlreadyExists(`Role with name ${input.RoleName} already exists.`);
    checkPolicy(input.AssumeRolePolicyDocument!, 'trust');
    const path = input.Path ?? '/';
    const doc: RoleDoc = {
      accountId: ctx.accountId,
      RoleName: input.RoleName!,
      RoleId: newIamId('AROA', 17),
      Path: path,
      Arn: roleArn(ctx.accountId, path, input.RoleName!),
      CreateDate: ctx.now.toISOString(),
      AssumeRolePolicyDocument: input.AssumeRolePolicyDocument!,
      ...(input.Description !== undefined ? { Description: input.Description } : {}),
      MaxSessionDuration: input.MaxSessionDuration ?? 3600,
      ...(input.Tags?.length ? { Tags: input.Tags as RoleDoc['Tags'] } : {}),
      inlinePolicies: {},
      attachedPolicies: [],
    };
    await putRole(ctx.tx, doc);
    return { Role: roleView(doc) };
  },
  resourceArn: (input, ctx) => roleArn(ctx.accountId, input.Path ?? '/', input.RoleName!),
  lookupResources: (input) => roleResource(input.RoleName),
});

export const GetRole = defineOperation<GetRoleRequest, GetRoleResponse>({
  name: 'GetRole',
  readOnly: true,
  input: structure({ RoleName: required(RoleName) }),
  output: structure({ Role }),
  async handler(ctx, input) {
    return { Role: roleView(await requireRole(ctx, input.RoleName!)) };
  },
  resourceArn: (input, ctx) => roleResourceArn(ctx, input.RoleName!),
  lookupResources: (input) => roleResource(input.RoleName),
});

export const ListRoles = defineOperation<ListRolesRequest, ListRolesResponse>({
  name: 'ListRoles',
  readOnly: true,
  input: structure({ PathPrefix, Marker, MaxItems }),
  output: structure({ Roles: list(Role), ...truncation }),
  async handler(ctx, input) {
    const prefix = input.PathPrefix ?? '/';
    const roles = (await listAll<RoleDoc>(ctx.tx, 'role', ctx.accountId)).filter((r) => r.Path.startsWith(prefix));
    roles.sort((a, b) => a.RoleName.localeCompare(b.RoleName));
    const { items, ...rest } = pageOf(ctx, roles, input, { prefix });
    return { Roles: items.map(roleView), ...rest };
  },
});

export const DeleteRole = defineOperation<DeleteRoleRequest, object>({
  name: 'DeleteRole',
  readOnly: false,
  input: structure({ RoleName: required(RoleName) }),
  async handler(ctx, input) {
    const role = await requireRole(ctx, input.RoleName!);
    if (Object.keys(role.inlinePolicies).length) throw new DeleteConflict('Cannot delete entity, must delete policies first.');
    if (role.attachedPolicies.length) throw new DeleteConflict('Cannot delete entity, must detach all policies first.');
    await ctx.tx.docs.delete(roleKey(ctx.accountId, role.RoleId));
    return {};
  },
  resourceArn: (input, ctx) => roleResourceArn(ctx, input.RoleName!),
  lookupResources: (input) => roleResource(input.RoleName),
});
