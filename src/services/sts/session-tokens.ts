// GetSessionToken (the caller's own permissions, optionally with MFA) and GetFederationToken (a
// federated user whose permissions are the caller's intersected with the session policy; none
// without one). Both only for long-term credentials.
import type { GetFederationTokenRequest, GetFederationTokenResponse, GetSessionTokenRequest, GetSessionTokenResponse } from '@aws-sdk/client-sts';
import { integer, list, required, string, structure } from '../../aws/shapes.ts';
import { defineOperation } from '../service.ts';
import { checkMfa, Credentials, durationFor, longTermCaller, packedPolicySize, PolicyArns, SerialNumber, SessionPolicy, sessionPolicies, StsTag, tagRecord, TokenCode } from './model.ts';

const DurationSeconds = integer({ min: 900, max: 129600 });
const DEFAULT_SECONDS = 43200;

export const GetSessionToken = defineOperation<GetSessionTokenRequest, GetSessionTokenResponse>({
  name: 'GetSessionToken',
  readOnly: false,
  input: structure({ DurationSeconds, SerialNumber, TokenCode }),
  output: structure({ Credentials }),
  sensitive: ['TokenCode'],
  async handler(ctx, input) {
    const caller = longTermCaller(ctx, 'GetSessionToken');
    const mfaAuthenticated = await checkMfa(ctx, input.SerialNumber, input.TokenCode);
    const expiration = new Date(ctx.now.getTime() + durationFor(caller, input.DurationSeconds, DEFAULT_SECONDS) * 1000);
    const session = { creationDate: ctx.now, mfaAuthenticated, issuedBy: 'GetSessionToken' as const };
    const credentials = await ctx.app.credentials.issueSession(ctx.tx, (accessKeyId) => ({ ...caller, accessKeyId, session }), expiration);
    return { Credentials: credentials };
  },
});

export const GetFederationToken = defineOperation<GetFederationTokenRequest, GetFederationTokenResponse>({
  name: 'GetFederationToken',
  readOnly: false,
  input: structure({
    Name: required(string({ min: 2, max: 32, pattern: /^[\w+=,.@-]*$/ })),
    Policy: SessionPolicy,
    PolicyArns,
    DurationSeconds,
    Tags: list(StsTag, { max: 50 }),
  }),
  output: structure({
    Credentials,
    FederatedUser: structure({ FederatedUserId: string(), Arn: string() }),
    PackedPolicySize: integer(),
  }),
  async handler(ctx, input) {
    const caller = longTermCaller(ctx, 'GetFederationToken');
    const name = input.Name!;
    // No session policy means no permission at all: an empty set of session policies.
    const policies = sessionPolicies(input.Policy, input.PolicyArns) ?? { documents: [], arns: [] };
    const expiration = new Date(ctx.now.getTime() + durationFor(caller, input.DurationSeconds, DEFAULT_SECONDS) * 1000);
    const credentials = await ctx.app.credentials.issueSession(
      ctx.tx,
      (accessKeyId) => ({
        type: 'FederatedUser',
        accountId: caller.accountId,
        name,
        accessKeyId,
        issuer: caller,
        session: { creationDate: ctx.now, mfaAuthenticated: false, issuedBy: 'GetFederationToken', sessionPolicies: policies },
        tags: tagRecord(input.Tags),
      }),
      expiration,
    );
    const size = packedPolicySize(input.Policy, input.PolicyArns, input.Tags);
    return {
      Credentials: credentials,
      FederatedUser: { FederatedUserId: `${caller.accountId}:${name}`, Arn: `arn:aws:sts::${caller.accountId}:federated-user/${name}` },
      ...(size !== undefined ? { PackedPolicySize: size } : {}),
    };
  },
  resourceArn: (input, ctx) => `arn:aws:sts::${ctx.accountId}:federated-user/${input.Name}`,
});
