// The policy evaluator, case by case: Action/NotAction, Resource/NotResource, wildcards, every
// condition operator family, IfExists, ForAnyValue/ForAllValues, Null, policy variables, and
// Deny over Allow. Each row is one request against one set of policies.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { evaluate, MalformedPolicy, parsePolicy } from '../src/iam/policy.ts';
import type { ContextKeys, Decision } from '../src/iam/policy.ts';

const ACCOUNT = '111122223333';
const base: ContextKeys = {
  'aws:sourceip': '203.0.113.7',
  'aws:currenttime': '2026-06-01T12:00:00Z',
  'aws:epochtime': String(Date.parse('2026-06-01T12:00:00Z') / 1000),
  'aws:username': 'dana',
  'aws:principaltag/dept': 'ops',
  'aws:multifactorauthpresent': 'true',
  'aws:multifactorauthage': '600',
  'aws:principaltagkeys': ['dept', 'team'],
  'aws:securetransport': 'false',
};

type Row = [name: string, statements: object[], action: string, resource: string, expected: Decision, context?: ContextKeys];
const allow = (x: object) => ({ Effect: 'Allow', Resource: '*', ...x });
const deny = (x: object) => ({ Effect: 'Deny', Resource: '*', ...x });
const cond = (Condition: object, action = 'chime:*') => allow({ Action: action, Condition });

