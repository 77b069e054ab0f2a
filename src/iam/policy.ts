// IAM policy documents: parsing (with AWS's MalformedPolicyDocument messages) and evaluation of
// one request against a set of policies. Explicit Deny wins, then Allow, else implicit deny.
// Conditions: the String*, Numeric*, Date*, Bool, Binary, IpAddress, Arn* and Null operator
// families, `...IfExists`, and the `ForAnyValue:` / `ForAllValues:` set qualifiers.
import { BlockList } from 'node:net';
import { addCidr, familyOf } from '../net/cidr.ts';

export interface Statement {
  Sid?: string;
  Effect: 'Allow' | 'Deny';
  Action?: string[];
  NotAction?: string[];
  Resource?: string[];
  NotResource?: string[];
  Principal?: PrincipalElement;
  NotPrincipal?: PrincipalElement;
  Condition?: Record<string, Record<string, string[]>>;
}

/** `"*"` or `{"AWS": [...], "Service": [...], ...}`, normalised to arrays. */
export type PrincipalElement = '*' | Record<string, string[]>;

export interface PolicyDocument {
  Version?: string;
  Statement: Statement[];
}

/** The values of context keys, keyed by lower-cased key name; multi-valued keys are arrays. */
export type ContextKeys = Record<string, string | string[]>;

export interface EvalRequest {
  action: string;
  resource: string;
  context: ContextKeys;
  /** The caller, for trust policies' Principal element: its ARNs (an assumed role: the role's and the session's) and account. */
  principal?: { arns: string[]; accountId: string; service?: string };
}

export type Decision = 'Allow' | 'ExplicitDeny' | 'ImplicitDeny';

export class MalformedPolicy extends Error {}

const toArray = (v: unknown, what: string): string[] => {
  if (typeof v === 'string') return [v];
  if (Array.isArray(v) && v.length > 0 && v.every((x) => typeof x === 'string')) return v as string[];
  throw new MalformedPolicy(`Syntax errors in policy. ${what} must be a string or a non-empty list of strings.`);
};

const STATEMENT_KEYS = new Set(['Sid', 'Effect', 'Action', 'NotAction', 'Resource', 'NotResource', 'Principal', 'NotPrincipal', 'Condition']);

/**
 * Parses a policy document. `kind` decides what a statement needs: identity and session
 * policies need a Resource and no Principal; trust policies need a Principal.
 */
export function parsePolicy(text: string, kind: 'identity' | 'trust' = 'identity'): PolicyDocument {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch {
    throw new MalformedPolicy('This policy contains invalid Json');
  }
  if (!raw || typeof raw !== 'object' || Array.isArray(raw)) throw new MalformedPolicy('This policy contains invalid Json');
  const doc = raw as Record<string, unknown>;
  if (doc.Version !== undefined && doc.Version !== '2012-10-17' && doc.Version !== '2008-10-17') {
    throw new MalformedPolicy('The policy failed legacy parsing');
  }
  if (doc.Statement === undefined) throw new MalformedPolicy('Syntax errors in policy.');
  const list = Array.isArray(doc.Statement) ? doc.Statement : [doc.Statement];
  const statements = list.map((s): Statement => {
    if (!s || typeof s !== 'object' || Array.isArray(s)) throw new MalformedPolicy('Syntax errors in policy.');
    const st = s as Record<string, unknown>;
    for (const k of Object.keys(st)) if (!STATEMENT_KEYS.has(k)) throw new MalformedPolicy(`Syntax errors in policy. Unknown field ${k}.`);
    if (st.Effect !== 'Allow' && st.Effect !== 'Deny') throw new MalformedPolicy('Syntax errors in policy. Effect must be Allow or Deny.');
    if ((st.Action === undefined) === (st.NotAction === undefined)) throw new MalformedPolicy('Policy statement must contain actions.');
    const out: Statement = { Effect: st.Effect };
    if (typeof st.Sid === 'string') out.Sid = st.Sid;
    if (st.Action !== undefined) out.Action = toArray(st.Action, 'Action');
    if (st.NotAction !== undefined) out.NotAction = toArray(st.NotAction, 'NotAction');
    for (const a of out.Action ?? out.NotAction!) {
      if (a !== '*' && !/^[A-Za-z0-9-]+:[A-Za-z0-9*?]+$/.test(a)) throw new MalformedPolicy(`Actions/Conditions must be prefaced by a vendor, e.g., iam, sdb, ec2, etc.`);
    }
    if (st.Resource !== undefined) out.Resource = toArray(st.Resource, 'Resource');
    if (st.NotResource !== undefined) out.NotResource = toArray(st.NotResource, 'NotResource');
    if (st.Principal !== undefined) out.Principal = principalElement(st.Principal);
    if (st.NotPrincipal !== undefined) out.NotPrincipal = principalElement(st.NotPrincipal);
    if (kind === 'identity') {
      if (out.Principal || out.NotPrincipal) throw new MalformedPolicy('Policy document should not specify a principal.');
      if ((out.Resource === undefined) === (out.NotResource === undefined)) throw new MalformedPolicy('Policy statement must contain resources.');
    } else if (!out.Principal && !out.NotPrincipal) {
      throw new MalformedPolicy('AssumeRolepolicy contained an invalid principal element');
    }
    if (st.Condition !== undefined) out.Condition = conditionBlock(st.Condition);
    return out;
  });
  return { Version: typeof doc.Version === 'string' ? doc.Version : undefined, Statement: statements };
}

