// Trails: CreateTrail, UpdateTrail, DeleteTrail, GetTrail, DescribeTrails, ListTrails,
// GetTrailStatus, StartLogging, StopLogging.
import type {
  CreateTrailRequest,
  CreateTrailResponse,
  DeleteTrailRequest,
  DeleteTrailResponse,
  DescribeTrailsRequest,
  DescribeTrailsResponse,
  GetTrailRequest,
  GetTrailResponse,
  GetTrailStatusRequest,
  GetTrailStatusResponse,
  ListTrailsRequest,
  ListTrailsResponse,
  StartLoggingRequest,
  StartLoggingResponse,
  StopLoggingRequest,
  StopLoggingResponse,
  UpdateTrailRequest,
  UpdateTrailResponse,
} from '@aws-sdk/client-cloudtrail';
import { isoSeconds } from '../../aws/timestamps.ts';
import { boolean, list, required, string, structure } from '../../aws/shapes.ts';
import { digestStatus } from '../../integrity/chains.ts';
import { checkBucket, checkTopic } from '../../trails/checks.ts';
import { deleteState, getState, startDelivery, stopDelivery } from '../../trails/delivery-state.ts';
import { allTrails, deleteTrailDoc, MAX_TRAILS_PER_REGION, putTrail, trailArn, trailResponse, trailView, visibleIn } from '../../trails/model.ts';
import type { TrailDoc } from '../../trails/model.ts';
import { checkTrailName, findTrail, isArn, requireHomeTrail, requireTrail } from '../../trails/resolve.ts';
import { defineOperation } from '../service.ts';
import type { CallScope, OperationContext } from '../service.ts';
import {
  InvalidCloudWatchLogsLogGroupArnException,
  InvalidCloudWatchLogsRoleArnException,
  InvalidParameterCombinationException,
  KmsKeyNotFoundException,
  MaximumNumberOfTrailsExceededException,
  OrganizationsNotInUseException,
  TagsLimitExceededException,
  TrailAlreadyExistsException,
} from './errors.ts';
import { TagsList, TrailNameOrArn, trailResource } from './shapes.ts';

const MAX_TAGS = 50;

/** The ARN a call names (for Event history), whether it gave a name or an ARN. */
export const arnOf = (scope: CallScope, nameOrArn: string | undefined) =>
  nameOrArn === undefined ? undefined : isArn(nameOrArn) ? nameOrArn : trailArn(scope.region, scope.accountId, nameOrArn);
const named = (input: { Name?: string }, _output: unknown, scope: CallScope) => trailResource(arnOf(scope, input.Name));

/**
 * The resource IAM policies see for a call on a trail: the trail's own ARN (its home region's,
 * also from a shadow region), or, for a trail not found, the ARN the name has here.
 */
export async function trailPolicyArn(ctx: OperationContext, nameOrArn: string | undefined): Promise<string> {
  if (nameOrArn === undefined) return '*';
  // A malformed name is refused by the handler, after the policy check.
  const trail = await findTrail(ctx.tx, ctx.accountId, ctx.region, nameOrArn).catch(() => undefined);
  return trail?.TrailARN ?? arnOf(ctx, nameOrArn)!;
}
const namedForPolicy = (input: { Name?: string }, ctx: OperationContext) => trailPolicyArn(ctx, input.Name);

const destination = {
  S3BucketName: string(),
  S3KeyPrefix: string(),
  SnsTopicName: string(),
  IncludeGlobalServiceEvents: boolean(),
  IsMultiRegionTrail: boolean(),
  EnableLogFileValidation: boolean(),
  CloudWatchLogsLogGroupArn: string(),
  CloudWatchLogsRoleArn: string(),
  KmsKeyId: string(),
  IsOrganizationTrail: boolean(),
};

const trailOutput = structure({
  Name: string(),
  S3BucketName: string(),
  S3KeyPrefix: string(),
  SnsTopicName: string(),
  SnsTopicARN: string(),
  IncludeGlobalServiceEvents: boolean(),
  IsMultiRegionTrail: boolean(),
  TrailARN: string(),
  LogFileValidationEnabled: boolean(),
  CloudWatchLogsLogGroupArn: string(),
  CloudWatchLogsRoleArn: string(),
  KmsKeyId: string(),
  IsOrganizationTrail: boolean(),
});

const Trail = structure({ ...trailOutput.members, HomeRegion: string(), HasCustomEventSelectors: boolean(), HasInsightSelectors: boolean() });

