// The userIdentity element of a CloudTrail record, and the user name Event history derives
// from it, for every principal type opentrail produces.
import type { Principal, RootPrincipal, IamUserPrincipal, SessionInfo } from '../iam/principal.ts';
import { principalArn } from '../iam/principal.ts';
import { isoSeconds } from '../aws/timestamps.ts';

function attributes(s: SessionInfo) {
  return { creationDate: isoSeconds(s.creationDate), mfaAuthenticated: String(s.mfaAuthenticated) };
}

/** Root's and IAM users' own sessions (GetSessionToken, console): no issuer but themselves. */
function ownSession(s: SessionInfo) {
  return { sessionIssuer: {}, webIdFederationData: {}, attributes: attributes(s) };
}

function issuerOf(p: RootPrincipal | IamUserPrincipal) {
  return p.type === 'Root'
    ? { type: 'Root', principalId: p.accountId, arn: principalArn(p), accountId: p.accountId, ...(p.accountAlias ? { userName: p.accountAlias } : {}) }
    : { type: 'IAMUser', principalId: p.userId, arn: principalArn(p), accountId: p.accountId, userName: p.userName };
}

export function userIdentity(p: Principal): Record<string, unknown> {
  switch (p.type) {
    // Optional members are added one by one, in the record's order: spread into a literal, each
    // cost a copy of a small object on every recorded call.
    case 'Root': {
      const identity: Record<string, unknown> = { type: 'Root', principalId: p.accountId, arn: principalArn(p), accountId: p.accountId };
      // Console sign-in records carry an empty accessKeyId.
      if (p.accessKeyId !== undefined) identity.accessKeyId = p.accessKeyId;
      if (p.accountAlias) identity.userName = p.accountAlias;
      if (p.session) identity.sessionContext = ownSession(p.session);
      return identity;
    }
    case 'IAMUser': {
      const identity: Record<string, unknown> = { type: 'IAMUser' };
      // A console sign-in with an unknown user name has no principal id or ARN.
      if (p.userId) {
        identity.principalId = p.userId;
        identity.arn = principalArn(p);
      }
      identity.accountId = p.accountId;
      if (p.accessKeyId !== undefined) identity.accessKeyId = p.accessKeyId;
      identity.userName = p.userName;
      if (p.session) identity.sessionContext = ownSession(p.session);
      return identity;
    }
    case 'AssumedRole':
      return {
        type: 'AssumedRole',
        principalId: `${p.roleId}:${p.sessionName}`,
        arn: principalArn(p),
        accountId: p.accountId,
        accessKeyId: p.accessKeyId,
        sessionContext: {
          sessionIssuer: {
            type: 'Role',
            principalId: p.roleId,
            arn: `arn:aws:iam::${p.accountId}:role${p.rolePath}${p.roleName}`,
            accountId: p.accountId,
            userName: p.roleName,
          },
          webIdFederationData: {},
          attributes: attributes(p.session),
          ...(p.session.sourceIdentity ? { sourceIdentity: p.session.sourceIdentity } : {}),
        },
      };
    case 'FederatedUser':
      return {
        type: 'FederatedUser',
        principalId: `${p.accountId}:${p.name}`,
        arn: principalArn(p),
        accountId: p.accountId,
        accessKeyId: p.accessKeyId,
        sessionContext: { sessionIssuer: issuerOf(p.issuer), webIdFederationData: {}, attributes: attributes(p.session) },
      };
    case 'AWSService':
      return { type: 'AWSService', invokedBy: p.invokedBy };
  }
}

/** The `Username` of Event history (LookupEvents) for a principal. */
export function lookupUsername(p: Principal): string | undefined {
  switch (p.type) {
    case 'Root':
      return 'root';
    case 'IAMUser':
      return p.userName;
    case 'AssumedRole':
      return p.sessionName;
    case 'FederatedUser':
      return p.name;
    case 'AWSService':
      return p.invokedBy;
  }
}