function principalElement(v: unknown): PrincipalElement {
  if (v === '*') return '*';
  if (!v || typeof v !== 'object' || Array.isArray(v)) throw new MalformedPolicy('Invalid principal in policy');
  return Object.fromEntries(Object.entries(v as Record<string, unknown>).map(([k, x]) => [k, toArray(x, 'Principal')]));
}

function conditionBlock(v: unknown): Statement['Condition'] {
  if (!v || typeof v !== 'object' || Array.isArray(v)) throw new MalformedPolicy('Syntax errors in policy. Condition must be an object.');
  const out: NonNullable<Statement['Condition']> = {};
  for (const [op, keys] of Object.entries(v as Record<string, unknown>)) {
    if (!parseOperator(op)) throw new MalformedPolicy(`Invalid Condition type : ${op}.`);
    if (!keys || typeof keys !== 'object' || Array.isArray(keys)) throw new MalformedPolicy('Syntax errors in policy. Condition must be an object.');
    out[op] = {};
    for (const [key, values] of Object.entries(keys as Record<string, unknown>)) {
      const list = Array.isArray(values) ? values : [values];
      if (!list.every((x) => ['string', 'number', 'boolean'].includes(typeof x))) throw new MalformedPolicy(`Syntax errors in policy. Condition values of ${key} must be strings.`);
      out[op][key] = list.map(String);
    }
  }
  return out;
}

// ---- evaluation ----

/** The decision of a set of policies alone: explicit deny, allow, or implicit deny. */
export function evaluate(policies: readonly PolicyDocument[], req: EvalRequest): Decision {
  let allowed = false;
  for (const policy of policies) {
    for (const st of policy.Statement) {
      if (!statementApplies(st, policy, req)) continue;
      if (st.Effect === 'Deny') return 'ExplicitDeny';
      allowed = true;
    }
  }
  return allowed ? 'Allow' : 'ImplicitDeny';
}