/** A trail's rules that hold whatever set them: global events on multi-region trails, no organizations. */
function checkCombination(t: TrailDoc): void {
  if (t.IsMultiRegionTrail && !t.IncludeGlobalServiceEvents) {
    throw new InvalidParameterCombinationException('Multi-Region trail must include global service events.');
  }
  if (t.IsOrganizationTrail) throw new OrganizationsNotInUseException('This account is not part of an organization in AWS Organizations.');
}

/**
 * opentrail serves no KMS and no CloudWatch Logs, so a key or a log group given to a trail names
 * none that exists: refused as AWS refuses a missing one, rather than kept while the log files
 * go unencrypted and undelivered there. An empty value clears the setting (UpdateTrail).
 */
function refuseUnserved(input: { KmsKeyId?: string; CloudWatchLogsLogGroupArn?: string; CloudWatchLogsRoleArn?: string }): void {
  if (input.KmsKeyId) throw new KmsKeyNotFoundException(`KMS key not found: ${input.KmsKeyId}. opentrail has no KMS: log files are encrypted only as their bucket encrypts what it stores.`);
  if (input.CloudWatchLogsLogGroupArn) throw new InvalidCloudWatchLogsLogGroupArnException(`Log group not found: ${input.CloudWatchLogsLogGroupArn}. opentrail does not deliver to CloudWatch Logs.`);
  if (input.CloudWatchLogsRoleArn) throw new InvalidCloudWatchLogsRoleArnException(`A CloudWatch Logs role needs a log group, and opentrail does not deliver to CloudWatch Logs.`);
}

/** Names are unique among the trails a region sees; a multi-region trail's name in every region. */
function assertNameFree(trails: TrailDoc[], t: TrailDoc, self?: TrailDoc): void {
  const clash = trails.find((o) => o.TrailARN !== self?.TrailARN && o.Name === t.Name && (t.IsMultiRegionTrail || visibleIn(o, t.HomeRegion)));
  if (clash) throw new TrailAlreadyExistsException(`Trail ${t.Name} already exists for customer: ${t.AccountId}`);
}

export const CreateTrail = defineOperation<CreateTrailRequest, CreateTrailResponse>({
  name: 'CreateTrail',
  readOnly: false,
  input: structure({ Name: required(string()), ...destination, S3BucketName: required(string()), TagsList }),
  output: trailOutput,
  async handler(ctx, input) {
    const name = input.Name!;
    checkTrailName(name);
    refuseUnserved(input);
    const trails = await allTrails(ctx.tx, ctx.accountId);
    const trail: TrailDoc = {
      Name: name,
      AccountId: ctx.accountId,
      HomeRegion: ctx.region,
      TrailARN: trailArn(ctx.region, ctx.accountId, name),
      S3BucketName: input.S3BucketName!,
      S3KeyPrefix: input.S3KeyPrefix || undefined,
      IncludeGlobalServiceEvents: input.IncludeGlobalServiceEvents ?? true,
      IsMultiRegionTrail: input.IsMultiRegionTrail ?? false,
      LogFileValidationEnabled: input.EnableLogFileValidation ?? false,
      IsOrganizationTrail: input.IsOrganizationTrail ?? false,
      Tags: input.TagsList ?? [],
      IsLogging: false,
    };
    assertNameFree(trails, trail);
    if (trails.filter((t) => visibleIn(t, ctx.region)).length >= MAX_TRAILS_PER_REGION) {
      throw new MaximumNumberOfTrailsExceededException(`User: ${ctx.accountId} already has ${MAX_TRAILS_PER_REGION} trails in ${ctx.region}.`);
    }
    checkCombination(trail);
    if (trail.Tags.length > MAX_TAGS) throw new TagsLimitExceededException(`The number of tags on the resource exceeds the limit of ${MAX_TAGS}.`);
    if (input.SnsTopicName) trail.SnsTopicARN = await checkTopic(ctx.tx, input.SnsTopicName, ctx.accountId, ctx.region);
    await checkBucket(ctx.app, trail.S3BucketName, trail.S3KeyPrefix, ctx.accountId);
    await putTrail(ctx.tx, trail);
    return trailResponse(trail);
  },
  lookupResources: (input, output, scope) => trailResource(output?.TrailARN ?? arnOf(scope, input.Name)),
  resourceArn: (input, ctx) => arnOf(ctx, input.Name) ?? '*',
});

