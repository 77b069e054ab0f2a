// Policies of users and roles: inline (Put/Get/Delete/List User|Role Policy) and attached
// managed policies (Attach/Detach/ListAttached User|Role Policies). Users and roles behave the
// same, so each operation pair is built once from the entity it acts on.
import type {
  AttachRolePolicyRequest,
  AttachUserPolicyRequest,
  DeleteRolePolicyRequest,
  DeleteUserPolicyRequest,
  DetachRolePolicyRequest,
  DetachUserPolicyRequest,
  GetRolePolicyResponse,
  GetUserPolicyResponse,
  ListAttachedRolePoliciesResponse,
  ListAttachedUserPoliciesResponse,
  ListRolePoliciesResponse,
  ListUserPoliciesResponse,
  PutRolePolicyRequest,
  PutUserPolicyRequest,
} from '@aws-sdk/client-iam';
import { list, required, string, structure } from '../../aws/shapes.ts';
import type { StringShape } from '../../aws/shapes.ts';
import { putRole, putUser } from '../../iam/entities.ts';
import type { PolicyHolder, RoleDoc, UserDoc } from '../../iam/entities.ts';
import { managedPolicy } from '../../iam/managed-policies.ts';
import { defineOperation } from '../service.ts';
import type { Operation, OperationContext } from '../service.ts';
import type { LookupResource } from '../../storage/store.ts';
import { LimitExceeded, NoSuchEntity } from './errors.ts';
import { checkPolicy, encodePolicy, pageOf, requireRole, requireUser, roleResource, roleResourceArn, userResource, userResourceArn } from './model.ts';
import { Arn, ExistingUserName, Marker, MaxItems, PathPrefix, PolicyDocument, PolicyName, RoleName, truncation } from './shapes.ts';

const MANAGED_PER_ENTITY = 10;

interface Entity {
  kind: 'User' | 'Role';
  nameShape: StringShape;
  load(ctx: OperationContext, name: string): Promise<PolicyHolder>;
  save(ctx: OperationContext, doc: PolicyHolder): Promise<void>;
  arn(ctx: OperationContext, name: string): Promise<string>;
  resource(name: string): LookupResource[];
}

const USER: Entity = {
  kind: 'User',
  nameShape: ExistingUserName,
  load: requireUser,
  save: (ctx, doc) => putUser(ctx.tx, doc as UserDoc),
  arn: userResourceArn,
  resource: userResource,
};
const ROLE: Entity = {
  kind: 'Role',
  nameShape: RoleName,
  load: requireRole,
  save: (ctx, doc) => putRole(ctx.tx, doc as RoleDoc),
  arn: roleResourceArn,
  resource: roleResource,
};

type Named = Record<string, string | number | undefined>;
const nameOf = (e: Entity, input: Named) => input[`${e.kind}Name`] as string;
const common = (e: Entity) => ({
  resourceArn: (input: Named, ctx: OperationContext) => e.arn(ctx, nameOf(e, input)),
  lookupResources: (input: Named) => e.resource(nameOf(e, input)),
});

function inlineOf(e: Entity, doc: PolicyHolder, policyName: string): string {
  const document = doc.inlinePolicies[policyName];
  if (document === undefined) throw new NoSuchEntity(`The ${e.kind.toLowerCase()} policy with name ${policyName} cannot be found.`);
  return document;
}

const putPolicy = (e: Entity): Operation =>
  defineOperation<Named, object>({
    name: `Put${e.kind}Policy`,
    readOnly: false,
    input: structure({ [`${e.kind}Name`]: required(e.nameShape), PolicyName: required(PolicyName), PolicyDocument: required(PolicyDocument) }),
    async handler(ctx, input) {
      const doc = await e.load(ctx, nameOf(e, input));
      checkPolicy(input.PolicyDocument as string);
      doc.inlinePolicies[input.PolicyName as string] = input.PolicyDocument as string;
      await e.save(ctx, doc);
      return {};
    },
    ...common(e),
  });

const getPolicy = (e: Entity): Operation =>
  defineOperation<Named, Named>({
    name: `Get${e.kind}Policy`,
    readOnly: true,
    input: structure({ [`${e.kind}Name`]: required(e.nameShape), PolicyName: required(PolicyName) }),
    output: structure({ [`${e.kind}Name`]: string(), PolicyName: string(), PolicyDocument: string() }),
    async handler(ctx, input) {
      const doc = await e.load(ctx, nameOf(e, input));
      const document = inlineOf(e, doc, input.PolicyName as string);
      return { [`${e.kind}Name`]: nameOf(e, input), PolicyName: input.PolicyName, PolicyDocument: encodePolicy(document) };
    },
    ...common(e),
  });

const deletePolicy = (e: Entity): Operation =>
  defineOperation<Named, object>({
    name: `Delete${e.kind}Policy`,
    readOnly: false,
    input: structure({ [`${e.kind}Name`]: required(e.nameShape), PolicyName: required(PolicyName) }),
    async handler(ctx, input) {
      const doc = await e.load(ctx, nameOf(e, input));
      inlineOf(e, doc, input.PolicyName as string);
      delete doc.inlinePolicies[input.PolicyName as string];
      await e.save(ctx, doc);
      return {};
    },
    ...common(e),
  });

