// The one pipeline every API call goes through:
//   route -> authenticate (SigV4) -> decode + validate -> handle -> record -> encode.
// A mutating call's state change and its CloudTrail record commit in one transaction, and the
// response leaves only after that commit. Failed calls are recorded too.
import { randomUUID } from 'node:crypto';
import type { AppContext } from './app-context.ts';
import { journalEntry } from './audit/record.ts';
import type { CallFacts } from './audit/record.ts';
import { expiredToken, FrontDoorError, internalFailure, invalidSignature, ServiceError, unrecognizedClient } from './aws/errors.ts';
import { AwsJsonProtocol } from './aws/protocols/aws-json.ts';
import type { Protocol } from './aws/protocols/protocol.ts';
import { looksLikeQuery, QueryProtocol } from './aws/protocols/query.ts';
import { RestJsonProtocol } from './aws/protocols/rest-json.ts';
import type { RawRequest, RawResponse } from './aws/request.ts';
import { parseQuery, userAgentOf } from './aws/request.ts';
import { ConstraintViolation, toAuditView, TypeMismatch, validate, withoutConstraints } from './aws/shapes.ts';
import { checkRegion, checkScopeAndTime, parseSignature, verifySignature } from './aws/sigv4.ts';
import type { SignatureInfo } from './aws/sigv4.ts';
import { authorize, needsPolicyCheck } from './iam/authorize.ts';
import type { Principal } from './iam/principal.ts';
import type { Operation, OperationContext, Service } from './services/service.ts';
import type { JournalEntry, Tx } from './storage/store.ts';

export interface PipelineOptions {
  /** Off only to measure what recording costs (benchmarks). */
  recording?: boolean;
  log?: (message: string) => void;
}

/** Before the service is known, the request's shape tells which error format the client reads. */
function guessProtocol(req: RawRequest, query: Map<string, string[]>): Protocol {
  if (req.headers['x-amz-target']) return JSON_FALLBACK;
  return looksLikeQuery(req, query) ? QUERY_FALLBACK : REST_FALLBACK;
}
const JSON_FALLBACK = new AwsJsonProtocol([]);
const REST_FALLBACK = new RestJsonProtocol();
const QUERY_FALLBACK = new QueryProtocol('', '');

const sensitiveSets = new WeakMap<Operation, ReadonlySet<string>>();
/** The members an operation hides wherever they appear, as a set made once per operation. */
function sensitiveOf(operation: Operation): ReadonlySet<string> {
  let set = sensitiveSets.get(operation);
  if (!set) sensitiveSets.set(operation, (set = new Set(operation.sensitive ?? [])));
  return set;
}

type CallResult = { output?: unknown; error?: ServiceError };

interface Call {
  service: Service;
  operation: Operation;
  principal: Principal;
  signature: SignatureInfo;
  req: RawRequest;
  requestId: string;
  requestParameters: unknown;
  /** The validated input, once decoding succeeded (failed calls keep their resources too). */
  input?: unknown;
}

export class Pipeline {
  private readonly services: Map<string, Service>;
  private readonly recording: boolean;
  private readonly log: (message: string) => void;

  constructor(
    private readonly app: AppContext,
    services: Service[],
    options: PipelineOptions = {},
  ) {
    this.services = new Map(services.map((s) => [s.signingName, s]));
    this.recording = options.recording ?? true;
    this.log = options.log ?? ((m) => console.error(m));
  }

  async handle(req: RawRequest): Promise<RawResponse> {
    const requestId = randomUUID();
    const query = parseQuery(req.rawQuery);
    let protocol = guessProtocol(req, query);
    let signature: SignatureInfo;
    let service: Service | undefined;
    let operation: Operation;
    try {
      signature = parseSignature(req, query);
      service = this.services.get(signature.service);
      if (!service) throw invalidSignature(`Credential should be scoped to a valid service: '${signature.service}' is not served here. `);
      protocol = service.protocol;
      checkRegion(signature);
      operation = protocol.route(service, req, query);
    } catch (err) {
      return protocol.error(this.asServiceError(err, requestId), requestId);
    }

    const resolved = await this.app.store.read((tx) => this.app.credentials.resolve(tx, signature.accessKeyId, signature.sessionToken));
    // An unknown key (or a wrong session token) belongs to no account: nobody to record the call for.
    if (!resolved) return protocol.error(unrecognizedClient(), requestId);

    const call: Call = { service, operation, principal: resolved.principal, signature, req, requestId, requestParameters: null };
    try {
      checkScopeAndTime(signature, service.signingName, new Date());
      verifySignature(req, signature, this.app.credentials.signingKey(resolved, signature));
      if (resolved.expiresAt && resolved.expiresAt.getTime() <= Date.now()) throw expiredToken();
      const input = this.decode(call, query);
      await this.authorize(call, input);
      const output = await this.execute(call, input);
      return protocol.success(operation, output, requestId);
    } catch (err) {
      const error = this.asServiceError(err, requestId);
      try {
        await this.record(call, { error });
      } catch (recordErr) {
        this.log(`request ${requestId}: could not record a failed call: ${String(recordErr)}`);
        return protocol.error(internalFailure(), requestId);
      }
      return protocol.error(error, requestId);
    }
  }

