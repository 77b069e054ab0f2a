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

/** JSON with timestamps written by the given function (protocols differ on that). */
export function stringifyWith(value: unknown, date: (d: Date) => string | number): string {
  return JSON.stringify(value, function (this: Record<string, unknown>, key: string, v: unknown) {
    const raw = this[key];
    if (raw instanceof Date) return date(raw);
    if (raw instanceof Uint8Array) return Buffer.from(raw).toString('base64');
    return v;
  });
}
