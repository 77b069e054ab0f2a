// Trails as stored: one document per trail (partition: the AWS account), and beside it the trail's
// delivery state (see delivery-state.ts). A trail lives in its home region; a multi-region trail
// is also seen, as a shadow trail, from every other region.
import type { AdvancedEventSelector, EventSelector, InsightSelector, Tag, Trail } from '@aws-sdk/client-cloudtrail';
import { listAll } from '../storage/list-all.ts';
import type { Tx } from '../storage/store.ts';

export interface TrailDoc {
  Name: string;
  AccountId: string;
  HomeRegion: string;
  TrailARN: string;
  S3BucketName: string;
  S3KeyPrefix?: string;
  SnsTopicARN?: string;
  IncludeGlobalServiceEvents: boolean;
  IsMultiRegionTrail: boolean;
  LogFileValidationEnabled: boolean;
  IsOrganizationTrail: boolean;
  CloudWatchLogsLogGroupArn?: string;
  CloudWatchLogsRoleArn?: string;
  KmsKeyId?: string;
  /** Absent until PutEventSelectors; then exactly one of the two kinds is set. */
  EventSelectors?: EventSelector[];
  AdvancedEventSelectors?: AdvancedEventSelector[];
  InsightSelectors?: InsightSelector[];
  Tags: Tag[];
  IsLogging: boolean;
  StartLoggingTime?: string;
  StopLoggingTime?: string;
}

const TRAILS = 'trails';
export const MAX_TRAILS_PER_REGION = 5;

const trailKey = (accountId: string, homeRegion: string, name: string) => ({ collection: TRAILS, partition: accountId, id: `${homeRegion}/${name}` });
export const keyOf = (t: TrailDoc) => trailKey(t.AccountId, t.HomeRegion, t.Name);

export const trailArn = (region: string, accountId: string, name: string) => `arn:aws:cloudtrail:${region}:${accountId}:trail/${name}`;

export const allTrails = (tx: Tx, accountId: string) => listAll<TrailDoc>(tx.docs, TRAILS, accountId);

/** What a region sees: its own trails and the shadows of other regions' multi-region trails. */
export const visibleIn = (t: TrailDoc, region: string) => t.HomeRegion === region || t.IsMultiRegionTrail;

export async function getTrailDoc(tx: Tx, accountId: string, homeRegion: string, name: string): Promise<TrailDoc | undefined> {
  return tx.docs.get<TrailDoc>(trailKey(accountId, homeRegion, name));
}

export async function putTrail(tx: Tx, t: TrailDoc): Promise<void> {
  await tx.docs.put(keyOf(t), t);
}

export async function deleteTrailDoc(tx: Tx, t: TrailDoc): Promise<void> {
  await tx.docs.delete(keyOf(t));
}

/** The topic's name, which CloudTrail still returns as the deprecated `SnsTopicName`. */
const topicName = (arn: string) => arn.slice(arn.lastIndexOf(':') + 1);

/** The members CreateTrail and UpdateTrail answer with. */
export function trailResponse(t: TrailDoc) {
  return {
    Name: t.Name,
    S3BucketName: t.S3BucketName,
    ...(t.S3KeyPrefix ? { S3KeyPrefix: t.S3KeyPrefix } : {}),
    ...(t.SnsTopicARN ? { SnsTopicName: topicName(t.SnsTopicARN), SnsTopicARN: t.SnsTopicARN } : {}),
    IncludeGlobalServiceEvents: t.IncludeGlobalServiceEvents,
    IsMultiRegionTrail: t.IsMultiRegionTrail,
    TrailARN: t.TrailARN,
    LogFileValidationEnabled: t.LogFileValidationEnabled,
    ...(t.CloudWatchLogsLogGroupArn ? { CloudWatchLogsLogGroupArn: t.CloudWatchLogsLogGroupArn } : {}),
    ...(t.CloudWatchLogsRoleArn ? { CloudWatchLogsRoleArn: t.CloudWatchLogsRoleArn } : {}),
    ...(t.KmsKeyId ? { KmsKeyId: t.KmsKeyId } : {}),
    IsOrganizationTrail: t.IsOrganizationTrail,
  };
}

/** The Trail shape of GetTrail and DescribeTrails. */
export function trailView(t: TrailDoc): Trail {
  return {
    ...trailResponse(t),
    HomeRegion: t.HomeRegion,
    HasCustomEventSelectors: t.EventSelectors !== undefined || t.AdvancedEventSelectors !== undefined,
    HasInsightSelectors: (t.InsightSelectors?.length ?? 0) > 0,
  };
}
