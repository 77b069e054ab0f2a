// What the pipeline records of an operation's parameters and response, and how its records are
// written as JSON. On Node 20, V8's JSON.stringify took ~40,000 instructions for a CreateAccount
// record, over a third of what recording the call added; fast-json-stringify, compiled from a
// JSON schema of the record that the operation's model gives, saves ~23,000 of them (callgrind
// of the server's main thread under load: 667,000 -> 643,000 instructions per call). The schema
// is used only for views that fit the model (ViewFit): one that departs from it (a member the
// model does not know, a value of another type) is written by JSON.stringify, so no value is
// ever dropped or converted to fit a schema.
import fastJson from 'fast-json-stringify';
import { lowerFirst, toAuditView } from '../aws/shapes.ts';
import type { Shape, ViewFit } from '../aws/shapes.ts';
import type { Operation } from '../services/service.ts';

type Schema = fastJson.Schema | fastJson.AnySchema;
const STRING: Schema = { type: 'string' };
const BOOLEAN: Schema = { type: 'boolean' };
/** Any JSON value, written by JSON.stringify. */
const ANY: fastJson.AnySchema = {};

/** The JSON schema of a view of `shape` that fits it; members named in `sensitive` are hidden (a string). */
function viewSchema(shape: Shape, sensitive: ReadonlySet<string>): Schema {
  switch (shape.kind) {
    case 'string':
    case 'timestamp':
      return STRING;
    case 'integer':
      return { type: 'number' };
    case 'boolean':
      return BOOLEAN;
    case 'list':
      return { type: 'array', items: viewSchema(shape.member, sensitive) };
    case 'structure':
      return {
        type: 'object',
        properties: Object.fromEntries(Object.entries(shape.members).map(([name, m]) => [lowerFirst(name), sensitive.has(name) ? STRING : viewSchema(m.shape, sensitive)])),
      };
  }
}

/**
 * The record's schema: the members buildRecord (record.ts) writes, in its order, and the string
 * members of userIdentity (user-identity.ts); parts of no known shape are ANY, and members not
 * named here are still written (after the others), by JSON.stringify.
 */
function recordSchema(requestParameters: Schema, responseElements: Schema): fastJson.ObjectSchema {
  return {
    type: 'object',
    properties: {
      eventVersion: STRING,
      userIdentity: {
        type: 'object',
        properties: { type: STRING, principalId: STRING, arn: STRING, accountId: STRING, accessKeyId: STRING, userName: STRING, invokedBy: STRING },
        additionalProperties: true,
      },
      eventTime: STRING,
      eventSource: STRING,
      eventName: STRING,
      awsRegion: STRING,
      sourceIPAddress: STRING,
      userAgent: STRING,
      errorCode: STRING,
      errorMessage: STRING,
      requestParameters,
      responseElements,
      additionalEventData: ANY,
      requestID: STRING,
      eventID: STRING,
      readOnly: BOOLEAN,
      resources: ANY,
      eventType: STRING,
      managementEvent: BOOLEAN,
      recipientAccountId: STRING,
      eventCategory: STRING,
      tlsDetails: ANY,
      sessionCredentialFromConsole: STRING,
    },
    additionalProperties: true,
  };
}

/** A view that fits is an object or, when empty, null. */
const nullable = (schema: Schema): Schema => ({ ...schema, nullable: true });

export class OperationAudit {
  private static readonly audits = new WeakMap<Operation, OperationAudit>();
  /** The audit of an operation, made once. */
  static of(operation: Operation): OperationAudit {
    let audit = OperationAudit.audits.get(operation);
    if (!audit) OperationAudit.audits.set(operation, (audit = new OperationAudit(operation)));
    return audit;
  }

  /** The members an operation hides wherever they appear. */
  private readonly sensitive: ReadonlySet<string>;
  private serializer: ((record: Record<string, unknown>) => string) | undefined;

  private constructor(private readonly operation: Operation) {
    this.sensitive = new Set(operation.sensitive ?? []);
  }

  /**
   * The recorded view of the call's input or output: null when no member is present, as
   * CloudTrail records it. `fit` is cleared when the view departs from the model.
   */
  view(side: 'input' | 'output', value: unknown, fit: ViewFit): unknown {
    const shape = side === 'input' ? this.operation.input : this.operation.output;
    const view = toAuditView(shape, value, this.sensitive, fit);
    return view && typeof view === 'object' && Object.keys(view).length === 0 ? null : (view ?? null);
  }

  /** Writes a record of the operation whose views fit its model (compiled at the first). */
  json(record: Record<string, unknown>): string {
    if (!this.serializer) {
      const { input, output } = this.operation;
      const view = (shape: Shape | undefined) => (shape ? nullable(viewSchema(shape, this.sensitive)) : ANY);
      this.serializer = fastJson(recordSchema(view(input), view(output)));
    }
    return this.serializer(record);
  }
}
