// Records written from the operation's model (operation-audit.ts) say exactly what JSON.stringify
// of the same record says, for every operation of every service, every kind of principal, and
// hostile strings; a view that departs from the model is found out and written by JSON.stringify.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { OperationAudit } from '../src/audit/operation-audit.ts';
import { journalEntry } from '../src/audit/record.ts';
import type { CallFacts } from '../src/audit/record.ts';
import type { Shape, ViewFit } from '../src/aws/shapes.ts';
import type { Principal, SessionInfo } from '../src/iam/principal.ts';
import type { Operation } from '../src/services/service.ts';
import { chime } from '../src/services/chime/index.ts';
import { cloudtrail } from '../src/services/cloudtrail/index.ts';
import { iam } from '../src/services/iam/index.ts';
import { sns } from '../src/services/sns/index.ts';
import { sts } from '../src/services/sts/index.ts';

const OPERATIONS = [chime, cloudtrail, iam, sts, sns].flatMap((s) => [...s.operations.values()]);

/** A deterministic generator, so that a failure can be replayed. */
function random(seed: number) {
  let s = seed;
  return () => ((s = (s * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
}

// Strings a caller controls end up in records: quotes, backslashes, control characters, lone
// surrogates, and strings long enough for each way the serializers escape.
const HOSTILE = ['plain', '', 'quote " and \\ backslash', 'line\nbreak\ttab\u0000nul\u001f', 'lone \ud800 surrogate', 'pair 😀 é', '</script><img src=x>', 'x'.repeat(60), `${'y'.repeat(5000)}"`];

function valueOf(shape: Shape, rnd: () => number, depth = 0): unknown {
  const pick = <T>(xs: readonly T[]) => xs[Math.floor(rnd() * xs.length)];
  switch (shape.kind) {
    case 'string':
      return shape.enum ? pick(shape.enum) : pick(HOSTILE);
    case 'integer':
      return pick([0, -1, 42, 2 ** 40, 1.5, -0]);
    case 'boolean':
      return rnd() < 0.5;
    case 'timestamp':
      return new Date(1_700_000_000_000 + Math.floor(rnd() * 1e10));
    case 'list':
      return depth > 4 ? [] : Array.from({ length: Math.floor(rnd() * 3) }, () => valueOf(shape.member, rnd, depth + 1));
    case 'structure':
      return Object.fromEntries(
        Object.entries(shape.members)
          .filter(() => depth < 5 && rnd() < 0.8)
          .map(([name, m]) => [name, valueOf(m.shape, rnd, depth + 1)]),
      );
  }
}

const session: SessionInfo = { creationDate: new Date('2026-11-23T10:00:00Z'), mfaAuthenticated: true, sourceIdentity: 'src "id"', fromConsole: true };
const root = { type: 'Root', accountId: '123456789012', accessKeyId: 'AKIAEXAMPLE', accountAlias: 'alias "a"' } as const;
const user = { type: 'IAMUser', accountId: '123456789012', userId: 'AIDAEXAMPLE', userName: 'ann\u0001', path: '/', accessKeyId: 'AKIAUSER' } as const;
const PRINCIPALS: Principal[] = [
  root,
  { ...root, accessKeyId: '', session },
  user,
  { ...user, session },
  { type: 'AssumedRole', accountId: '123456789012', roleId: 'AROAEXAMPLE', roleName: 'admin', rolePath: '/ops/', sessionName: 's\\1', accessKeyId: 'ASIAEXAMPLE', session },
  { type: 'FederatedUser', accountId: '123456789012', name: 'fed', accessKeyId: 'ASIAFED', issuer: user, session },
  { type: 'AWSService', invokedBy: 'cloudtrail.amazonaws.com' },
];

/** The record of a call, written as the pipeline writes it; the event id left out (each record gets its own). */
function record(operation: Operation, principal: Principal, input: unknown, output: unknown, how: 'model' | 'JSON.stringify', rnd: () => number) {
  const audit = OperationAudit.of(operation);
  const fit: ViewFit = { fits: true };
  const failed = rnd() < 0.2;
  const facts: CallFacts = {
    principal,
    eventSource: 'chime.amazonaws.com',
    eventName: operation.name,
    awsRegion: 'us-east-1',
    recipientAccountId: '123456789012',
    eventTime: new Date('2026-11-23T10:00:00Z'),
    sourceIPAddress: '127.0.0.1',
    userAgent: rnd() < 0.5 ? HOSTILE[Math.floor(rnd() * HOSTILE.length)] : undefined,
    readOnly: operation.readOnly,
    requestParameters: audit.view('input', input, fit),
    responseElements: failed || operation.readOnly ? null : audit.view('output', output, fit),
    error: failed ? { code: 'BadRequestException', message: 'bad "input"\n' } : undefined,
    additionalEventData: rnd() < 0.3 ? { signingRegion: 'eu-west-1' } : undefined,
    requestId: 'req-1',
    tls: rnd() < 0.3 ? { tlsVersion: 'TLSv1.3', cipherSuite: 'TLS_AES_128_GCM_SHA256', clientProvidedHostHeader: 'localhost' } : undefined,
    recordResources: rnd() < 0.3 ? [{ ARN: 'arn:aws:chime::123456789012:account/a', accountId: '123456789012', type: 'AWS::Chime::Account' }] : undefined,
  };
  const json = journalEntry({ ...facts, serializer: how === 'model' && fit.fits ? audit : undefined }).record;
  const { eventID, ...rest } = JSON.parse(json);
  assert.match(eventID, /^[0-9a-f-]{36}$/);
  return { record: rest, fits: fit.fits };
}

/** Both ways from the same generator state, so that both records are of the same call. */
function bothWays(operation: Operation, principal: Principal, seed: number, input: (rnd: () => number) => unknown, output: (rnd: () => number) => unknown) {
  const [model, plain] = (['model', 'JSON.stringify'] as const).map((how) => {
    const rnd = random(seed);
    return record(operation, principal, input(rnd), output(rnd), how, rnd);
  });
  assert.deepEqual(model.record, plain.record, `${operation.name}, seed ${seed}`);
  return model.fits;
}

test('records written from the model say what JSON.stringify says, for every operation and every kind of principal', () => {
  assert.ok(OPERATIONS.length > 100, `${OPERATIONS.length} operations`);
  let seed = 1;
  for (const operation of OPERATIONS) {
    for (const principal of PRINCIPALS) {
      seed++;
      const fits = bothWays(
        operation,
        principal,
        seed,
        (rnd) => valueOf(operation.input, rnd),
        (rnd) => (operation.output ? valueOf(operation.output, rnd) : undefined),
      );
      assert.ok(fits, `${operation.name}: a value made from the model fits it`);
    }
  }
});

test('a view that departs from the model is found out, and its record is still what JSON.stringify says', () => {
  const departures: [string, (input: Record<string, unknown>) => void][] = [
    ['a member the model does not know', (v) => (v.NotInTheModel = { deep: ['x', 1] })],
    ['a number for a string', (v) => setFirst(v, 'string', 12)],
    ['a string for a number', (v) => setFirst(v, 'integer', '12')],
    ['a string for a boolean', (v) => setFirst(v, 'boolean', 'false')],
    ['NaN for a number', (v) => setFirst(v, 'integer', Number.NaN)],
    ['a date for a string', (v) => setFirst(v, 'string', new Date(0))],
    ['an object for a string', (v) => setFirst(v, 'string', { a: 1 })],
    ['a string for a list', (v) => setFirst(v, 'list', 'not a list')],
    ['a missing list item', (v) => setFirst(v, 'list', [undefined, null])],
  ];
  let seed = 10_000;
  let current: Operation;
  // Sets the first member of that kind, at the top of the input, that the operation's model has.
  const setFirst = (v: Record<string, unknown>, kind: Shape['kind'], to: unknown) => {
    const name = Object.entries(current.input.members).find(([n, m]) => m.shape.kind === kind && !(m.shape.kind === 'string' && m.shape.sensitive) && !current.sensitive?.includes(n))?.[0];
    if (name) v[name] = to;
    else v.NotInTheModel = to;
  };
  for (const operation of OPERATIONS) {
    current = operation;
    for (const [what, depart] of departures) {
      seed++;
      const fits = bothWays(
        operation,
        root,
        seed,
        (rnd) => {
          const v = valueOf(operation.input, rnd) as Record<string, unknown>;
          depart(v);
          return v;
        },
        () => undefined,
      );
      assert.equal(fits, false, `${operation.name}: ${what}`);
    }
  }
});