  private decode(call: Call, query: Map<string, string[]>): unknown {
    const { service, operation, req } = call;
    try {
      const params = service.protocol.decode(operation, req, query);
      // Parameters are recorded as sent when their types fit the model, so a field never
      // changes JSON type between records of one operation.
      const input = validate(operation.input, params);
      // With recording off (benchmarks), no part of a record is built: what it costs is measured.
      if (this.recording) call.requestParameters = this.auditView(operation, 'input', input);
      call.input = input;
      return input;
    } catch (err) {
      if (err instanceof ConstraintViolation || err instanceof TypeMismatch) {
        if (err instanceof ConstraintViolation && this.recording) {
          call.requestParameters = this.auditView(operation, 'input', safeValidate(operation, service.protocol.decode(operation, req, query)));
        }
        throw service.invalidInput(err, operation);
      }
      throw err;
    }
  }

  /** Explicit deny > allow > implicit deny; a refusal is the service's own denial error. */
  private async authorize(call: Call, input: unknown): Promise<void> {
    const { service, operation, principal, signature } = call;
    if (operation.needsNoPermission || !needsPolicyCheck(principal)) return;
    const denial = await this.app.store.read(async (tx) => {
      const ctx = this.context(call, tx);
      const named = [(await operation.resourceArn?.(input, ctx)) ?? []].flat();
      for (const resource of named.length ? named : ['*']) {
        const refused = await authorize(tx, { principal, action: `${service.signingName}:${operation.name}`, resource, now: ctx.now, region: signature.region, ...ctx.caller });
        if (refused) return refused;
      }
      return undefined;
    });
    if (denial) throw service.accessDenied(denial.message);
  }

  private auditView(operation: Operation, side: 'input' | 'output', value: unknown): unknown {
    const view = toAuditView(side === 'input' ? operation.input : operation.output, value, sensitiveOf(operation));
    // An empty object (no member present) is recorded as null, as CloudTrail does.
    return view && typeof view === 'object' && Object.keys(view).length === 0 ? null : (view ?? null);
  }

  private async execute(call: Call, input: unknown): Promise<unknown> {
    const { operation } = call;
    // No closure named here: tsx builds with esbuild's keepNames, which names every closure
    // held by a variable with an Object.defineProperty call each time it is made (~1 µs).
    if (operation.readOnly) {
      const output = await this.app.store.read((tx) => operation.handler(this.context(call, tx), input));
      await this.record(call, { output });
      return output;
    }
    return this.app.store.write(async (tx) => {
      const output = await operation.handler(this.context(call, tx), input);
      await this.appendRecord(tx, call, { output });
      return output;
    });
  }

  private context(call: Call, tx: Tx): OperationContext {
    const p = call.principal;
    return {
      tx,
      app: this.app,
      principal: p,
      accountId: p.type === 'AWSService' ? this.app.config.accountId : p.accountId,
      region: call.signature.region,
      requestId: call.requestId,
      now: new Date(),
      caller: { sourceIp: call.req.sourceIp, userAgent: userAgentOf(call.req), secureTransport: call.req.tls !== undefined },
    };
  }

  /** The record of a call that changed nothing (read-only, or failed), committed on its own. */
  private async record(call: Call, result: CallResult): Promise<void> {
    if (!this.recording) return;
    await this.app.store.append(this.entryOf(call, result));
  }

  /** The record of a mutating call, in the write that made its change. */
  private async appendRecord(tx: Tx, call: Call, result: CallResult): Promise<void> {
    if (!this.recording) return;
    await tx.journal.append(this.entryOf(call, result));
  }

  private entryOf(call: Call, result: CallResult): JournalEntry {
    const { service, operation, principal, signature, req } = call;
    const accountId = principal.type === 'AWSService' ? this.app.config.accountId : principal.accountId;
    const awsRegion = service.recordRegion ?? signature.region;
    const facts: CallFacts = {
      principal,
      eventSource: service.eventSource,
      eventName: operation.name,
      awsRegion,
      recipientAccountId: accountId,
      eventTime: new Date(),
      sourceIPAddress: req.sourceIp,
      userAgent: userAgentOf(req),
      readOnly: operation.readOnly,
      requestParameters: call.requestParameters,
      // Read-only calls record no response (CloudTrail's rule), so none is built for them.
      responseElements: result.error || operation.readOnly ? null : this.auditView(operation, 'output', result.output),
      error: result.error && { code: errorCode(result.error, service.protocol), message: result.error.message },
      // With --endpoint-url clients sign for their own region; keep it when it is not the one recorded.
      additionalEventData: signature.region !== awsRegion ? { signingRegion: signature.region } : undefined,
      requestId: call.requestId,
      tls: req.tls,
      // A resource named by an empty string (a failed call's empty ARN) is no resource to list or find.
      lookupResources: call.input !== undefined && operation.lookupResources ? operation.lookupResources(call.input, result.output, { accountId, region: signature.region }).filter((r) => r.name) : undefined,
    };
    return journalEntry(facts);
  }

  private asServiceError(err: unknown, requestId: string): ServiceError {
    if (err instanceof ServiceError) return err;
    // Never a stack trace to a client: log it with the request id, answer InternalFailure.
    this.log(`request ${requestId}: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}`);
    return internalFailure();
  }
}

/** Front-door errors are named per protocol family (`ExpiredTokenException` / `ExpiredToken`). */
const errorCode = (e: ServiceError, protocol: Protocol) =>
  e instanceof FrontDoorError ? (protocol instanceof QueryProtocol ? e.queryCode : e.jsonCode) : e.code;

/** The members of a rejected request whose JSON types fit the model, constraints aside: what is recorded. */
function safeValidate(operation: Operation, params: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [name, member] of Object.entries(operation.input.members)) {
    try {
      // A member that breaks a constraint is still recorded (redacted as usual) when its JSON type fits.
      const v = validate(withoutConstraints(member.shape), params[name], name);
      if (v !== undefined) out[name] = v;
    } catch {
      /* wrong type: left out */
    }
  }
  return out;
}
