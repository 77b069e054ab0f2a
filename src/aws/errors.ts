// Every error a client can see is a ServiceError: an AWS error code, a message and an HTTP
// status. Protocols decide how it is written on the wire; services define named subclasses.

export class ServiceError extends Error {
  /** The error's name on the wire (`__type`, `x-amzn-ErrorType`, `<Code>`). */
  readonly code: string;
  readonly status: number;
  /** Extra members some protocols put in the body (Chime's `Code` enum, for instance). */
  readonly fields: Record<string, string>;

  constructor(code: string, message: string, status: number, fields: Record<string, string> = {}) {
    super(message);
    this.code = code;
    this.status = status;
    this.fields = fields;
  }
}

/**
 * Front-door errors (authentication, routing, serialization). Their names differ by protocol
 * family: JSON protocols use the `...Exception` name, query protocols the short one.
 */
export class FrontDoorError extends ServiceError {
  constructor(
    readonly jsonCode: string,
    readonly queryCode: string,
    message: string,
    status: number,
    readonly queryStatus: number = status,
  ) {
    super(jsonCode, message, status);
  }
}

export const missingAuthentication = () =>
  new FrontDoorError('MissingAuthenticationTokenException', 'MissingAuthenticationToken', 'Missing Authentication Token', 403);

export const incompleteSignature = (message: string) =>
  new FrontDoorError('IncompleteSignatureException', 'IncompleteSignature', message, 400);

export const invalidSignature = (message: string) =>
  new FrontDoorError('InvalidSignatureException', 'SignatureDoesNotMatch', message, 403);

export const signatureMismatch = () =>
  invalidSignature(
    'The request signature we calculated does not match the signature you provided. Check your AWS Secret Access Key and signing method. Consult the service documentation for details.',
  );

export const unrecognizedClient = () =>
  new FrontDoorError('UnrecognizedClientException', 'InvalidClientTokenId', 'The security token included in the request is invalid.', 403);

export const expiredToken = () =>
  new FrontDoorError('ExpiredTokenException', 'ExpiredToken', 'The security token included in the request is expired', 403);

export const unknownOperation = (message = 'The requested operation is not supported by this service.') =>
  new FrontDoorError('UnknownOperationException', 'InvalidAction', message, 400);

export const serializationError = (message: string) =>
  new FrontDoorError('SerializationException', 'MalformedQueryString', message, 400);

export const internalFailure = () =>
  new FrontDoorError('InternalFailure', 'InternalFailure', 'The request processing has failed because of an unknown error, exception or failure.', 500);

export const throttling = (message = 'Rate exceeded') => new FrontDoorError('ThrottlingException', 'Throttling', message, 429, 400);

/** A named modelled error of a service: its wire code and HTTP status, constructed with a message. */
export const errorClass = (code: string, status: number) =>
  class extends ServiceError {
    constructor(message: string) {
      super(code, message, status);
    }
  };
