// Trail names and ARNs: the naming rules with AWS's messages, and finding the trail a name or ARN
// means from the calling region.
import {
  CloudTrailARNInvalidException,
  InvalidHomeRegionException,
  InvalidTrailNameException,
  TrailNotFoundException,
} from '../services/cloudtrail/errors.ts';
import type { Tx } from '../storage/store.ts';
import { allTrails, visibleIn } from './model.ts';
import type { TrailDoc } from './model.ts';

/** The name rules, checked in AWS's order so that each name gets AWS's message. */
export function checkTrailName(name: string): void {
  if (name.length < 3) {
    throw new InvalidTrailNameException(`Trail name too short. Minimum allowed length: 3 characters. Specified name length: ${name.length} characters.`);
  }
  if (name.length > 128) {
    throw new InvalidTrailNameException(`Trail name too long. Maximum allowed length: 128 characters. Specified name length: ${name.length} characters.`);
  }
  if (!/^[0-9a-zA-Z]/.test(name)) throw new InvalidTrailNameException('Trail name must starts with a letter or number.');
  if (!/[0-9a-zA-Z]$/.test(name)) throw new InvalidTrailNameException('Trail name must ends with a letter or number.');
  if (!/^[.\-_0-9a-zA-Z]+$/.test(name)) {
    throw new InvalidTrailNameException(
      'Trail name or ARN can only contain uppercase letters, lowercase letters, numbers, periods (.), hyphens (-), and underscores (_).',
    );
  }
  if (/[._-]{2}/.test(name)) {
    throw new InvalidTrailNameException('Trail name or ARN cannot have adjacent periods (.), hyphens (-), or underscores (_).');
  }
  if (/^\d{1,3}(\.\d{1,3}){3}$/.test(name)) throw new InvalidTrailNameException('Trail name cannot be formatted as an IP address.');
}

export interface TrailArn {
  region: string;
  accountId: string;
  name: string;
}

const ARN = /^arn:(aws|aws-cn|aws-us-gov):cloudtrail:([a-z0-9-]+):(\d{12}):trail\/(.+)$/;

export function parseTrailArn(arn: string): TrailArn {
  const m = ARN.exec(arn);
  if (!m) throw new CloudTrailARNInvalidException(`Invalid ARN: ${arn}`);
  checkTrailName(m[4]);
  return { region: m[2], accountId: m[3], name: m[4] };
}

export const isArn = (s: string) => s.startsWith('arn:');

/**
 * The trail a name or ARN means from `region`, or undefined. Names match the trails the region
 * sees (its own and other regions' multi-region trails); an ARN names any trail of the account.
 */
export async function findTrail(tx: Tx, accountId: string, region: string, nameOrArn: string): Promise<TrailDoc | undefined> {
  if (isArn(nameOrArn)) {
    const arn = parseTrailArn(nameOrArn);
    if (arn.accountId !== accountId) return undefined;
    return (await allTrails(tx, accountId)).find((t) => t.TrailARN === nameOrArn);
  }
  checkTrailName(nameOrArn);
  return (await allTrails(tx, accountId)).find((t) => t.Name === nameOrArn && visibleIn(t, region));
}

/** `shownAs` is how the error names a missing trail (GetTrailStatus shows the ARN a name would have). */
export async function requireTrail(tx: Tx, accountId: string, region: string, nameOrArn: string, shownAs = nameOrArn): Promise<TrailDoc> {
  const trail = await findTrail(tx, accountId, region, nameOrArn);
  if (!trail) throw new TrailNotFoundException(`Unknown trail: ${shownAs} for the user: ${accountId}`);
  return trail;
}

/** The trail a call changes: found as requireTrail does, and only from its home region. */
export async function requireHomeTrail(tx: Tx, accountId: string, region: string, nameOrArn: string): Promise<TrailDoc> {
  const trail = await requireTrail(tx, accountId, region, nameOrArn);
  assertHomeRegion(trail, region);
  return trail;
}

/** Changes to a trail are made in its home region; other regions only see a shadow. */
export function assertHomeRegion(trail: TrailDoc, region: string): void {
  if (trail.HomeRegion !== region) {
    throw new InvalidHomeRegionException(
      `The trail ${trail.TrailARN} can only be modified in its home region ${trail.HomeRegion}; this request was made in ${region}.`,
    );
  }
}
