// Who made a call. One type per CloudTrail userIdentity type that opentrail can produce; the
// audit module turns a Principal into the record's userIdentity.

export interface SessionInfo {
  creationDate: Date;
  mfaAuthenticated: boolean;
  sourceIdentity?: string;
  /** The credentials belong to a web console session. */
  fromConsole?: boolean;
  /** How the temporary credentials were issued; STS limits what each kind may call. */
  issuedBy?: 'GetSessionToken' | 'AssumeRole' | 'GetFederationToken' | 'Console';
  /**
   * Session policies (AssumeRole/GetFederationToken `Policy` and `PolicyArns`): when present,
   * permissions are the intersection of the identity's policies and these. Empty: no permission.
   */
  sessionPolicies?: { documents: string[]; arns: string[] };
}

export interface RootPrincipal {
  type: 'Root';
  accountId: string;
  accessKeyId?: string;
  accountAlias?: string;
  session?: SessionInfo;
}

export interface IamUserPrincipal {
  type: 'IAMUser';
  accountId: string;
  userId: string;
  userName: string;
  path: string;
  accessKeyId?: string;
  accountAlias?: string;
  session?: SessionInfo;
  tags?: Record<string, string>;
}

export interface AssumedRolePrincipal {
  type: 'AssumedRole';
  accountId: string;
  roleId: string;
  roleName: string;
  rolePath: string;
  sessionName: string;
  accessKeyId: string;
  session: SessionInfo;
  /** The role's tags with the session tags over them (aws:PrincipalTag). */
  tags?: Record<string, string>;
}

export interface FederatedUserPrincipal {
  type: 'FederatedUser';
  accountId: string;
  name: string;
  accessKeyId: string;
  issuer: RootPrincipal | IamUserPrincipal;
  session: SessionInfo;
  tags?: Record<string, string>;
}

/** opentrail itself (or another AWS service) acting on its own. */
export interface ServicePrincipal {
  type: 'AWSService';
  invokedBy: string;
}

export type Principal = RootPrincipal | IamUserPrincipal | AssumedRolePrincipal | FederatedUserPrincipal | ServicePrincipal;

export function principalArn(p: Principal): string | undefined {
  switch (p.type) {
    case 'Root':
      return `arn:aws:iam::${p.accountId}:root`;
    case 'IAMUser':
      return `arn:aws:iam::${p.accountId}:user${p.path}${p.userName}`;
    case 'AssumedRole':
      return `arn:aws:sts::${p.accountId}:assumed-role/${p.roleName}/${p.sessionName}`;
    case 'FederatedUser':
      return `arn:aws:sts::${p.accountId}:federated-user/${p.name}`;
    case 'AWSService':
      return undefined;
  }
}

export function principalAccount(p: Principal): string | undefined {
  return p.type === 'AWSService' ? undefined : p.accountId;
}