const rows: Row[] = [
  // Actions and wildcards
  ['exact action', [allow({ Action: 'chime:CreateAccount' })], 'chime:CreateAccount', '*', 'Allow'],
  ['action is case-insensitive', [allow({ Action: 'CHIME:createaccount' })], 'chime:CreateAccount', '*', 'Allow'],
  ['other action', [allow({ Action: 'chime:CreateAccount' })], 'chime:DeleteAccount', '*', 'ImplicitDeny'],
  ['star', [allow({ Action: '*' })], 'iam:CreateUser', '*', 'Allow'],
  ['service star', [allow({ Action: 'chime:*' })], 'chime:ListUsers', '*', 'Allow'],
  ['service star other service', [allow({ Action: 'chime:*' })], 'cloudtrail:LookupEvents', '*', 'ImplicitDeny'],
  ['prefix wildcard', [allow({ Action: 'chime:List*' })], 'chime:ListAccounts', '*', 'Allow'],
  ['prefix wildcard misses', [allow({ Action: 'chime:List*' })], 'chime:GetAccount', '*', 'ImplicitDeny'],
  ['wildcard in the middle', [allow({ Action: 'chime:*Account' })], 'chime:DeleteAccount', '*', 'Allow'],
  ['wildcard in the middle misses', [allow({ Action: 'chime:*Account' })], 'chime:DeleteAccounts', '*', 'ImplicitDeny'],
  ['middle star between words', [allow({ Action: 'chime:Get*Settings' })], 'chime:GetAccountSettings', '*', 'Allow'],
  ['question mark one char', [allow({ Action: 'iam:?etUser' })], 'iam:GetUser', '*', 'Allow'],
  ['question mark not two chars', [allow({ Action: 'iam:?etUser' })], 'iam:ResetUser', '*', 'ImplicitDeny'],
  ['action list', [allow({ Action: ['iam:GetUser', 'chime:ListUsers'] })], 'chime:ListUsers', '*', 'Allow'],
  ['NotAction allows everything else', [allow({ NotAction: 'iam:*' })], 'chime:CreateAccount', '*', 'Allow'],
  ['NotAction excludes listed', [allow({ NotAction: 'iam:*' })], 'iam:CreateUser', '*', 'ImplicitDeny'],
  ['NotAction deny', [allow({ Action: '*' }), deny({ NotAction: ['chime:Get*', 'chime:List*'] })], 'chime:CreateAccount', '*', 'ExplicitDeny'],
  ['NotAction deny lets listed through', [allow({ Action: '*' }), deny({ NotAction: ['chime:Get*', 'chime:List*'] })], 'chime:ListAccounts', '*', 'Allow'],
  // Deny over Allow, empty sets
  ['no policies', [], 'chime:ListAccounts', '*', 'ImplicitDeny'],
  ['explicit deny wins', [allow({ Action: '*' }), deny({ Action: 'chime:DeleteAccount' })], 'chime:DeleteAccount', '*', 'ExplicitDeny'],
  ['deny elsewhere does not block', [allow({ Action: '*' }), deny({ Action: 'chime:DeleteAccount' })], 'chime:CreateAccount', '*', 'Allow'],
  ['deny alone', [deny({ Action: 'chime:*' })], 'chime:ListAccounts', '*', 'ExplicitDeny'],
  // Resources
  ['resource exact', [allow({ Action: 'iam:GetUser', Resource: `arn:aws:iam::${ACCOUNT}:user/dana` })], 'iam:GetUser', `arn:aws:iam::${ACCOUNT}:user/dana`, 'Allow'],
  ['resource other user', [allow({ Action: 'iam:GetUser', Resource: `arn:aws:iam::${ACCOUNT}:user/dana` })], 'iam:GetUser', `arn:aws:iam::${ACCOUNT}:user/erin`, 'ImplicitDeny'],
  ['resource is case-sensitive', [allow({ Action: 'iam:GetUser', Resource: `arn:aws:iam::${ACCOUNT}:user/Dana` })], 'iam:GetUser', `arn:aws:iam::${ACCOUNT}:user/dana`, 'ImplicitDeny'],
  ['resource wildcard path', [allow({ Action: 'iam:*', Resource: `arn:aws:iam::${ACCOUNT}:user/ops/*` })], 'iam:GetUser', `arn:aws:iam::${ACCOUNT}:user/ops/dana`, 'Allow'],
  ['resource wildcard account', [allow({ Action: 'iam:*', Resource: 'arn:aws:iam::*:role/admin' })], 'iam:GetRole', `arn:aws:iam::${ACCOUNT}:role/admin`, 'Allow'],
  ['statement resource for star', [allow({ Action: 'chime:*', Resource: 'arn:aws:chime::x' })], 'chime:ListAccounts', '*', 'ImplicitDeny'],
  ['NotResource', [allow({ Action: 'iam:*', Resource: undefined, NotResource: `arn:aws:iam::${ACCOUNT}:user/root-*` })], 'iam:GetUser', `arn:aws:iam::${ACCOUNT}:user/dana`, 'Allow'],
  ['NotResource excludes', [allow({ Action: 'iam:*', Resource: undefined, NotResource: `arn:aws:iam::${ACCOUNT}:user/root-*` })], 'iam:GetUser', `arn:aws:iam::${ACCOUNT}:user/root-x`, 'ImplicitDeny'],
  ['policy variable in resource', [allow({ Action: 'iam:*AccessKey*', Resource: `arn:aws:iam::${ACCOUNT}:user/\${aws:username}` })], 'iam:CreateAccessKey', `arn:aws:iam::${ACCOUNT}:user/dana`, 'Allow'],
  ['policy variable other user', [allow({ Action: 'iam:*AccessKey*', Resource: `arn:aws:iam::${ACCOUNT}:user/\${aws:username}` })], 'iam:CreateAccessKey', `arn:aws:iam::${ACCOUNT}:user/erin`, 'ImplicitDeny'],
  // String operators
  ['StringEquals', [cond({ StringEquals: { 'aws:username': 'dana' } })], 'chime:ListAccounts', '*', 'Allow'],
  ['StringEquals is case-sensitive', [cond({ StringEquals: { 'aws:username': 'Dana' } })], 'chime:ListAccounts', '*', 'ImplicitDeny'],
  ['StringEquals any of values', [cond({ StringEquals: { 'aws:username': ['erin', 'dana'] } })], 'chime:ListAccounts', '*', 'Allow'],
  ['condition key name case-insensitive', [cond({ StringEquals: { 'AWS:UserName': 'dana' } })], 'chime:ListAccounts', '*', 'Allow'],
  ['StringNotEquals', [cond({ StringNotEquals: { 'aws:username': 'erin' } })], 'chime:ListAccounts', '*', 'Allow'],
  ['StringNotEquals matching value', [cond({ StringNotEquals: { 'aws:username': ['erin', 'dana'] } })], 'chime:ListAccounts', '*', 'ImplicitDeny'],
  ['StringEqualsIgnoreCase', [cond({ StringEqualsIgnoreCase: { 'aws:username': 'DANA' } })], 'chime:ListAccounts', '*', 'Allow'],
  ['StringNotEqualsIgnoreCase', [cond({ StringNotEqualsIgnoreCase: { 'aws:username': 'DANA' } })], 'chime:ListAccounts', '*', 'ImplicitDeny'],
  ['StringLike', [cond({ StringLike: { 'aws:username': 'da*' } })], 'chime:ListAccounts', '*', 'Allow'],
  ['StringLike question mark', [cond({ StringLike: { 'aws:username': 'd?na' } })], 'chime:ListAccounts', '*', 'Allow'],
  ['StringNotLike', [cond({ StringNotLike: { 'aws:username': 'da*' } })], 'chime:ListAccounts', '*', 'ImplicitDeny'],
  ['missing key: positive operator false', [cond({ StringEquals: { 'aws:sourceidentity': 'x' } })], 'chime:ListAccounts', '*', 'ImplicitDeny'],
  ['missing key: negated operator true', [cond({ StringNotEquals: { 'aws:sourceidentity': 'x' } })], 'chime:ListAccounts', '*', 'Allow'],
  ['StringEqualsIfExists with missing key', [cond({ StringEqualsIfExists: { 'aws:sourceidentity': 'x' } })], 'chime:ListAccounts', '*', 'Allow'],
  ['StringEqualsIfExists with present key', [cond({ StringEqualsIfExists: { 'aws:username': 'erin' } })], 'chime:ListAccounts', '*', 'ImplicitDeny'],
  ['aws:PrincipalTag', [cond({ StringEquals: { 'aws:PrincipalTag/dept': 'ops' } })], 'chime:ListAccounts', '*', 'Allow'],
  ['aws:PrincipalTag other value', [cond({ StringEquals: { 'aws:PrincipalTag/dept': 'finance' } })], 'chime:ListAccounts', '*', 'ImplicitDeny'],
  ['policy variable in condition', [cond({ StringEquals: { 'aws:PrincipalTag/dept': '${aws:username}' } })], 'chime:ListAccounts', '*', 'ImplicitDeny'],
  ['two keys in one operator are ANDed', [cond({ StringEquals: { 'aws:username': 'dana', 'aws:PrincipalTag/dept': 'finance' } })], 'chime:ListAccounts', '*', 'ImplicitDeny'],
  ['two operators are ANDed', [cond({ StringEquals: { 'aws:username': 'dana' }, Bool: { 'aws:SecureTransport': 'true' } })], 'chime:ListAccounts', '*', 'ImplicitDeny'],
  // Numeric
  ['NumericLessThan', [cond({ NumericLessThan: { 'aws:MultiFactorAuthAge': '3600' } })], 'chime:ListAccounts', '*', 'Allow'],
  ['NumericLessThan fails', [cond({ NumericLessThan: { 'aws:MultiFactorAuthAge': '300' } })], 'chime:ListAccounts', '*', 'ImplicitDeny'],
  ['NumericLessThanEquals equal', [cond({ NumericLessThanEquals: { 'aws:MultiFactorAuthAge': '600' } })], 'chime:ListAccounts', '*', 'Allow'],
  ['NumericGreaterThan', [cond({ NumericGreaterThan: { 'aws:MultiFactorAuthAge': '599' } })], 'chime:ListAccounts', '*', 'Allow'],
  ['NumericGreaterThanEquals fails', [cond({ NumericGreaterThanEquals: { 'aws:MultiFactorAuthAge': '601' } })], 'chime:ListAccounts', '*', 'ImplicitDeny'],
  ['NumericEquals', [cond({ NumericEquals: { 'aws:MultiFactorAuthAge': '600.0' } })], 'chime:ListAccounts', '*', 'Allow'],
  ['NumericNotEquals', [cond({ NumericNotEquals: { 'aws:MultiFactorAuthAge': '600' } })], 'chime:ListAccounts', '*', 'ImplicitDeny'],
  ['Numeric with a non-number', [cond({ NumericLessThan: { 'aws:username': '5' } })], 'chime:ListAccounts', '*', 'ImplicitDeny'],
  // Dates
  ['DateGreaterThan', [cond({ DateGreaterThan: { 'aws:CurrentTime': '2026-01-01T00:00:00Z' } })], 'chime:ListAccounts', '*', 'Allow'],
  ['DateLessThan', [cond({ DateLessThan: { 'aws:CurrentTime': '2026-01-01T00:00:00Z' } })], 'chime:ListAccounts', '*', 'ImplicitDeny'],
  ['DateLessThanEquals same instant', [cond({ DateLessThanEquals: { 'aws:CurrentTime': '2026-06-01T12:00:00Z' } })], 'chime:ListAccounts', '*', 'Allow'],
  ['DateGreaterThanEquals later', [cond({ DateGreaterThanEquals: { 'aws:CurrentTime': '2026-06-01T12:00:01Z' } })], 'chime:ListAccounts', '*', 'ImplicitDeny'],
  ['DateEquals epoch seconds', [cond({ DateEquals: { 'aws:CurrentTime': String(Date.parse('2026-06-01T12:00:00Z') / 1000) } })], 'chime:ListAccounts', '*', 'Allow'],
  ['DateNotEquals', [cond({ DateNotEquals: { 'aws:CurrentTime': '2026-06-01T12:00:00Z' } })], 'chime:ListAccounts', '*', 'ImplicitDeny'],
  ['time window', [cond({ DateGreaterThan: { 'aws:CurrentTime': '2026-06-01T00:00:00Z' }, DateLessThan: { 'aws:CurrentTime': '2026-06-02T00:00:00Z' } })], 'chime:ListAccounts', '*', 'Allow'],
  // Bool and MFA
  ['Bool MFA present', [cond({ Bool: { 'aws:MultiFactorAuthPresent': 'true' } })], 'chime:ListAccounts', '*', 'Allow'],
  ['Bool MFA absent (long-term keys)', [cond({ Bool: { 'aws:MultiFactorAuthPresent': 'true' } })], 'chime:ListAccounts', '*', 'ImplicitDeny', { 'aws:sourceip': '10.0.0.1' }],
  ['BoolIfExists false with key absent allows', [cond({ BoolIfExists: { 'aws:MultiFactorAuthPresent': 'false' } })], 'chime:ListAccounts', '*', 'Allow', { 'aws:sourceip': '10.0.0.1' }],
  ['deny without MFA (BoolIfExists) blocks long-term keys', [allow({ Action: '*' }), deny({ Action: 'chime:Delete*', Condition: { BoolIfExists: { 'aws:MultiFactorAuthPresent': 'false' } } })], 'chime:DeleteAccount', '*', 'ExplicitDeny', {}],
  ['deny without MFA lets MFA sessions through', [allow({ Action: '*' }), deny({ Action: 'chime:Delete*', Condition: { BoolIfExists: { 'aws:MultiFactorAuthPresent': 'false' } } })], 'chime:DeleteAccount', '*', 'Allow'],
  ['Bool SecureTransport', [cond({ Bool: { 'aws:SecureTransport': 'false' } })], 'chime:ListAccounts', '*', 'Allow'],
  // IP addresses
  ['IpAddress in range', [cond({ IpAddress: { 'aws:SourceIp': '203.0.113.0/24' } })], 'chime:ListAccounts', '*', 'Allow'],
  ['IpAddress single address', [cond({ IpAddress: { 'aws:SourceIp': '203.0.113.7' } })], 'chime:ListAccounts', '*', 'Allow'],
  ['IpAddress out of range', [cond({ IpAddress: { 'aws:SourceIp': '198.51.100.0/24' } })], 'chime:ListAccounts', '*', 'ImplicitDeny'],
  ['IpAddress any of ranges', [cond({ IpAddress: { 'aws:SourceIp': ['198.51.100.0/24', '203.0.0.0/8'] } })], 'chime:ListAccounts', '*', 'Allow'],
  ['NotIpAddress deny from outside', [allow({ Action: '*' }), deny({ Action: '*', Condition: { NotIpAddress: { 'aws:SourceIp': '10.0.0.0/8' } } })], 'chime:ListAccounts', '*', 'ExplicitDeny'],
  ['NotIpAddress deny spares inside', [allow({ Action: '*' }), deny({ Action: '*', Condition: { NotIpAddress: { 'aws:SourceIp': '203.0.113.0/28' } } })], 'chime:ListAccounts', '*', 'Allow'],
  ['IPv6 range', [cond({ IpAddress: { 'aws:SourceIp': '2001:db8::/32' } })], 'chime:ListAccounts', '*', 'Allow', { 'aws:sourceip': '2001:db8::17' }],
  ['IPv6 address not in IPv4 range', [cond({ IpAddress: { 'aws:SourceIp': '0.0.0.0/0' } })], 'chime:ListAccounts', '*', 'ImplicitDeny', { 'aws:sourceip': '::1' }],
  // Null
  ['Null true for a missing key', [cond({ Null: { 'aws:sourceidentity': 'true' } })], 'chime:ListAccounts', '*', 'Allow'],
  ['Null true for a present key', [cond({ Null: { 'aws:username': 'true' } })], 'chime:ListAccounts', '*', 'ImplicitDeny'],
  ['Null false for a present key', [cond({ Null: { 'aws:username': 'false' } })], 'chime:ListAccounts', '*', 'Allow'],
  // Multi-valued keys
  ['ForAnyValue matches one', [cond({ 'ForAnyValue:StringEquals': { 'aws:PrincipalTagKeys': ['team', 'cost'] } })], 'chime:ListAccounts', '*', 'Allow'],
  ['ForAnyValue matches none', [cond({ 'ForAnyValue:StringEquals': { 'aws:PrincipalTagKeys': ['cost'] } })], 'chime:ListAccounts', '*', 'ImplicitDeny'],
  ['ForAnyValue missing key', [cond({ 'ForAnyValue:StringEquals': { 'aws:TagKeys': ['cost'] } })], 'chime:ListAccounts', '*', 'ImplicitDeny'],
  ['ForAllValues all in set', [cond({ 'ForAllValues:StringEquals': { 'aws:PrincipalTagKeys': ['dept', 'team', 'cost'] } })], 'chime:ListAccounts', '*', 'Allow'],
  ['ForAllValues one outside set', [cond({ 'ForAllValues:StringEquals': { 'aws:PrincipalTagKeys': ['dept'] } })], 'chime:ListAccounts', '*', 'ImplicitDeny'],
  ['ForAllValues missing key is true', [cond({ 'ForAllValues:StringEquals': { 'aws:TagKeys': ['dept'] } })], 'chime:ListAccounts', '*', 'Allow'],
  ['ForAllValues:StringLike', [cond({ 'ForAllValues:StringLike': { 'aws:PrincipalTagKeys': ['d*', 't*'] } })], 'chime:ListAccounts', '*', 'Allow'],
  ['ForAnyValue:StringNotEquals', [cond({ 'ForAnyValue:StringNotEquals': { 'aws:PrincipalTagKeys': ['dept'] } })], 'chime:ListAccounts', '*', 'Allow'],
  ['ForAllValues:StringNotEquals', [cond({ 'ForAllValues:StringNotEquals': { 'aws:PrincipalTagKeys': ['dept'] } })], 'chime:ListAccounts', '*', 'ImplicitDeny'],
  // ARNs
  ['ArnLike', [cond({ ArnLike: { 'aws:PrincipalArn': `arn:aws:iam::${ACCOUNT}:role/ops-*` } })], 'chime:ListAccounts', '*', 'Allow', { 'aws:principalarn': `arn:aws:iam::${ACCOUNT}:role/ops-admin` }],
  ['ArnEquals other', [cond({ ArnEquals: { 'aws:PrincipalArn': `arn:aws:iam::${ACCOUNT}:role/ops` } })], 'chime:ListAccounts', '*', 'ImplicitDeny', { 'aws:principalarn': `arn:aws:iam::${ACCOUNT}:role/ops-admin` }],
  ['ArnNotLike', [cond({ ArnNotLike: { 'aws:PrincipalArn': 'arn:aws:iam::*:role/ops-*' } })], 'chime:ListAccounts', '*', 'ImplicitDeny', { 'aws:principalarn': `arn:aws:iam::${ACCOUNT}:role/ops-admin` }],
];

