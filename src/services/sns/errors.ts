// SNS's modelled errors (query protocol codes) with their HTTP statuses.
import { errorClass as error } from '../../aws/errors.ts';

export const NotFound = error('NotFound', 404);
export const InvalidParameter = error('InvalidParameter', 400);
export const AuthorizationError = error('AuthorizationError', 403);
