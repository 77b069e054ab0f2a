// Whether a principal may make a call: the identity's policies (a user's or a role's inline and
// attached policies) intersected with the session's policies, explicit Deny first. Root and
// opentrail itself are always allowed; STS limits what each kind of temporary credentials may call.
import type { Tx } from '../storage/store.ts';
import { getRoleById, getUserById } from './entities.ts';
import type { PolicyHolder } from './entities.ts';
import { managedDocuments } from './managed-policies.ts';
import { evaluate, parsePolicy } from './policy.ts';
import type { ContextKeys, Decision, PolicyDocument } from './policy.ts';
import { principalArn } from './principal.ts';
import type { Principal } from './principal.ts';
import { isoSeconds } from '../aws/timestamps.ts';

export interface AuthRequest {
  principal: Principal;
  /** `service:Operation`, e.g. `chime:CreateAccount`. */
  action: string;
  resource: string;
  sourceIp: string;
  now: Date;
  region: string;
  userAgent?: string;
  secureTransport: boolean;
  /** Keys the action adds to the request context (e.g. `sts:ExternalId`). */
  extra?: ContextKeys;
}

/** Why a call is refused, in AWS's words. */
export interface Denial {
  message: string;
}

/** Root's own long-term credentials and opentrail itself need no policy evaluation. */
export function needsPolicyCheck(p: Principal): boolean {
  return !(p.type === 'AWSService' || (p.type === 'Root' && !p.session));
}

export async function authorize(tx: Tx, req: AuthRequest): Promise<Denial | undefined> {
  const { principal: p, action } = req;
  if (!needsPolicyCheck(p)) return undefined;
  const service = action.split(':')[0];
  const refuse = (why: string) => ({ message: `User: ${principalArn(p)} is not authorized to perform: ${action}${onResource(req.resource)} ${why}` });
  const implicit = refuse(`because no identity-based policy allows the ${action} action`);

  // What STS allows each kind of temporary credentials, whatever the policies say.
  const issuedBy = 'session' in p ? p.session?.issuedBy : undefined;
  if (issuedBy === 'GetFederationToken' && (service === 'iam' || (service === 'sts' && action !== 'sts:GetCallerIdentity'))) return implicit;
  if (issuedBy === 'GetSessionToken') {
    const mfa = 'session' in p && p.session?.mfaAuthenticated;
    if ((service === 'iam' && !mfa) || (service === 'sts' && action !== 'sts:AssumeRole' && action !== 'sts:GetCallerIdentity')) return implicit;
  }

  const context = requestContext(req);
  const evalReq = { action, resource: req.resource, context };
  const identity = await identityPolicies(tx, p);
  const identityDecision: Decision = identity === 'all' ? 'Allow' : evaluate(identity, evalReq);
  const session = 'session' in p ? p.session?.sessionPolicies : undefined;
  const sessionDecision: Decision | undefined = session && evaluate([...session.documents.map((d) => parsePolicy(d)), ...managedDocuments(session.arns)], evalReq);

  if (identityDecision === 'ExplicitDeny') return refuse('with an explicit deny in an identity-based policy');
  if (sessionDecision === 'ExplicitDeny') return refuse('with an explicit deny in a session policy');
  if (identityDecision !== 'Allow') return implicit;
  if (sessionDecision !== undefined && sessionDecision !== 'Allow') return refuse(`because no session policy allows the ${action} action`);
  return undefined;
}

const onResource = (resource: string) => (resource === '*' ? '' : ` on resource: ${resource}`);

/** The identity's own policies, or 'all' for root (whose sessions only session policies limit). */
async function identityPolicies(tx: Tx, p: Principal): Promise<PolicyDocument[] | 'all'> {
  const owner = p.type === 'FederatedUser' ? p.issuer : p;
  let holder: PolicyHolder | undefined;
  switch (owner.type) {
    case 'Root':
    case 'AWSService':
      return 'all';
    case 'IAMUser':
      holder = await getUserById(tx, owner.accountId, owner.userId);
      break;
    case 'AssumedRole':
      holder = await getRoleById(tx, owner.accountId, owner.roleId);
      break;
  }
  return holder ? policiesOf(holder) : [];
}

/** A user's or a role's inline and attached policies, parsed. */
function policiesOf(holder: PolicyHolder): PolicyDocument[] {
  return [...Object.values(holder.inlinePolicies).map((d) => parsePolicy(d)), ...managedDocuments(holder.attachedPolicies)];
}

/** The global condition keys of a request (names lower-cased, as keys compare case-insensitively). */
export function requestContext(req: Omit<AuthRequest, 'action' | 'resource'>): ContextKeys {
  const p = req.principal;
  const ctx: ContextKeys = {
    'aws:sourceip': req.sourceIp,
    'aws:currenttime': isoSeconds(req.now),
    'aws:epochtime': String(Math.floor(req.now.getTime() / 1000)),
    'aws:securetransport': String(req.secureTransport),
    'aws:requestedregion': req.region,
  };
  if (req.userAgent !== undefined) ctx['aws:useragent'] = req.userAgent;
  if (p.type === 'AWSService') return { ...ctx, ...lower(req.extra) };
  ctx['aws:principalaccount'] = p.accountId;
  switch (p.type) {
    case 'Root':
      Object.assign(ctx, { 'aws:principalarn': principalArn(p)!, 'aws:principaltype': 'Account', 'aws:userid': p.accountId });
      break;
    case 'IAMUser':
      Object.assign(ctx, { 'aws:principalarn': principalArn(p)!, 'aws:principaltype': 'User', 'aws:userid': p.userId, 'aws:username': p.userName });
      break;
    case 'AssumedRole':
      Object.assign(ctx, {
        'aws:principalarn': `arn:aws:iam::${p.accountId}:role${p.rolePath}${p.roleName}`,
        'aws:principaltype': 'AssumedRole',
        'aws:userid': `${p.roleId}:${p.sessionName}`,
      });
      break;
    case 'FederatedUser':
      Object.assign(ctx, { 'aws:principalarn': principalArn(p)!, 'aws:principaltype': 'FederatedUser', 'aws:userid': `${p.accountId}:${p.name}` });
      break;
  }
  const tags = p.type === 'Root' ? undefined : p.tags;
  for (const [k, v] of Object.entries(tags ?? {})) ctx[`aws:principaltag/${k.toLowerCase()}`] = v;
  if (tags && Object.keys(tags).length) ctx['aws:principaltagkeys'] = Object.keys(tags);
  // MFA keys exist only for temporary credentials; long-term keys leave them absent.
  const session = 'session' in p ? p.session : undefined;
  if (session) {
    ctx['aws:multifactorauthpresent'] = String(session.mfaAuthenticated);
    ctx['aws:tokenissuetime'] = isoSeconds(session.creationDate);
    if (session.mfaAuthenticated) ctx['aws:multifactorauthage'] = String(Math.floor((req.now.getTime() - session.creationDate.getTime()) / 1000));
    if (session.sourceIdentity) ctx['aws:sourceidentity'] = session.sourceIdentity;
  }
  return { ...ctx, ...lower(req.extra) };
}

const lower = (keys: ContextKeys | undefined): ContextKeys => Object.fromEntries(Object.entries(keys ?? {}).map(([k, v]) => [k.toLowerCase(), v]));