function statementApplies(st: Statement, policy: PolicyDocument, req: EvalRequest): boolean {
  const vars = policy.Version === '2012-10-17';
  if (st.Action && !st.Action.some((p) => wildcardMatch(p, req.action, true))) return false;
  if (st.NotAction && st.NotAction.some((p) => wildcardMatch(p, req.action, true))) return false;
  const resource = (p: string) => wildcardMatch(vars ? substitute(p, req.context, true) ?? '' : p, req.resource, false);
  if (st.Resource && !st.Resource.some(resource)) return false;
  if (st.NotResource && st.NotResource.some(resource)) return false;
  if (st.Principal && !principalMatches(st.Principal, req)) return false;
  if (st.NotPrincipal && principalMatches(st.NotPrincipal, req)) return false;
  for (const [op, keys] of Object.entries(st.Condition ?? {})) {
    for (const [key, values] of Object.entries(keys)) {
      const policyValues = vars ? values.map((v) => substitute(v, req.context, false)).filter((v): v is string => v !== undefined) : values;
      if (!conditionHolds(op, req.context[key.toLowerCase()], policyValues)) return false;
    }
  }
  return true;
}

function principalMatches(p: PrincipalElement, req: EvalRequest): boolean {
  if (p === '*') return true;
  const caller = req.principal;
  if (!caller) return false;
  return Object.entries(p).some(([type, values]) =>
    values.some((v) => {
      if (type === 'Service') return v === caller.service;
      if (type !== 'AWS' || caller.service) return false;
      // An account id or its root ARN stands for every principal of that account.
      if (v === '*' || v === caller.accountId || v === `arn:aws:iam::${caller.accountId}:root`) return true;
      return caller.arns.includes(v);
    }),
  );
}

/** `*` matches any run of characters, `?` any one. */
function wildcardMatch(pattern: string, value: string, ignoreCase: boolean): boolean {
  if (pattern === '*') return true;
  const re = new RegExp(`^${pattern.replace(/[.+^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '.*').replace(/\?/g, '.')}$`, ignoreCase ? 'si' : 's');
  return re.test(value);
}

/**
 * Policy variables: `${aws:username}` takes the key's value, `${key, 'default'}` a default,
 * `${*}` `${?}` `${$}` are the literal characters. In a Resource an unresolved variable makes the
 * element match nothing; in a condition value it drops that value.
 */
function substitute(text: string, ctx: ContextKeys, literalWildcards: boolean): string | undefined {
  let failed = false;
  const out = text.replace(/\$\{([^}]*)\}/g, (_m, body: string) => {
    const inner = body.trim();
    if (inner === '*' || inner === '?' || inner === '$') return literalWildcards && inner !== '$' ? `\u0000${inner}` : inner;
    const [name, fallback] = inner.split(/\s*,\s*/);
    const value = ctx[name.toLowerCase()];
    if (typeof value === 'string') return value;
    if (fallback !== undefined) return fallback.replace(/^'|'$/g, '');
    failed = true;
    return '';
  });
  if (failed) return undefined;
  // A literal `*` or `?` from ${*} / ${?} must not act as a wildcard in a Resource.
  return literalWildcards ? out.replace(/\u0000([*?])/g, '$1') : out;
}

interface Operator {
  set?: 'ForAnyValue' | 'ForAllValues';
  base: string;
  ifExists: boolean;
}

const BASES = new Set([
  'StringEquals', 'StringNotEquals', 'StringEqualsIgnoreCase', 'StringNotEqualsIgnoreCase', 'StringLike', 'StringNotLike',
  'NumericEquals', 'NumericNotEquals', 'NumericLessThan', 'NumericLessThanEquals', 'NumericGreaterThan', 'NumericGreaterThanEquals',
  'DateEquals', 'DateNotEquals', 'DateLessThan', 'DateLessThanEquals', 'DateGreaterThan', 'DateGreaterThanEquals',
  'Bool', 'BinaryEquals', 'IpAddress', 'NotIpAddress', 'ArnEquals', 'ArnLike', 'ArnNotEquals', 'ArnNotLike', 'Null',
]);

function parseOperator(op: string): Operator | undefined {
  const m = /^(?:(ForAnyValue|ForAllValues):)?(\w+?)(IfExists)?$/.exec(op);
  if (!m || !BASES.has(m[2]) || (m[2] === 'Null' && (m[1] || m[3]))) return undefined;
  return { set: m[1] as Operator['set'], base: m[2], ifExists: Boolean(m[3]) };
}

