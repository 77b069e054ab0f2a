// IAM's modelled errors (query protocol codes) with their HTTP statuses.
import { errorClass as error } from '../../aws/errors.ts';

export const NoSuchEntity = error('NoSuchEntity', 404);
export const EntityAlreadyExists = error('EntityAlreadyExists', 409);
export const DeleteConflict = error('DeleteConflict', 409);
export const LimitExceeded = error('LimitExceeded', 409);
export const MalformedPolicyDocument = error('MalformedPolicyDocument', 400);
export const InvalidInput = error('InvalidInput', 400);
export const ValidationError = error('ValidationError', 400);
export const PasswordPolicyViolation = error('PasswordPolicyViolation', 400);
export const InvalidAuthenticationCode = error('InvalidAuthenticationCode', 403);
export const AccessDenied = error('AccessDenied', 403);