export const UpdateTrail = defineOperation<UpdateTrailRequest, UpdateTrailResponse>({
  name: 'UpdateTrail',
  readOnly: false,
  input: structure({ Name: TrailNameOrArn, ...destination }),
  output: trailOutput,
  async handler(ctx, input) {
    const old = await requireHomeTrail(ctx.tx, ctx.accountId, ctx.region, input.Name!);
    refuseUnserved(input);
    const trail: TrailDoc = {
      ...old,
      S3BucketName: input.S3BucketName ?? old.S3BucketName,
      S3KeyPrefix: input.S3KeyPrefix === undefined ? old.S3KeyPrefix : input.S3KeyPrefix || undefined,
      IncludeGlobalServiceEvents: input.IncludeGlobalServiceEvents ?? old.IncludeGlobalServiceEvents,
      IsMultiRegionTrail: input.IsMultiRegionTrail ?? old.IsMultiRegionTrail,
      LogFileValidationEnabled: input.EnableLogFileValidation ?? old.LogFileValidationEnabled,
      IsOrganizationTrail: input.IsOrganizationTrail ?? old.IsOrganizationTrail,
      CloudWatchLogsLogGroupArn: input.CloudWatchLogsLogGroupArn === undefined ? old.CloudWatchLogsLogGroupArn : undefined,
      CloudWatchLogsRoleArn: input.CloudWatchLogsRoleArn === undefined ? old.CloudWatchLogsRoleArn : undefined,
      KmsKeyId: input.KmsKeyId === undefined ? old.KmsKeyId : undefined,
    };
    if (input.SnsTopicName !== undefined) trail.SnsTopicARN = input.SnsTopicName ? await checkTopic(ctx.tx, input.SnsTopicName, ctx.accountId, ctx.region) : undefined;
    checkCombination(trail);
    if (trail.IsMultiRegionTrail && !old.IsMultiRegionTrail) assertNameFree(await allTrails(ctx.tx, ctx.accountId), trail, old);
    if (input.S3BucketName !== undefined || input.S3KeyPrefix !== undefined) await checkBucket(ctx.app, trail.S3BucketName, trail.S3KeyPrefix, ctx.accountId);
    await putTrail(ctx.tx, trail);
    return trailResponse(trail);
  },
  lookupResources: named,
  resourceArn: namedForPolicy,
});

export const DeleteTrail = defineOperation<DeleteTrailRequest, DeleteTrailResponse>({
  name: 'DeleteTrail',
  readOnly: false,
  input: structure({ Name: TrailNameOrArn }),
  async handler(ctx, input) {
    const trail = await requireHomeTrail(ctx.tx, ctx.accountId, ctx.region, input.Name!);
    await deleteTrailDoc(ctx.tx, trail);
    await deleteState(ctx.tx, trail);
    return {};
  },
  lookupResources: named,
  resourceArn: namedForPolicy,
});

export const GetTrail = defineOperation<GetTrailRequest, GetTrailResponse>({
  name: 'GetTrail',
  readOnly: true,
  input: structure({ Name: TrailNameOrArn }),
  output: structure({ Trail }),
  async handler(ctx, input) {
    return { Trail: trailView(await requireTrail(ctx.tx, ctx.accountId, ctx.region, input.Name!)) };
  },
  lookupResources: named,
  resourceArn: namedForPolicy,
});

export const DescribeTrails = defineOperation<DescribeTrailsRequest, DescribeTrailsResponse>({
  name: 'DescribeTrails',
  readOnly: true,
  input: structure({ trailNameList: list(string()), includeShadowTrails: boolean() }),
  output: structure({ trailList: list(Trail) }),
  async handler(ctx, input) {
    const shadows = input.includeShadowTrails ?? true;
    const names = input.trailNameList ?? [];
    let trails: TrailDoc[];
    if (names.length === 0) {
      trails = (await allTrails(ctx.tx, ctx.accountId)).filter((t) => visibleIn(t, ctx.region));
    } else {
      // Unknown names are left out, not errors.
      const found = await Promise.all(names.map((n) => findTrail(ctx.tx, ctx.accountId, ctx.region, n)));
      trails = [...new Map(found.filter((t): t is TrailDoc => !!t).map((t) => [t.TrailARN, t])).values()];
    }
    if (!shadows) trails = trails.filter((t) => t.HomeRegion === ctx.region);
    return { trailList: trails.map(trailView) };
  },
});

export const ListTrails = defineOperation<ListTrailsRequest, ListTrailsResponse>({
  name: 'ListTrails',
  readOnly: true,
  input: structure({ NextToken: string() }),
  output: structure({ Trails: list(structure({ TrailARN: string(), Name: string(), HomeRegion: string() })), NextToken: string() }),
  async handler(ctx) {
    // At most 5 trails per region are visible: one page always holds them.
    const trails = (await allTrails(ctx.tx, ctx.accountId)).filter((t) => visibleIn(t, ctx.region));
    return { Trails: trails.map((t) => ({ TrailARN: t.TrailARN, Name: t.Name, HomeRegion: t.HomeRegion })) };
  },
});