test(`policy evaluator: ${rows.length} cases`, () => {
  assert.ok(rows.length >= 60);
  for (const [name, statements, action, resource, expected, context] of rows) {
    const policy = parsePolicy(JSON.stringify({ Version: '2012-10-17', Statement: statements }));
    const got = evaluate([policy], { action, resource, context: context ?? base });
    assert.equal(got, expected, name);
  }
});

test('a statement without a Version takes policy variables literally', () => {
  const policy = parsePolicy(JSON.stringify({ Statement: [{ Effect: 'Allow', Action: 'iam:*', Resource: 'arn:aws:iam::1:user/${aws:username}' }] }));
  assert.equal(evaluate([policy], { action: 'iam:GetUser', resource: 'arn:aws:iam::1:user/dana', context: base }), 'ImplicitDeny');
  assert.equal(evaluate([policy], { action: 'iam:GetUser', resource: 'arn:aws:iam::1:user/${aws:username}', context: base }), 'Allow');
});

test('Deny in one policy beats Allow in another', () => {
  const a = parsePolicy(JSON.stringify({ Statement: [{ Effect: 'Allow', Action: '*', Resource: '*' }] }));
  const d = parsePolicy(JSON.stringify({ Statement: { Effect: 'Deny', Action: 'chime:CreateAccount', Resource: '*' } }));
  assert.equal(evaluate([a, d], { action: 'chime:CreateAccount', resource: '*', context: base }), 'ExplicitDeny');
});

