// The CloudTrail API (awsJson1_1, CloudTrail_20131101).
import { serializationError } from '../../aws/errors.ts';
import { AwsJsonProtocol } from '../../aws/protocols/aws-json.ts';
import { TypeMismatch } from '../../aws/shapes.ts';
import { operationMap } from '../service.ts';
import type { Service } from '../service.ts';
import { AccessDeniedException, InvalidEventCategoryException, InvalidLookupAttributesException, InvalidMaxResultsException, InvalidParameterException } from './errors.ts';
import { LookupEvents } from './lookup-events.ts';
import { ListPublicKeys } from './list-public-keys.ts';
import { GetEventSelectors, PutEventSelectors } from './event-selectors.ts';
import { GetInsightSelectors, PutInsightSelectors } from './insight-selectors.ts';
import { AddTags, ListTags, RemoveTags } from './tags.ts';
import { CreateTrail, DeleteTrail, DescribeTrails, GetTrail, GetTrailStatus, ListTrails, StartLogging, StopLogging, UpdateTrail } from './trails.ts';

export const cloudtrail: Service = {
  signingName: 'cloudtrail',
  eventSource: 'cloudtrail.amazonaws.com',
  protocol: new AwsJsonProtocol(['CloudTrail_20131101']),
  operations: operationMap([
    LookupEvents,
    CreateTrail,
    UpdateTrail,
    DeleteTrail,
    GetTrail,
    DescribeTrails,
    ListTrails,
    GetTrailStatus,
    StartLogging,
    StopLogging,
    PutEventSelectors,
    GetEventSelectors,
    PutInsightSelectors,
    GetInsightSelectors,
    AddTags,
    RemoveTags,
    ListTags,
    ListPublicKeys,
  ]),
  accessDenied: (message) => new AccessDeniedException(message),
  invalidInput(violation) {
    // awsJson services answer a member of the wrong JSON type as a serialization error.
    if (violation instanceof TypeMismatch) return serializationError(violation.message);
    // CloudTrail names the member in the error type where it has one.
    const member = violation.member.split('.')[0];
    if (member === 'maxResults') return new InvalidMaxResultsException(violation.message);
    if (member === 'lookupAttributes') return new InvalidLookupAttributesException(violation.message);
    if (member === 'eventCategory') return new InvalidEventCategoryException(violation.message);
    return new InvalidParameterException(violation.message);
  },
};