const secondsOf = (iso: string | undefined) => (iso ? isoSeconds(new Date(iso)) : '');
const date = (iso: string | undefined) => (iso ? { value: new Date(iso) } : undefined);

export const GetTrailStatus = defineOperation<GetTrailStatusRequest, GetTrailStatusResponse>({
  name: 'GetTrailStatus',
  readOnly: true,
  input: structure({ Name: TrailNameOrArn }),
  output: structure({
    IsLogging: boolean(),
    LatestDeliveryError: string(),
    LatestNotificationError: string(),
    LatestDeliveryTime: { kind: 'timestamp' },
    LatestNotificationTime: { kind: 'timestamp' },
    StartLoggingTime: { kind: 'timestamp' },
    StopLoggingTime: { kind: 'timestamp' },
    LatestDigestDeliveryTime: { kind: 'timestamp' },
    LatestDigestDeliveryError: string(),
    LatestDeliveryAttemptTime: string(),
    LatestNotificationAttemptTime: string(),
    LatestNotificationAttemptSucceeded: string(),
    LatestDeliveryAttemptSucceeded: string(),
    TimeLoggingStarted: string(),
    TimeLoggingStopped: string(),
  }),
  async handler(ctx, input) {
    const trail = await requireTrail(ctx.tx, ctx.accountId, ctx.region, input.Name!, arnOf(ctx, input.Name));
    const s = await getState(ctx.tx, trail);
    const out: GetTrailStatusResponse = { IsLogging: trail.IsLogging };
    const times = {
      LatestDeliveryTime: date(s?.LatestDeliveryTime),
      LatestNotificationTime: date(s?.LatestNotificationTime),
      StartLoggingTime: date(trail.StartLoggingTime),
      StopLoggingTime: date(trail.StopLoggingTime),
    };
    for (const [k, v] of Object.entries(times)) if (v) (out as Record<string, unknown>)[k] = v.value;
    if (s?.LatestDeliveryError) out.LatestDeliveryError = s.LatestDeliveryError;
    if (s?.LatestNotificationError) out.LatestNotificationError = s.LatestNotificationError;
    Object.assign(out, await digestStatus(ctx.tx, trail, ctx.region));
    // The deprecated string members: ISO text of the same facts, or "".
    out.LatestDeliveryAttemptTime = secondsOf(s?.LatestDeliveryAttemptTime);
    out.LatestNotificationAttemptTime = secondsOf(s?.LatestNotificationAttemptTime);
    out.LatestNotificationAttemptSucceeded = s?.LatestNotificationError ? '' : secondsOf(s?.LatestNotificationTime);
    out.LatestDeliveryAttemptSucceeded = s?.LatestDeliveryError ? '' : secondsOf(s?.LatestDeliveryTime);
    out.TimeLoggingStarted = secondsOf(trail.StartLoggingTime);
    out.TimeLoggingStopped = secondsOf(trail.StopLoggingTime);
    return out;
  },
  lookupResources: named,
  resourceArn: namedForPolicy,
});

export const StartLogging = defineOperation<StartLoggingRequest, StartLoggingResponse>({
  name: 'StartLogging',
  readOnly: false,
  input: structure({ Name: TrailNameOrArn }),
  async handler(ctx, input) {
    const trail = await requireHomeTrail(ctx.tx, ctx.accountId, ctx.region, input.Name!);
    if (!trail.IsLogging) await putTrail(ctx.tx, { ...trail, IsLogging: true, StartLoggingTime: ctx.now.toISOString() });
    await startDelivery(ctx.tx, trail);
    return {};
  },
  lookupResources: named,
  resourceArn: namedForPolicy,
});

export const StopLogging = defineOperation<StopLoggingRequest, StopLoggingResponse>({
  name: 'StopLogging',
  readOnly: false,
  input: structure({ Name: TrailNameOrArn }),
  async handler(ctx, input) {
    const trail = await requireHomeTrail(ctx.tx, ctx.accountId, ctx.region, input.Name!);
    if (trail.IsLogging) {
      await putTrail(ctx.tx, { ...trail, IsLogging: false, StopLoggingTime: ctx.now.toISOString() });
      await stopDelivery(ctx.tx, trail);
    }
    return {};
  },
  lookupResources: named,
  resourceArn: namedForPolicy,
});