test('trust policies match the caller by ARN or by account', () => {
  const trust = (principal: unknown) => parsePolicy(JSON.stringify({ Statement: [{ Effect: 'Allow', Principal: principal, Action: 'sts:AssumeRole' }] }), 'trust');
  const req = { action: 'sts:AssumeRole', resource: 'arn:aws:iam::1:role/r', context: base, principal: { arns: [`arn:aws:iam::${ACCOUNT}:user/dana`], accountId: ACCOUNT } };
  assert.equal(evaluate([trust({ AWS: `arn:aws:iam::${ACCOUNT}:root` })], req), 'Allow');
  assert.equal(evaluate([trust({ AWS: ACCOUNT })], req), 'Allow');
  assert.equal(evaluate([trust({ AWS: `arn:aws:iam::${ACCOUNT}:user/dana` })], req), 'Allow');
  assert.equal(evaluate([trust({ AWS: `arn:aws:iam::${ACCOUNT}:user/erin` })], req), 'ImplicitDeny');
  assert.equal(evaluate([trust({ AWS: 'arn:aws:iam::444455556666:root' })], req), 'ImplicitDeny');
  assert.equal(evaluate([trust({ Service: 'ec2.amazonaws.com' })], req), 'ImplicitDeny');
  assert.equal(evaluate([trust('*')], req), 'Allow');
});