/** Negated operators: a value matches when it matches none of the policy's values. */
const NEGATED = new Set(['StringNotEquals', 'StringNotEqualsIgnoreCase', 'StringNotLike', 'NumericNotEquals', 'DateNotEquals', 'NotIpAddress', 'ArnNotEquals', 'ArnNotLike']);
const POSITIVE_OF: Record<string, string> = {
  StringNotEquals: 'StringEquals',
  StringNotEqualsIgnoreCase: 'StringEqualsIgnoreCase',
  StringNotLike: 'StringLike',
  NumericNotEquals: 'NumericEquals',
  DateNotEquals: 'DateEquals',
  NotIpAddress: 'IpAddress',
  ArnNotEquals: 'ArnEquals',
  ArnNotLike: 'ArnLike',
};

function conditionHolds(op: string, contextValue: string | string[] | undefined, policyValues: string[]): boolean {
  const parsed = parseOperator(op);
  if (!parsed) return false;
  const { set, base, ifExists } = parsed;
  if (base === 'Null') {
    const absent = contextValue === undefined || (Array.isArray(contextValue) && contextValue.length === 0);
    return policyValues.some((v) => (v.toLowerCase() === 'true') === absent);
  }
  const negated = NEGATED.has(base);
  const positive = POSITIVE_OF[base] ?? base;
  const matchesAny = (value: string) => policyValues.some((pv) => compare(positive, value, pv));
  const holdsFor = (value: string) => (negated ? !matchesAny(value) : matchesAny(value));
  const values = contextValue === undefined ? [] : Array.isArray(contextValue) ? contextValue : [contextValue];
  if (set === 'ForAllValues') return values.every(holdsFor);
  if (set === 'ForAnyValue') return values.some(holdsFor);
  if (contextValue === undefined) return ifExists || negated;
  return values.length > 0 && values.every(holdsFor);
}

function compare(base: string, value: string, policyValue: string): boolean {
  switch (base) {
    case 'StringEquals':
      return value === policyValue;
    case 'StringEqualsIgnoreCase':
      return value.toLowerCase() === policyValue.toLowerCase();
    case 'StringLike':
      return wildcardMatch(policyValue, value, false);
    case 'ArnEquals':
    case 'ArnLike':
      return arnMatch(policyValue, value);
    case 'Bool':
      return value.toLowerCase() === policyValue.toLowerCase();
    case 'BinaryEquals':
      return value === policyValue;
    case 'IpAddress':
      return ipInRange(value, policyValue);
    default:
      if (base.startsWith('Numeric')) return numeric(base.slice('Numeric'.length), Number(value), Number(policyValue));
      return numeric(base.slice('Date'.length), dateMs(value), dateMs(policyValue));
  }
}

function numeric(rel: string, a: number, b: number): boolean {
  if (Number.isNaN(a) || Number.isNaN(b)) return false;
  switch (rel) {
    case 'Equals':
      return a === b;
    case 'LessThan':
      return a < b;
    case 'LessThanEquals':
      return a <= b;
    case 'GreaterThan':
      return a > b;
    case 'GreaterThanEquals':
      return a >= b;
    default:
      return false;
  }
}

/** ISO-8601 dates or epoch seconds. */
function dateMs(s: string): number {
  return /^\d+$/.test(s) ? Number(s) * 1000 : Date.parse(s);
}

/** ARNs match part by part (the resource part may contain `:`), each part with wildcards. */
function arnMatch(pattern: string, arn: string): boolean {
  const p = pattern.split(':');
  const a = arn.split(':');
  if (p.length < 6 || a.length < 6) return wildcardMatch(pattern, arn, false);
  const head = (x: string[]) => [...x.slice(0, 5), x.slice(5).join(':')];
  const [hp, ha] = [head(p), head(a)];
  return hp.every((part, i) => wildcardMatch(part, ha[i], false));
}

function ipInRange(ip: string, cidr: string): boolean {
  const list = new BlockList();
  const family = familyOf(ip);
  return family !== undefined && addCidr(list, cidr) === family && list.check(ip, family);
}
