// What a service and an operation are. A service names its SigV4 signing name, its CloudTrail
// event source and its wire protocol; an operation is a model (input/output shapes, HTTP binding,
// read-only or not) and a handler that only sees typed input and the store.
import type { Protocol } from '../aws/protocols/protocol.ts';
import type { ServiceError } from '../aws/errors.ts';
import type { ConstraintViolation, StructureShape, TypeMismatch } from '../aws/shapes.ts';
import type { Principal } from '../iam/principal.ts';
import type { LookupResource, Tx } from '../storage/store.ts';
import type { AppContext } from '../app-context.ts';

/** The account and region a call acts in: what names its resources in Event history. */
export type CallScope = Pick<OperationContext, 'accountId' | 'region'>;

export interface OperationContext {
  tx: Tx;
  app: AppContext;
  principal: Principal;
  /** The AWS account the call acts in. */
  accountId: string;
  /** The region the call was made to (its signing region). */
  region: string;
  requestId: string;
  now: Date;
  /** Where the call came from, for policy conditions evaluated by handlers (trust policies). */
  caller: { sourceIp: string; userAgent?: string; secureTransport: boolean };
}

export interface HttpBinding {
  method: string;
  /** URI template, e.g. `/accounts/{AccountId}/users?operation=add`. */
  uri: string;
  status: number;
}

export interface Operation<I = any, O = any> {
  name: string;
  readOnly: boolean;
  http?: HttpBinding;
  input: StructureShape;
  output?: StructureShape;
  handler(ctx: OperationContext, input: I): Promise<O>;
  /** Resources of the call as Event history shows and finds them. */
  lookupResources?(input: I, output: O | undefined, scope: CallScope): LookupResource[];
  /** Member names (besides those the model marks sensitive) never written to a record. */
  sensitive?: readonly string[];
  /**
   * The resource ARN policies are evaluated against (`*` when absent, as for Chime); several for
   * a call on several resources, each of which the caller must be allowed.
   */
  resourceArn?(input: I, ctx: OperationContext): string | string[] | Promise<string | string[]>;
  /** Calls anyone authenticated may make, whatever the policies say (sts:GetCallerIdentity). */
  needsNoPermission?: boolean;
}

export interface Service {
  signingName: string;
  eventSource: string;
  protocol: Protocol;
  /** Global services record every call in this region, whatever region the client signed for. */
  recordRegion?: string;
  operations: ReadonlyMap<string, Operation>;
  /** The service's error for input that breaks the model. */
  invalidInput(violation: ConstraintViolation | TypeMismatch, operation: Operation): ServiceError;
  /** The service's own error for a call the caller's policies do not allow. */
  accessDenied(message: string): ServiceError;
}

export function operationMap(ops: Operation[]): ReadonlyMap<string, Operation> {
  return new Map(ops.map((op) => [op.name, op]));
}

/** Declares an operation with its input and output types taken from the official client. */
export function defineOperation<I, O>(op: Operation<I, O>): Operation<I, O> {
  return op;
}
