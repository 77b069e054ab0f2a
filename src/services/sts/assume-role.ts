// AssumeRole: temporary credentials of a role, in this account or another, when the role's trust
// policy lets the caller in (the caller's own policies must allow sts:AssumeRole on the role too;
// the pipeline checks that). Durations are capped by the role, and at an hour when chaining.
import type { AssumeRoleRequest, AssumeRoleResponse } from '@aws-sdk/client-sts';
import { integer, list, required, string, structure } from '../../aws/shapes.ts';
import { requestContext } from '../../iam/authorize.ts';
import { findRole, tagMap } from '../../iam/entities.ts';
import type { RoleDoc } from '../../iam/entities.ts';
import { evaluate, parsePolicy } from '../../iam/policy.ts';
import { principalArn } from '../../iam/principal.ts';
import type { Principal } from '../../iam/principal.ts';
import { defineOperation } from '../service.ts';
import type { OperationContext } from '../service.ts';
import { AccessDenied, ValidationError } from '../iam/errors.ts';
import { checkMfa, Credentials, packedPolicySize, PolicyArns, SerialNumber, sessionPolicies, StsTag, tagRecord, TokenCode } from './model.ts';

const ROLE_ARN = /^arn:aws:iam::(\d{12}):role(\/(?:[\u0021-\u007E]*\/)?)([\w+=,.@-]+)$/;
const CHAINED_MAX_SECONDS = 3600;

const notAuthorized = (ctx: OperationContext, arn: string) =>
  new AccessDenied(`User: ${principalArn(ctx.principal)} is not authorized to perform: sts:AssumeRole on resource: ${arn}`);

/** The ARNs a trust policy's Principal may name the caller by. */
function callerArns(p: Principal): string[] {
  if (p.type === 'AssumedRole') return [principalArn(p)!, `arn:aws:iam::${p.accountId}:role${p.rolePath}${p.roleName}`];
  const arn = principalArn(p);
  return arn ? [arn] : [];
}

function trusts(ctx: OperationContext, role: RoleDoc, mfa: boolean, input: AssumeRoleRequest): boolean {
  const p = ctx.principal;
  if (p.type === 'AWSService') return false;
  const context = requestContext({ principal: p, now: ctx.now, region: ctx.region, ...ctx.caller });
  // MFA presented with this call counts for the trust policy's aws:MultiFactorAuthPresent.
  if (mfa) context['aws:multifactorauthpresent'] = 'true';
  if (input.ExternalId !== undefined) context['sts:externalid'] = input.ExternalId;
  context['sts:rolesessionname'] = input.RoleSessionName!;
  if (input.SourceIdentity !== undefined) context['sts:sourceidentity'] = input.SourceIdentity;
  const decision = evaluate([parsePolicy(role.AssumeRolePolicyDocument, 'trust')], {
    action: 'sts:AssumeRole',
    resource: role.Arn,
    context,
    principal: { arns: callerArns(p), accountId: p.accountId },
  });
  return decision === 'Allow';
}

export const AssumeRole = defineOperation<AssumeRoleRequest, AssumeRoleResponse>({
  name: 'AssumeRole',
  readOnly: false,
  input: structure({
    RoleArn: required(string({ min: 20, max: 2048 })),
    RoleSessionName: required(string({ min: 2, max: 64, pattern: /^[\w+=,.@-]*$/ })),
    PolicyArns,
    Policy: string({ min: 1, pattern: /^[\u0009\u000A\u000D\u0020-\u00FF]+$/ }),
    DurationSeconds: integer({ min: 900, max: 43200 }),
    Tags: list(StsTag, { max: 50 }),
    ExternalId: string({ min: 2, max: 1224, pattern: /^[\w+=,.@:/-]*$/ }),
    SerialNumber,
    TokenCode,
    SourceIdentity: string({ min: 2, max: 64, pattern: /^[\w+=,.@-]*$/ }),
  }),
  output: structure({
    Credentials,
    AssumedRoleUser: structure({ AssumedRoleId: string(), Arn: string() }),
    PackedPolicySize: integer(),
    SourceIdentity: string(),
  }),
  sensitive: ['TokenCode'],
  async handler(ctx, input) {
    const arn = input.RoleArn!;
    const m = ROLE_ARN.exec(arn);
    if (!m) throw new ValidationError(`${arn} is invalid`);
    const [, roleAccount, path, roleName] = m;
    const role = await findRole(ctx.tx, roleAccount, roleName);
    const callerMfa = 'session' in ctx.principal && ctx.principal.session?.mfaAuthenticated === true;
    const mfa = (await checkMfa(ctx, input.SerialNumber, input.TokenCode)) || callerMfa;
    if (!role || role.Path !== path || !trusts(ctx, role, mfa, input)) throw notAuthorized(ctx, arn);

    const p = ctx.principal;
    const chained = p.type === 'AssumedRole';
    const seconds = input.DurationSeconds ?? 3600;
    if (chained && seconds > CHAINED_MAX_SECONDS) {
      throw new ValidationError('The requested DurationSeconds exceeds the 1 hour session limit for roles assumed by role chaining.');
    }
    if (seconds > role.MaxSessionDuration) throw new ValidationError('The requested DurationSeconds exceeds the MaxSessionDuration set for this role.');
    // A source identity, once set, follows every chained session and cannot change.
    const inherited = 'session' in p ? p.session?.sourceIdentity : undefined;
    if (inherited !== undefined && input.SourceIdentity !== undefined && input.SourceIdentity !== inherited) throw notAuthorized(ctx, arn);
    const sourceIdentity = inherited ?? input.SourceIdentity;

    const policies = sessionPolicies(input.Policy, input.PolicyArns);
    const sessionName = input.RoleSessionName!;
    const credentials = await ctx.app.credentials.issueSession(
      ctx.tx,
      (accessKeyId) => ({
        type: 'AssumedRole',
        accountId: role.accountId,
        roleId: role.RoleId,
        roleName: role.RoleName,
        rolePath: role.Path,
        sessionName,
        accessKeyId,
        session: {
          creationDate: ctx.now,
          mfaAuthenticated: mfa,
          issuedBy: 'AssumeRole',
          ...(sourceIdentity !== undefined ? { sourceIdentity } : {}),
          ...(policies ? { sessionPolicies: policies } : {}),
        },
        tags: { ...tagMap(role.Tags), ...tagRecord(input.Tags) },
      }),
      new Date(ctx.now.getTime() + seconds * 1000),
    );
    const size = packedPolicySize(input.Policy, input.PolicyArns, input.Tags);
    return {
      Credentials: credentials,
      AssumedRoleUser: { AssumedRoleId: `${role.RoleId}:${sessionName}`, Arn: `arn:aws:sts::${role.accountId}:assumed-role/${role.RoleName}/${sessionName}` },
      ...(size !== undefined ? { PackedPolicySize: size } : {}),
      ...(sourceIdentity !== undefined ? { SourceIdentity: sourceIdentity } : {}),
    };
  },
  resourceArn: (input) => input.RoleArn!,
  lookupResources: (input) => [{ type: 'AWS::IAM::Role', name: input.RoleArn! }],
});