test('malformed policies are refused with the reason', () => {
  const bad: [string, string][] = [
    ['{', 'This policy contains invalid Json'],
    ['{"Version":"2012-10-17"}', 'Syntax errors in policy.'],
    ['{"Statement":[{"Effect":"Maybe","Action":"*","Resource":"*"}]}', 'Syntax errors in policy. Effect must be Allow or Deny.'],
    ['{"Statement":[{"Effect":"Allow","Resource":"*"}]}', 'Policy statement must contain actions.'],
    ['{"Statement":[{"Effect":"Allow","Action":"*"}]}', 'Policy statement must contain resources.'],
    ['{"Statement":[{"Effect":"Allow","Action":"CreateUser","Resource":"*"}]}', 'Actions/Conditions must be prefaced by a vendor, e.g., iam, sdb, ec2, etc.'],
    ['{"Statement":[{"Effect":"Allow","Action":"*","Resource":"*","Condition":{"StringSorta":{"a":"b"}}}]}', 'Invalid Condition type : StringSorta.'],
    ['{"Statement":[{"Effect":"Allow","Action":"*","Resource":"*","Principal":"*"}]}', 'Policy document should not specify a principal.'],
    ['{"Version":"2013-01-01","Statement":[]}', 'The policy failed legacy parsing'],
  ];
  for (const [text, message] of bad) assert.throws(() => parsePolicy(text), (e: Error) => e instanceof MalformedPolicy && e.message === message, text);
  assert.throws(() => parsePolicy('{"Statement":[{"Effect":"Allow","Action":"sts:AssumeRole"}]}', 'trust'), /invalid principal/);
});