const listPolicies = (e: Entity): Operation =>
  defineOperation<Named, object>({
    name: `List${e.kind}Policies`,
    readOnly: true,
    input: structure({ [`${e.kind}Name`]: required(e.nameShape), Marker, MaxItems }),
    output: structure({ PolicyNames: list(string()), ...truncation }),
    async handler(ctx, input) {
      const doc = await e.load(ctx, nameOf(e, input));
      const { items, ...rest } = pageOf(ctx, Object.keys(doc.inlinePolicies).sort(), input, { name: nameOf(e, input) });
      return { PolicyNames: items, ...rest };
    },
    ...common(e),
  });

const attachPolicy = (e: Entity): Operation =>
  defineOperation<Named, object>({
    name: `Attach${e.kind}Policy`,
    readOnly: false,
    input: structure({ [`${e.kind}Name`]: required(e.nameShape), PolicyArn: required(Arn) }),
    async handler(ctx, input) {
      const doc = await e.load(ctx, nameOf(e, input));
      const arn = input.PolicyArn as string;
      if (!managedPolicy(arn)) throw new NoSuchEntity(`Policy ${arn} does not exist or is not attachable.`);
      if (!doc.attachedPolicies.includes(arn)) {
        if (doc.attachedPolicies.length >= MANAGED_PER_ENTITY) throw new LimitExceeded(`Cannot exceed quota for PoliciesPer${e.kind}: ${MANAGED_PER_ENTITY}`);
        doc.attachedPolicies.push(arn);
        await e.save(ctx, doc);
      }
      return {};
    },
    ...common(e),
  });

const detachPolicy = (e: Entity): Operation =>
  defineOperation<Named, object>({
    name: `Detach${e.kind}Policy`,
    readOnly: false,
    input: structure({ [`${e.kind}Name`]: required(e.nameShape), PolicyArn: required(Arn) }),
    async handler(ctx, input) {
      const doc = await e.load(ctx, nameOf(e, input));
      const arn = input.PolicyArn as string;
      if (!doc.attachedPolicies.includes(arn)) throw new NoSuchEntity(`Policy ${arn} was not found.`);
      doc.attachedPolicies = doc.attachedPolicies.filter((a) => a !== arn);
      await e.save(ctx, doc);
      return {};
    },
    ...common(e),
  });

const listAttached = (e: Entity): Operation =>
  defineOperation<Named, object>({
    name: `ListAttached${e.kind}Policies`,
    readOnly: true,
    input: structure({ [`${e.kind}Name`]: required(e.nameShape), PathPrefix, Marker, MaxItems }),
    output: structure({ AttachedPolicies: list(structure({ PolicyName: string(), PolicyArn: string() })), ...truncation }),
    async handler(ctx, input) {
      const doc = await e.load(ctx, nameOf(e, input));
      const attached = doc.attachedPolicies.map((arn) => ({ PolicyName: managedPolicy(arn)?.name ?? arn.split('/').pop(), PolicyArn: arn }));
      const { items, ...rest } = pageOf(ctx, attached, input, { name: nameOf(e, input), prefix: input.PathPrefix });
      return { AttachedPolicies: items, ...rest };
    },
    ...common(e),
  });

export const PutUserPolicy: Operation<PutUserPolicyRequest, object> = putPolicy(USER);
export const GetUserPolicy: Operation<object, GetUserPolicyResponse> = getPolicy(USER);
export const DeleteUserPolicy: Operation<DeleteUserPolicyRequest, object> = deletePolicy(USER);
export const ListUserPolicies: Operation<object, ListUserPoliciesResponse> = listPolicies(USER);
export const AttachUserPolicy: Operation<AttachUserPolicyRequest, object> = attachPolicy(USER);
export const DetachUserPolicy: Operation<DetachUserPolicyRequest, object> = detachPolicy(USER);
export const ListAttachedUserPolicies: Operation<object, ListAttachedUserPoliciesResponse> = listAttached(USER);

export const PutRolePolicy: Operation<PutRolePolicyRequest, object> = putPolicy(ROLE);
export const GetRolePolicy: Operation<object, GetRolePolicyResponse> = getPolicy(ROLE);
export const DeleteRolePolicy: Operation<DeleteRolePolicyRequest, object> = deletePolicy(ROLE);
export const ListRolePolicies: Operation<object, ListRolePoliciesResponse> = listPolicies(ROLE);
export const AttachRolePolicy: Operation<AttachRolePolicyRequest, object> = attachPolicy(ROLE);
export const DetachRolePolicy: Operation<DetachRolePolicyRequest, object> = detachPolicy(ROLE);
export const ListAttachedRolePolicies: Operation<object, ListAttachedRolePoliciesResponse> = listAttached(ROLE);
