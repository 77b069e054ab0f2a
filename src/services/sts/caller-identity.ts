// GetCallerIdentity: who the credentials belong to. Needs no permission.
import type { GetCallerIdentityRequest, GetCallerIdentityResponse } from '@aws-sdk/client-sts';
import { string, structure } from '../../aws/shapes.ts';
import { principalArn } from '../../iam/principal.ts';
import type { Principal } from '../../iam/principal.ts';
import { defineOperation } from '../service.ts';

function userIdOf(p: Principal): string {
  switch (p.type) {
    case 'Root':
      return p.accountId;
    case 'IAMUser':
      return p.userId;
    case 'AssumedRole':
      return `${p.roleId}:${p.sessionName}`;
    case 'FederatedUser':
      return `${p.accountId}:${p.name}`;
    case 'AWSService':
      return p.invokedBy;
  }
}

export const GetCallerIdentity = defineOperation<GetCallerIdentityRequest, GetCallerIdentityResponse>({
  name: 'GetCallerIdentity',
  readOnly: true,
  needsNoPermission: true,
  input: structure({}),
  output: structure({ UserId: string(), Account: string(), Arn: string() }),
  async handler(ctx) {
    return { UserId: userIdOf(ctx.principal), Account: ctx.accountId, Arn: principalArn(ctx.principal) };
  },
});
