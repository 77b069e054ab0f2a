// Console actions are API calls: each is built as the official client would send it, signed
// (SigV4) with the console session's credentials, and handed to the same pipeline as any other
// call, carrying the browser's user agent and address. So every console action is audited,
// authorized and validated exactly like an SDK call.
import { SignatureV4 } from '@smithy/signature-v4';
import { GLOBAL_REGION } from '../app-context.ts';
import type { RawResponse, TlsInfo } from '../aws/request.ts';
import { Sha256 } from '../aws/sha256.ts';
import { uriEncode } from '../aws/sigv4.ts';
import type { Pipeline } from '../pipeline.ts';
import type { Operation, Service } from '../services/service.ts';
import type { ApiCredentials } from './sessions.ts';

export interface BrowserFacts {
  sourceIp: string;
  userAgent?: string;
  tls?: TlsInfo;
}

/** An error the API answered, passed to the browser as-is (code and message). */
export class ApiError extends Error {
  constructor(
    readonly code: string,
    message: string,
    readonly status: number,
  ) {
    super(message);
  }
}

/** How the console reaches one service: awsJson services name their target prefix. */
export interface ConsoleService {
  service: Service;
  targetPrefix?: string;
  /** Operations the console may call. */
  allowed: ReadonlySet<string>;
}

const HOST = 'console.opentrail.internal';

export class ConsoleApi {
  private readonly services: Map<string, ConsoleService>;

  constructor(
    private readonly pipeline: Pipeline,
    services: Record<string, ConsoleService>,
  ) {
    this.services = new Map(Object.entries(services));
  }

  /** Calls `operation` of `service` as the session; resolves with its output, or throws ApiError. */
  async call(serviceName: string, operationName: string, input: Record<string, unknown>, credentials: ApiCredentials, browser: BrowserFacts, region = GLOBAL_REGION): Promise<Record<string, unknown>> {
    const entry = this.services.get(serviceName);
    const operation = entry?.allowed.has(operationName) ? entry.service.operations.get(operationName) : undefined;
    if (!entry || !operation) throw new ApiError('UnknownOperationException', `The console does not call ${serviceName}:${operationName}.`, 404);
    const request = entry.targetPrefix ? awsJsonRequest(entry.targetPrefix, operation, input) : restJsonRequest(operation, input);
    const signer = new SignatureV4({ credentials, region, service: entry.service.signingName, sha256: Sha256, applyChecksum: false });
    const signed = await signer.sign({ protocol: 'http:', hostname: HOST, ...request, headers: { host: HOST, ...request.headers } });
    const headers: Record<string, string> = {};
    for (const [k, v] of Object.entries(signed.headers)) headers[k.toLowerCase()] = v;
    // The browser's user agent is what the record shows (it is not a signed header).
    if (browser.userAgent !== undefined) headers['user-agent'] = browser.userAgent;
    else delete headers['user-agent'];
    const response = await this.pipeline.handle({
      method: request.method,
      rawPath: request.path,
      rawQuery: Object.entries(request.query).flatMap(([k, vs]) => vs.map((v) => `${uriEncode(k)}=${uriEncode(v)}`)).join('&'),
      headers,
      body: Buffer.from(request.body ?? ''),
      sourceIp: browser.sourceIp,
      tls: browser.tls,
    });
    return decode(response);
  }
}

interface Unsigned {
  method: string;
  path: string;
  query: Record<string, string[]>;
  headers: Record<string, string>;
  body?: string;
}

function awsJsonRequest(targetPrefix: string, operation: Operation, input: Record<string, unknown>): Unsigned {
  return {
    method: 'POST',
    path: '/',
    query: {},
    headers: { 'content-type': 'application/x-amz-json-1.1', 'x-amz-target': `${targetPrefix}.${operation.name}` },
    body: JSON.stringify(input),
  };
}

/** Path labels and query members from the operation's model; the rest is the JSON body. */
function restJsonRequest(operation: Operation, input: Record<string, unknown>): Unsigned {
  const [template, literal = ''] = operation.http!.uri.split('?');
  const query: Record<string, string[]> = {};
  for (const kv of literal.split('&').filter(Boolean)) {
    const [k, v = ''] = kv.split('=');
    query[k] = [v];
  }
  const body: Record<string, unknown> = {};
  for (const [name, member] of Object.entries(operation.input.members)) {
    const value = input[name];
    if (value === undefined || member.label) continue;
    if (member.query) query[member.query] = (Array.isArray(value) ? value : [value]).map(String);
    else body[name] = value;
  }
  const path = template.replace(/\{(\w+)\}/g, (_, name: string) => uriEncode(String(input[name] ?? '')));
  const hasBody = Object.keys(body).length > 0;
  return { method: operation.http!.method, path, query, headers: hasBody ? { 'content-type': 'application/json' } : {}, body: hasBody ? JSON.stringify(body) : undefined };
}

function decode(response: RawResponse): Record<string, unknown> {
  let body: Record<string, unknown> = {};
  try {
    body = response.body ? (JSON.parse(response.body) as Record<string, unknown>) : {};
  } catch {
    /* not JSON: only an error status tells more */
  }
  if (response.status < 300) return body;
  const type = response.headers['x-amzn-errortype'] ?? String(body.__type ?? 'UnknownError');
  const message = String(body.Message ?? body.message ?? '');
  throw new ApiError(type.split(':')[0], message, response.status);
}
