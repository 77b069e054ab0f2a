// A trail's delivery state, the store-facing half of delivery: the durable cursor (the last
// journal sequence number delivered), the batch in flight, the status GetTrailStatus shows, and a
// lease, so that several processes sharing one database deliver each trail from one place.
// Every change is a read-check-write in one transaction, so a stale worker can never move a cursor.
import type { DocKey, Tx } from '../storage/store.ts';
import type { TrailDoc } from './model.ts';

export interface Batch {
  /** The journal range (first and last sequence number, inclusive) the batch covers. */
  from: number;
  to: number;
  /** Delivery time: in the object keys, so a batch redone after a crash rewrites the same keys. */
  at: string;
}

export interface DeliveryState {
  accountId: string;
  trailId: string;
  /** Changes at each StartLogging, so a worker holding an older view cannot commit. */
  epoch: number;
  /** The trail's IsLogging, mirrored here so that the state alone says whether to deliver. */
  logging: boolean;
  cursor: number;
  /** After StopLogging: the last sequence number still delivered (the StopLogging event). */
  stopSeq?: number;
  pending?: Batch;
  lease?: { owner: string; until: number };
  LatestDeliveryTime?: string;
  LatestDeliveryAttemptTime?: string;
  LatestDeliveryError?: string;
  LatestNotificationTime?: string;
  LatestNotificationAttemptTime?: string;
  LatestNotificationError?: string;
}

const STATES = 'trail-delivery';
const ACTIVE = 'active';

const stateKey = (accountId: string, trailId: string): DocKey => ({ collection: STATES, partition: accountId, id: trailId });
export const trailIdOf = (t: TrailDoc) => `${t.HomeRegion}/${t.Name}`;

/** Logging, or stopped with events before the stop still to deliver. */
export const isActive = (s: DeliveryState) => s.logging || (s.stopSeq !== undefined && s.cursor < s.stopSeq);

async function save(tx: Tx, s: DeliveryState): Promise<void> {
  await tx.docs.put(stateKey(s.accountId, s.trailId), s, isActive(s) ? ACTIVE : null);
}

export async function getState(tx: Tx, t: TrailDoc): Promise<DeliveryState | undefined> {
  return tx.docs.get<DeliveryState>(stateKey(t.AccountId, trailIdOf(t)));
}

export async function getStateById(tx: Tx, accountId: string, trailId: string): Promise<DeliveryState | undefined> {
  return tx.docs.get<DeliveryState>(stateKey(accountId, trailId));
}

/** Delivery starts with the events after this call, the StartLogging event included. */
export async function startDelivery(tx: Tx, t: TrailDoc): Promise<void> {
  const s = await getState(tx, t);
  const last = await tx.journal.lastSeq();
  if (s && isActive(s)) {
    // Logging already, or still draining what came before a stop: keep going from there.
    await save(tx, { ...s, logging: true, stopSeq: undefined });
    return;
  }
  await save(tx, { ...s, accountId: t.AccountId, trailId: trailIdOf(t), epoch: (s?.epoch ?? 0) + 1, logging: true, cursor: last, stopSeq: undefined, pending: undefined });
}

/** Events up to this call's own record (appended next in this transaction) are still delivered. */
export async function stopDelivery(tx: Tx, t: TrailDoc): Promise<void> {
  const s = await getState(tx, t);
  if (!s?.logging) return;
  await save(tx, { ...s, logging: false, stopSeq: (await tx.journal.lastSeq()) + 1 });
}

export async function deleteState(tx: Tx, t: TrailDoc): Promise<void> {
  await tx.docs.delete(stateKey(t.AccountId, trailIdOf(t)));
}

export async function activeStates(tx: Tx): Promise<DeliveryState[]> {
  return tx.docs.findByIndex<DeliveryState>(STATES, ACTIVE);
}

/** The first journal sequence number some trail has yet to deliver (retention keeps it and all after). */
export async function firstUndelivered(tx: Tx): Promise<number | undefined> {
  const states = await activeStates(tx);
  return states.length ? Math.min(...states.map((s) => s.cursor + 1)) : undefined;
}

export type Change = (s: DeliveryState) => DeliveryState;

/**
 * Applies a change to the state as stored, provided it is still the one `seen` describes (same
 * epoch and cursor) and `owner` holds (or may take) the lease. Returns the new state, or undefined
 * when someone else moved it.
 */
export async function update(tx: Tx, seen: DeliveryState, owner: string, change: Change): Promise<DeliveryState | undefined> {
  const current = await tx.docs.get<DeliveryState>(stateKey(seen.accountId, seen.trailId));
  if (!current || current.epoch !== seen.epoch || current.cursor !== seen.cursor) return undefined;
  if (current.lease && current.lease.owner !== owner && current.lease.until > Date.now()) return undefined;
  const next = change(current);
  await save(tx, next);
  return next;
}

/** Renewed at every pass; after a crash, another process (or the restarted one) takes over when it runs out. */
export const LEASE_MS = 10_000;
export const withLease = (owner: string): Change => (s) => ({ ...s, lease: { owner, until: Date.now() + LEASE_MS } });

/** On a clean stop, the leases this owner holds are given up at once. */
export async function releaseLeases(tx: Tx, owner: string): Promise<void> {
  for (const s of await activeStates(tx)) {
    if (s.lease?.owner === owner) await save(tx, { ...s, lease: undefined });
  }
}
