// CloudTrail's modelled errors (the shape name is the wire code), with their HTTP statuses.
import { errorClass as error } from '../../aws/errors.ts';

export const InvalidLookupAttributesException = error('InvalidLookupAttributesException', 400);
export const InvalidTimeRangeException = error('InvalidTimeRangeException', 400);
export const InvalidMaxResultsException = error('InvalidMaxResultsException', 400);
export const InvalidNextTokenException = error('InvalidNextTokenException', 400);
export const InvalidEventCategoryException = error('InvalidEventCategoryException', 400);
export const InvalidParameterException = error('InvalidParameterException', 400);
export const AccessDeniedException = error('AccessDeniedException', 403);
export const InvalidTokenException = error('InvalidTokenException', 400);
// Trails.
export const TrailNotFoundException = error('TrailNotFoundException', 404);
export const TrailAlreadyExistsException = error('TrailAlreadyExistsException', 400);
export const InvalidTrailNameException = error('InvalidTrailNameException', 400);
export const CloudTrailARNInvalidException = error('CloudTrailARNInvalidException', 400);
export const InvalidHomeRegionException = error('InvalidHomeRegionException', 400);
export const MaximumNumberOfTrailsExceededException = error('MaximumNumberOfTrailsExceededException', 403);
export const S3BucketDoesNotExistException = error('S3BucketDoesNotExistException', 404);
export const InsufficientS3BucketPolicyException = error('InsufficientS3BucketPolicyException', 403);
export const InvalidS3BucketNameException = error('InvalidS3BucketNameException', 400);
export const InvalidS3PrefixException = error('InvalidS3PrefixException', 400);
export const InsufficientSnsTopicPolicyException = error('InsufficientSnsTopicPolicyException', 403);
export const InvalidSnsTopicNameException = error('InvalidSnsTopicNameException', 400);
export const InvalidParameterCombinationException = error('InvalidParameterCombinationException', 400);
export const InvalidEventSelectorsException = error('InvalidEventSelectorsException', 400);
export const InvalidInsightSelectorsException = error('InvalidInsightSelectorsException', 400);
export const InsightNotEnabledException = error('InsightNotEnabledException', 400);
export const ResourceNotFoundException = error('ResourceNotFoundException', 400);
export const TagsLimitExceededException = error('TagsLimitExceededException', 400);
export const InvalidTagParameterException = error('InvalidTagParameterException', 400);
export const InvalidCloudWatchLogsLogGroupArnException = error('InvalidCloudWatchLogsLogGroupArnException', 400);
export const InvalidCloudWatchLogsRoleArnException = error('InvalidCloudWatchLogsRoleArnException', 400);
export const OrganizationsNotInUseException = error('OrganizationsNotInUseException', 404);
export const KmsKeyNotFoundException = error('KmsKeyNotFoundException', 400);
