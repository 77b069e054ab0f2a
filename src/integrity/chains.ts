// Digest chains as stored: one document per trail and region. The open period collects the log
// files delivered in it (the delivery worker adds them in the transaction that moves its cursor);
// a closed period waits in `sealed` until its digest is signed and written, oldest first.
//
// A chain belongs to one "session": the trail's bucket, prefix and StartLoggingTime. When the
// session ends (StopLogging once delivery drained, validation turned off, trail deleted) or changes
// (new bucket or prefix, logging restarted), the open period is sealed as the chain's final digest
// and the next one starts a new chain with null previous* fields: a restart is visible, never silent.
import { isActive } from '../trails/delivery-state.ts';
import type { DeliveryState } from '../trails/delivery-state.ts';
import { getTrailDoc } from '../trails/model.ts';
import type { TrailDoc } from '../trails/model.ts';
import type { DocKey, Tx } from '../storage/store.ts';
import { sha256Hex } from './digest.ts';
import { isoSeconds } from '../aws/timestamps.ts';
import type { DigestLink, DigestLogFile } from './digest.ts';

const CHAINS = 'digest-chains';
const BUSY = 'busy';

export interface Period {
  session: string;
  bucket: string;
  prefix?: string;
  /** Epoch ms, whole seconds. */
  start: number;
  /** The first digest of a chain links to nothing. */
  startsChain: boolean;
  files: DigestLogFile[];
}

export interface SealedPeriod extends Period {
  end: number;
}

export interface ChainDoc {
  accountId: string;
  trailName: string;
  homeRegion: string;
  region: string;
  open?: Period;
  sealed: SealedPeriod[];
  /** The last digest written: what the next digest of the chain points back to. */
  last?: DigestLink;
  LatestDigestDeliveryTime?: string;
  LatestDigestDeliveryError?: string;
}

const chainKey = (accountId: string, homeRegion: string, trailName: string, region: string): DocKey => ({
  collection: CHAINS,
  partition: accountId,
  id: `${homeRegion}/${trailName}/${region}`,
});
const keyOf = (c: ChainDoc) => chainKey(c.accountId, c.homeRegion, c.trailName, c.region);

export async function getChain(tx: Tx, t: { AccountId: string; HomeRegion: string; Name: string }, region: string): Promise<ChainDoc | undefined> {
  return tx.docs.get<ChainDoc>(chainKey(t.AccountId, t.HomeRegion, t.Name, region));
}

export async function saveChain(tx: Tx, c: ChainDoc): Promise<void> {
  await tx.docs.put(keyOf(c), c, c.open || c.sealed.length ? BUSY : null);
}

/** Chains with an open period or digests still to write. */
export async function busyChains(tx: Tx): Promise<ChainDoc[]> {
  return tx.docs.findByIndex<ChainDoc>(CHAINS, BUSY);
}

/** The session a trail's delivered files belong to, when it validates log files. */
export function sessionOf(t: TrailDoc | undefined): string | undefined {
  if (!t?.LogFileValidationEnabled) return undefined;
  return JSON.stringify([t.S3BucketName, t.S3KeyPrefix ?? '', t.StartLoggingTime ?? '']);
}

/** The session digests are still due for: logging, or delivering what came before StopLogging. */
export function liveSession(t: TrailDoc | undefined, s: DeliveryState | undefined): string | undefined {
  return t && (t.IsLogging || (s !== undefined && isActive(s))) ? sessionOf(t) : undefined;
}

const wholeSecond = (ms: number) => Math.floor(ms / 1000) * 1000;

function openPeriod(t: TrailDoc, session: string, start: number, startsChain: boolean): Period {
  return { session, bucket: t.S3BucketName, prefix: t.S3KeyPrefix || undefined, start, startsChain, files: [] };
}

/**
 * Brings a chain in line with the trail at `now`: seals the open period when its session is over
 * or its interval has passed, and opens one when the session is live (`open` forces a period,
 * for a region that just received a file). Two digests of a chain never end in the same second:
 * a period is sealed only after at least one whole second.
 */
export function reconcile(c: ChainDoc, t: TrailDoc | undefined, session: string | undefined, now: number, intervalMs: number, open: boolean): void {
  const end = wholeSecond(now);
  const p = c.open;
  if (p && end > p.start && (p.session !== session || end - p.start >= intervalMs)) {
    c.sealed.push({ ...p, end });
    c.open = p.session === session && t ? openPeriod(t, session, end, false) : undefined;
  }
  if (!c.open && session && t && open) c.open = openPeriod(t, session, end, true);
}

export function newChain(t: TrailDoc, region: string): ChainDoc {
  return { accountId: t.AccountId, trailName: t.Name, homeRegion: t.HomeRegion, region, sealed: [] };
}

/** A delivered log file, as the delivery worker describes it to the digests. */
export interface DeliveredLogFile {
  region: string;
  entry: DigestLogFile;
}

/** The digest entry of a log file: hash of its uncompressed bytes and its oldest and newest event. */
export function logFileEntry(bucket: string, key: string, region: string, json: Buffer, eventTimes: Date[]): DeliveredLogFile {
  const ms = eventTimes.map((d) => d.getTime());
  return {
    region,
    entry: {
      s3Bucket: bucket,
      s3Object: key,
      hashValue: sha256Hex(json),
      hashAlgorithm: 'SHA-256',
      newestEventTime: isoSeconds(new Date(Math.max(...ms))),
      oldestEventTime: isoSeconds(new Date(Math.min(...ms))),
    },
  };
}

/**
 * The delivery worker's hook, called in the transaction that moves the trail's cursor past the
 * files: they join the open period of their region's chain. Files of a trail that does not
 * validate log files are never digested.
 */
export async function logFilesDelivered(tx: Tx, delivered: TrailDoc, files: DeliveredLogFile[], intervalMs: number, now = Date.now()): Promise<void> {
  const trail = await getTrailDoc(tx, delivered.AccountId, delivered.HomeRegion, delivered.Name);
  const session = sessionOf(trail);
  if (!trail || !session || !files.length) return;
  const byRegion = new Map<string, DigestLogFile[]>();
  for (const f of files) byRegion.set(f.region, [...(byRegion.get(f.region) ?? []), f.entry]);
  for (const [region, entries] of byRegion) {
    const chain = (await getChain(tx, trail, region)) ?? newChain(trail, region);
    reconcile(chain, trail, session, now, intervalMs, true);
    chain.open!.files.push(...entries);
    await saveChain(tx, chain);
  }
}

/** GetTrailStatus's digest members for the region called. */
export async function digestStatus(tx: Tx, t: TrailDoc, region: string): Promise<{ LatestDigestDeliveryTime?: Date; LatestDigestDeliveryError?: string }> {
  const c = await getChain(tx, t, region);
  return {
    ...(c?.LatestDigestDeliveryTime ? { LatestDigestDeliveryTime: new Date(c.LatestDigestDeliveryTime) } : {}),
    ...(c?.LatestDigestDeliveryError ? { LatestDigestDeliveryError: c.LatestDigestDeliveryError } : {}),
  };
}

