// A wire protocol: finds the operation a request is for, extracts its raw parameters, and
// writes results and errors the way the official clients read them. Protocols know nothing of
// business rules.
import type { Operation, Service } from '../../services/service.ts';
import type { ServiceError } from '../errors.ts';
import type { RawRequest, RawResponse } from '../request.ts';

export interface Protocol {
  readonly name: string;
  /** The operation a request is for; throws a front-door error when none matches. */
  route(service: Service, req: RawRequest, query: Map<string, string[]>): Operation;
  /**
   * The request's parameters keyed by model member name, not yet validated. Throws TypeMismatch
   * when the body cannot be read, which the service reports as its own input error.
   */
  decode(operation: Operation, req: RawRequest, query: Map<string, string[]>): Record<string, unknown>;
  success(operation: Operation, output: unknown, requestId: string): RawResponse;
  error(err: ServiceError, requestId: string): RawResponse;
}

/** JSON with timestamps written by the given function (protocols differ on that) and blobs in base64. */
export function stringifyWith(value: unknown, date: (d: Date) => string | number): string {
  return JSON.stringify(onTheWire(value, date));
}

/**
 * The value with its timestamps and blobs as the wire writes them, copying only the objects and
 * arrays that hold one: the rest is shared, so that a LookupEvents page does not copy every
 * event's resources. JSON.stringify with a replacer function calls it for every member and
 * leaves V8's fast path: a page of 50 events took ~1.5 times as long to write that way.
 */
function onTheWire(value: unknown, date: (d: Date) => string | number): unknown {
  if (value === null || typeof value !== 'object') return value;
  if (value instanceof Date) return date(value);
  if (value instanceof Uint8Array) return Buffer.from(value).toString('base64');
  if (Array.isArray(value)) {
    let copy: unknown[] | undefined;
    for (let i = 0; i < value.length; i++) {
      const v = onTheWire(value[i], date);
      if (v !== value[i]) (copy ??= value.slice())[i] = v;
    }
    return copy ?? value;
  }
  const record = value as Record<string, unknown>;
  let copy: Record<string, unknown> | undefined;
  for (const key of Object.keys(record)) {
    const v = onTheWire(record[key], date);
    if (v !== record[key]) (copy ??= { ...record })[key] = v;
  }
  return copy ?? value;
}
