// SNS's modelled errors (query protocol codes) with their HTTP statuses.
import { ServiceError } from '../../aws/errors.ts';

const error = (code: string, status: number) =>
  class extends ServiceError {
    constructor(message: string) {
      super(code, message, status);
    }
  };

export const NotFound = error('NotFound', 404);
export const InvalidParameter = error('InvalidParameter', 400);
export const AuthorizationError = error('AuthorizationError', 403);
