// AWS Query (IAM, STS): a form-encoded POST (or a GET) with `Action` and `Version`, lists
// flattened as `Name.member.N`, structure members as `Name.Member`; results in XML as
// `<OpResponse><OpResult>…</OpResult><ResponseMetadata><RequestId/>…`, errors as `<ErrorResponse>`.
import { FrontDoorError, unknownOperation } from '../errors.ts';
import type { ServiceError } from '../errors.ts';
import type { RawRequest, RawResponse } from '../request.ts';
import { parseQuery } from '../request.ts';
import { isoSeconds } from '../timestamps.ts';
import { TypeMismatch } from '../shapes.ts';
import type { Shape } from '../shapes.ts';
import type { Protocol } from './protocol.ts';
import type { Operation, Service } from '../../services/service.ts';

const FORM = 'application/x-www-form-urlencoded';

/** The request's parameters: the URL query and, for a form POST, the body (parsed once). */
const paramsCache = new WeakMap<RawRequest, Map<string, string[]>>();
function paramsOf(req: RawRequest, query: Map<string, string[]>): Map<string, string[]> {
  let params = paramsCache.get(req);
  if (!params) {
    params = new Map(query);
    if ((req.headers['content-type'] ?? '').toLowerCase().startsWith(FORM)) {
      // Form bodies encode spaces as `+`; the URL query never does for these clients.
      for (const [k, v] of parseQuery(req.body.toString('utf8').replace(/\+/g, '%20'))) params.set(k, v);
    }
    paramsCache.set(req, params);
  }
  return params;
}

/** True when a request looks like a query-protocol call (used before its service is known). */
export function looksLikeQuery(req: RawRequest, query: Map<string, string[]>): boolean {
  return (req.headers['content-type'] ?? '').toLowerCase().startsWith(FORM) || query.has('Action');
}

export class QueryProtocol implements Protocol {
  readonly name = 'awsQuery';
  constructor(
    private readonly version: string,
    private readonly xmlns: string,
  ) {}

  route(service: Service, req: RawRequest, query: Map<string, string[]>): Operation {
    if (req.method !== 'POST' && req.method !== 'GET') throw unknownOperation();
    const params = paramsOf(req, query);
    const action = params.get('Action')?.[0];
    if (!action) throw new FrontDoorError('MissingActionException', 'MissingAction', 'Missing Action', 400);
    const version = params.get('Version')?.[0] ?? this.version;
    const operation = service.operations.get(action);
    if (!operation || version !== this.version) {
      throw new FrontDoorError('InvalidActionException', 'InvalidAction', `Could not find operation ${action} for version ${version}`, 400);
    }
    return operation;
  }

  decode(operation: Operation, req: RawRequest, query: Map<string, string[]>): Record<string, unknown> {
    const params = paramsOf(req, query);
    return (fromForm(operation.input, params, '') as Record<string, unknown> | undefined) ?? {};
  }

  success(operation: Operation, output: unknown, requestId: string): RawResponse {
    const op = operation.name;
    const result = operation.output ? `<${op}Result>${toXml(operation.output, output ?? {})}</${op}Result>` : '';
    return xmlResponse(
      200,
      requestId,
      `<${op}Response xmlns="${this.xmlns}">${result}<ResponseMetadata><RequestId>${requestId}</RequestId></ResponseMetadata></${op}Response>`,
    );
  }

  error(err: ServiceError, requestId: string): RawResponse {
    const front = err instanceof FrontDoorError;
    const code = front ? err.queryCode : err.code;
    const status = front ? err.queryStatus : err.status;
    const type = status >= 500 ? 'Receiver' : 'Sender';
    // The fallback used before a service is known has no namespace.
    const ns = this.xmlns ? ` xmlns="${this.xmlns}"` : '';
    return xmlResponse(
      status,
      requestId,
      `<ErrorResponse${ns}><Error><Type>${type}</Type><Code>${escape(code)}</Code><Message>${escape(err.message)}</Message></Error><RequestId>${requestId}</RequestId></ErrorResponse>`,
    );
  }
}

function xmlResponse(status: number, requestId: string, body: string): RawResponse {
  return { status, headers: { 'content-type': 'text/xml', 'x-amzn-requestid': requestId }, body };
}

/** Reads one member from the flattened form parameters; undefined when nothing of it was sent. */
function fromForm(shape: Shape, params: Map<string, string[]>, name: string): unknown {
  switch (shape.kind) {
    case 'structure': {
      const out: Record<string, unknown> = {};
      let present = name === '';
      for (const [member, m] of Object.entries(shape.members)) {
        const v = fromForm(m.shape, params, name ? `${name}.${member}` : member);
        if (v !== undefined) {
          out[member] = v;
          present = true;
        }
      }
      return present ? out : undefined;
    }
    case 'list': {
      const items: unknown[] = [];
      for (let i = 1; ; i++) {
        const v = fromForm(shape.member, params, `${name}.member.${i}`);
        if (v === undefined) break;
        items.push(v);
      }
      // `Name=` with no members is how the query protocol sends an empty list.
      return items.length || params.has(name) ? items : undefined;
    }
    default: {
      const value = params.get(name)?.[0];
      if (value === undefined) return undefined;
      if (shape.kind === 'integer') {
        if (!/^-?\d+$/.test(value)) throw new TypeMismatch(name, 'integer');
        return Number(value);
      }
      if (shape.kind === 'boolean') {
        if (value !== 'true' && value !== 'false') throw new TypeMismatch(name, 'boolean');
        return value === 'true';
      }
      return value;
    }
  }
}

function toXml(shape: Shape, value: unknown): string {
  if (value === undefined || value === null) return '';
  switch (shape.kind) {
    case 'structure': {
      let out = '';
      const obj = value as Record<string, unknown>;
      for (const [member, m] of Object.entries(shape.members)) {
        if (obj[member] === undefined || obj[member] === null) continue;
        out += `<${member}>${toXml(m.shape, obj[member])}</${member}>`;
      }
      return out;
    }
    case 'list':
      return (value as unknown[]).map((v) => `<member>${toXml(shape.member, v)}</member>`).join('');
    case 'timestamp':
      return isoSeconds(value as Date);
    default:
      // Blobs (an MFA seed) travel base64-encoded.
      return value instanceof Uint8Array ? Buffer.from(value).toString('base64') : escape(String(value));
  }
}

/** Text content only (values never go into attributes): quotes stay as they are. */
function escape(s: string): string {
  return s.replace(/[&<>]/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;' })[c]!);
}
