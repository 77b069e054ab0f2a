// CloudTrail's modelled errors (the shape name is the wire code), with their HTTP statuses.
import { ServiceError } from '../../aws/errors.ts';

const error = (code: string, status: number) =>
  class extends ServiceError {
    constructor(message: string) {
      super(code, message, status);
    }
  };

export const InvalidLookupAttributesException = error('InvalidLookupAttributesException', 400);
export const InvalidTimeRangeException = error('InvalidTimeRangeException', 400);
export const InvalidMaxResultsException = error('InvalidMaxResultsException', 400);
export const InvalidNextTokenException = error('InvalidNextTokenException', 400);
export const InvalidEventCategoryException = error('InvalidEventCategoryException', 400);
export const InvalidParameterException = error('InvalidParameterException', 400);
export const AccessDeniedException = error('AccessDeniedException', 400);
