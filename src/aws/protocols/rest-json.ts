// REST-JSON (Chime): the operation is the HTTP method, the path template and, for several
// routes, a literal query parameter such as `?operation=add`. Labels are single path segments;
// query members use their wire names; the rest of the input is the JSON body.
import { FrontDoorError, unknownOperation } from '../errors.ts';
import type { ServiceError } from '../errors.ts';
import type { RawRequest, RawResponse } from '../request.ts';
import { safeDecode } from '../request.ts';
import { TypeMismatch } from '../shapes.ts';
import type { Shape } from '../shapes.ts';
import type { Protocol } from './protocol.ts';
import { stringifyWith } from './protocol.ts';
import type { Operation, Service } from '../../services/service.ts';

interface Route {
  operation: Operation;
  method: string;
  /** Literal segments, or `{Name}` for a label. */
  segments: string[];
  literalQuery: [string, string][];
}

const splitPath = (rawPath: string) => rawPath.split('/').slice(1).map(safeDecode);

export class RestJsonProtocol implements Protocol {
  readonly name = 'restJson1';
  private readonly routes = new WeakMap<Service, Route[]>();

  private routesOf(service: Service): Route[] {
    let routes = this.routes.get(service);
    if (!routes) {
      routes = [...service.operations.values()]
        .filter((op) => op.http)
        .map((op) => {
          const [path, qs = ''] = op.http!.uri.split('?');
          return {
            operation: op,
            method: op.http!.method,
            segments: path.split('/').slice(1),
            literalQuery: qs ? qs.split('&').map((kv) => kv.split('=') as [string, string]) : [],
          };
        })
        // Routes with literal query parameters are more specific and are tried first.
        .sort((a, b) => b.literalQuery.length - a.literalQuery.length);
      this.routes.set(service, routes);
    }
    return routes;
  }

  route(service: Service, req: RawRequest, query: Map<string, string[]>): Operation {
    const segments = splitPath(req.rawPath);
    const onPath = this.routesOf(service).filter(
      (r) => r.method === req.method && r.segments.length === segments.length && r.segments.every((s, i) => s.startsWith('{') || s === segments[i]),
    );
    const found = onPath.find((r) => r.literalQuery.every(([k, v]) => query.get(k)?.[0] === v));
    // `?operation=bogus` on a path whose routes use `operation` must not fall back to the plain route.
    const literalNames = new Set(onPath.flatMap((r) => r.literalQuery.map(([k]) => k)));
    if (!found || (found.literalQuery.length === 0 && [...literalNames].some((k) => query.has(k)))) {
      throw new FrontDoorError('UnknownOperationException', 'InvalidAction', `No operation matches ${req.method} ${req.rawPath}`, 404);
    }
    return found.operation;
  }

  decode(operation: Operation, req: RawRequest, query: Map<string, string[]>): Record<string, unknown> {
    const params: Record<string, unknown> = {};
    const text = req.body.toString('utf8');
    if (text.trim() !== '') {
      let body: unknown;
      try {
        body = JSON.parse(text);
      } catch {
        throw new TypeMismatch('body', 'JSON object');
      }
      if (typeof body !== 'object' || body === null || Array.isArray(body)) throw new TypeMismatch('body', 'JSON object');
      for (const [name, member] of Object.entries(operation.input.members)) {
        if (!member.label && !member.query && name in body) params[name] = (body as Record<string, unknown>)[name];
      }
    }
    const template = operation.http!.uri.split('?')[0].split('/').slice(1);
    const segments = splitPath(req.rawPath);
    template.forEach((t, i) => {
      if (t.startsWith('{')) params[t.slice(1, -1)] = segments[i];
    });
    for (const [name, member] of Object.entries(operation.input.members)) {
      const values = member.query ? query.get(member.query) : undefined;
      if (values) params[name] = fromQuery(member.shape, values, member.query!);
    }
    return params;
  }

  success(operation: Operation, output: unknown, requestId: string): RawResponse {
    const status = operation.http?.status ?? 200;
    const headers = { 'content-type': 'application/json', 'x-amzn-requestid': requestId };
    if (status === 204) return { status, headers, body: '' };
    return { status, headers, body: stringifyWith(output ?? {}, (d) => d.toISOString()) };
  }

  error(err: ServiceError, requestId: string): RawResponse {
    const code = err instanceof FrontDoorError ? err.jsonCode : err.code;
    // Front-door errors carry a lower-case `message` (as AWS sends them); modelled errors
    // carry their own members (Chime: `Code` and `Message`).
    const body = err instanceof FrontDoorError ? { message: err.message } : { ...err.fields, Message: err.message };
    return {
      status: err.status,
      headers: { 'content-type': 'application/json', 'x-amzn-requestid': requestId, 'x-amzn-errortype': code },
      body: JSON.stringify(body),
    };
  }
}

function fromQuery(shape: Shape, values: string[], wireName: string): unknown {
  const value = values[0];
  switch (shape.kind) {
    case 'integer': {
      if (!/^-?\d+$/.test(value)) throw new TypeMismatch(wireName, 'integer');
      return Number(value);
    }
    case 'boolean':
      if (value !== 'true' && value !== 'false') throw new TypeMismatch(wireName, 'boolean');
      return value === 'true';
    case 'list':
      return values;
    default:
      return value;
  }
}
