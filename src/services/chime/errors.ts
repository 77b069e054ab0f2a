// Chime's modelled errors: the `x-amzn-ErrorType` names, their HTTP statuses, and the `Code`
// enum value each carries in the body.
import { ServiceError } from '../../aws/errors.ts';

export class ChimeError extends ServiceError {
  constructor(type: string, code: string, status: number, message: string) {
    super(type, message, status, { Code: code });
  }
}

export class BadRequestException extends ChimeError {
  /** `code` is the body's ErrorCode, more precise than BadRequest for some rules. */
  constructor(message: string, code: 'BadRequest' | 'PhoneNumberAssociationsExist' = 'BadRequest') {
    super('BadRequestException', code, 400, message);
  }
}
export class ForbiddenException extends ChimeError {
  constructor(message = 'AWS authorization failed') {
    super('ForbiddenException', 'Forbidden', 403, message);
  }
}
export class NotFoundException extends ChimeError {
  constructor(message: string) {
    super('NotFoundException', 'NotFound', 404, message);
  }
}
export class ConflictException extends ChimeError {
  constructor(message = 'Request could not be completed due to a conflict') {
    super('ConflictException', 'Conflict', 409, message);
  }
}
export class UnprocessableEntityException extends ChimeError {
  constructor(message: string) {
    super('UnprocessableEntityException', 'Unprocessable', 422, message);
  }
}
export class ResourceLimitExceededException extends ChimeError {
  constructor(message: string) {
    super('ResourceLimitExceededException', 'ResourceLimitExceeded', 400, message);
  }
}
export class AccessDeniedException extends ChimeError {
  constructor(message: string) {
    super('AccessDeniedException', 'AccessDenied', 403, message);
  }
}
