// AWS JSON 1.1 (CloudTrail): POST / with the operation in X-Amz-Target, JSON in and out,
// timestamps as epoch seconds, errors as {"__type", "Message"}.
import { FrontDoorError, serializationError, unknownOperation } from '../errors.ts';
import type { ServiceError } from '../errors.ts';
import type { RawRequest, RawResponse } from '../request.ts';
import type { Protocol } from './protocol.ts';
import { stringifyWith } from './protocol.ts';
import type { Operation, Service } from '../../services/service.ts';

export class AwsJsonProtocol implements Protocol {
  readonly name = 'awsJson1_1';
  /** @param targetPrefix the service's target prefix, e.g. `CloudTrail_20131101` */
  constructor(private readonly targetPrefixes: readonly string[]) {}

  route(service: Service, req: RawRequest): Operation {
    const target = req.headers['x-amz-target'];
    if (req.method !== 'POST' || !target) throw unknownOperation();
    const dot = target.lastIndexOf('.');
    const prefix = target.slice(0, dot);
    const operation = service.operations.get(target.slice(dot + 1));
    // Both `Prefix.Op` (current JS SDK) and `com.amazonaws...Prefix.Op` (botocore) are sent.
    if (!operation || !this.targetPrefixes.some((p) => prefix === p || prefix.endsWith(`.${p}`))) {
      throw unknownOperation();
    }
    return operation;
  }

  decode(_operation: Operation, req: RawRequest): Record<string, unknown> {
    const text = req.body.toString('utf8');
    let params: unknown = {};
    if (text.trim() !== '') {
      try {
        params = JSON.parse(text);
      } catch {
        throw serializationError('Start of structure or map found where not expected, or the body is not valid JSON.');
      }
    }
    if (typeof params !== 'object' || params === null || Array.isArray(params)) {
      throw serializationError('The request body must be a JSON object.');
    }
    return params as Record<string, unknown>;
  }

  success(_operation: Operation, output: unknown, requestId: string): RawResponse {
    return {
      status: 200,
      headers: { 'content-type': 'application/x-amz-json-1.1', 'x-amzn-requestid': requestId },
      body: stringifyWith(output ?? {}, (d) => d.getTime() / 1000),
    };
  }

  error(err: ServiceError, requestId: string): RawResponse {
    const code = err instanceof FrontDoorError ? err.jsonCode : err.code;
    return {
      status: err.status,
      headers: { 'content-type': 'application/x-amz-json-1.1', 'x-amzn-requestid': requestId, 'x-amzn-errortype': code },
      body: JSON.stringify({ __type: code, Message: err.message }),
    };
  }
}
