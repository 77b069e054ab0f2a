// The delivery worker: follows the journal for every active trail and writes its log files.
//
// Exactly once: a batch is a fixed range of journal sequence numbers. It is first written down as
// the trail's pending batch (with its delivery time), then its files are written (keys derived
// from trail, region and first sequence number), then the cursor moves past it, in that order.
// A crash between the steps redoes the same batch into the same keys: nothing is lost, and an
// object is at worst overwritten with identical content. A file is written once the oldest event
// waiting has waited the delivery interval, or at once when a batch reaches its size cap.
import { randomUUID } from 'node:crypto';
import type { AppContext } from '../app-context.ts';
import { BucketError, bucketsFor } from '../buckets/index.ts';
import { logFileEntry, logFilesDelivered } from '../integrity/chains.ts';
import type { DeliveredLogFile } from '../integrity/chains.ts';
import { publish } from '../services/sns/deliver.ts';
import type { StoredEvent, Tx } from '../storage/store.ts';
import { activeStates, getStateById, LEASE_MS, releaseLeases, update, withLease } from './delivery-state.ts';
import type { Batch, DeliveryState } from './delivery-state.ts';
import { logFileBody, logFileKey, uniqueString } from './log-files.ts';
import { getTrailDoc } from './model.ts';
import type { TrailDoc } from './model.ts';
import { trailTakes } from './selectors.ts';
import { Ticker } from '../ticker.ts';

const MAX_BATCH_EVENTS = 10_000;
const MAX_BATCH_BYTES = 16 * 1024 * 1024;
const READ_PAGE = 1000;
const MAX_BACKOFF_MS = 8000;

export interface DeliveryOptions {
  intervalSeconds: number;
  /** The server's URL, for SNS envelopes. */
  baseUrl: () => string;
  log: (m: string) => void;
}

interface Delivered {
  bucket: string;
  keys: string[];
  /** What the trail's digests list about each file (integrity/chains.ts). */
  files: DeliveredLogFile[];
}

export class DeliveryWorker {
  private readonly owner = randomUUID();
  private readonly uniqueKey: Buffer;
  private readonly backoff = new Map<string, { until: number; delay: number }>();
  private readonly ticker: Ticker;

  constructor(
    private readonly app: AppContext,
    private readonly opts: DeliveryOptions,
  ) {
    this.uniqueKey = app.box.derive('trail-log-file-names');
    this.ticker = new Ticker(() => this.tick(), Math.min(1000, (opts.intervalSeconds * 1000) / 2), (err) =>
      opts.log(`trail delivery: ${err instanceof Error ? err.message : String(err)}`),
    );
  }

  start(): void {
    this.ticker.start();
  }

  async stop(): Promise<void> {
    await this.ticker.stop();
    try {
      await this.app.store.write((tx) => releaseLeases(tx, this.owner));
    } catch (err) {
      // The database is unreachable: the leases lapse on their own (LEASE_MS), and the shutdown
      // goes on to close the port and the store.
      this.opts.log(`trail delivery: leases not released at stop (they lapse within ${LEASE_MS / 1000} s): ${err instanceof Error ? err.message : String(err)}`);
    }
  }

  /** One pass over every active trail. */
  async tick(now = Date.now()): Promise<void> {
    const states = await this.app.store.read((tx) => activeStates(tx));
    for (const state of states) {
      if (this.ticker.stopped) return;
      const id = `${state.accountId}/${state.trailId}`;
      const wait = this.backoff.get(id);
      if (wait && wait.until > now) continue;
      try {
        await this.deliverTrail(state);
        this.backoff.delete(id);
      } catch (err) {
        const delay = Math.min(MAX_BACKOFF_MS, (wait?.delay ?? 500) * 2);
        this.backoff.set(id, { until: Date.now() + delay, delay });
        await this.recordFailure(state, err);
      }
    }
  }

  private async deliverTrail(seen: DeliveryState): Promise<void> {
    // The lease is renewed once half of it has run, so an idle pass writes nothing.
    const fresh = seen.lease?.owner === this.owner && seen.lease.until - Date.now() > LEASE_MS / 2;
    let state = fresh ? seen : await this.change(seen, withLease(this.owner));
    if (!state) return;
    const [home, ...rest] = state.trailId.split('/');
    const trail = await this.app.store.read((tx) => getTrailDoc(tx, state!.accountId, home, rest.join('/')));
    if (!trail) return;
    for (;;) {
      let batch = state.pending;
      let events: StoredEvent[];
      if (batch) {
        events = await this.read(batch.from - 1, batch.to);
      } else {
        const planned = await this.plan(state, trail);
        if (!planned) return;
        if (planned.skipTo !== undefined) {
          // Nothing this trail takes: only the cursor moves.
          const to = planned.skipTo;
          state = await this.change(state, (s) => ({ ...s, cursor: to }));
          if (!state) return;
          continue;
        }
        batch = planned.batch!;
        events = planned.events!;
        const b = batch;
        state = await this.change(state, (s) => ({ ...s, pending: b }));
        if (!state) return;
      }
      const delivered = await this.writeFiles(trail, batch, events);
      const deliveredAt = new Date().toISOString();
      const to = batch.to;
      state = await this.change(
        state,
        (s) => ({
          ...s,
          cursor: to,
          pending: undefined,
          LatestDeliveryAttemptTime: deliveredAt,
          ...(delivered.keys.length ? { LatestDeliveryTime: deliveredAt } : {}),
          LatestDeliveryError: undefined,
        }),
        // The files join the trail's digest period in the transaction that moves the cursor.
        (tx) => logFilesDelivered(tx, trail, delivered.files, this.app.config.digestIntervalSeconds * 1000),
      );
      if (!state) return;
      if (trail.SnsTopicARN && delivered.keys.length) state = await this.notify(state, trail.SnsTopicARN, delivered);
      if (!state || events.length < MAX_BATCH_EVENTS) return;
    }
  }

  /** Journal events in (after, upTo], in sequence order. */
  private async read(after: number, upTo: number): Promise<StoredEvent[]> {
    const out: StoredEvent[] = [];
    let from = after;
    while (from < upTo) {
      const page = await this.app.store.read((tx) => tx.journal.readAfter(from, Math.min(READ_PAGE, upTo - from)));
      if (!page.length) break;
      out.push(...page.filter((e) => e.seq <= upTo));
      from = page[page.length - 1].seq;
    }
    return out;
  }

  /** The next batch if one is due, or how far the cursor may skip when nothing is selected. */
  private async plan(state: DeliveryState, trail: TrailDoc): Promise<{ batch?: Batch; events?: StoredEvent[]; skipTo?: number } | undefined> {
    const limit = state.stopSeq ?? Number.MAX_SAFE_INTEGER;
    if (state.cursor >= limit) return undefined;
    const events: StoredEvent[] = [];
    let bytes = 0;
    let last = state.cursor;
    // Past the stop point the journal has every event up to it, even where sequence numbers have gaps.
    let pastLimit = false;
    while (events.length < MAX_BATCH_EVENTS && bytes < MAX_BATCH_BYTES && !pastLimit) {
      const page = await this.app.store.read((tx) => tx.journal.readAfter(last, Math.min(READ_PAGE, MAX_BATCH_EVENTS - events.length)));
      for (const e of page) {
        if (e.seq > limit) {
          pastLimit = true;
          break;
        }
        events.push(e);
        bytes += e.record.length;
        last = e.seq;
      }
      if (page.length < READ_PAGE) break;
    }
    const end = pastLimit ? limit : last;
    if (end === state.cursor) return undefined;
    const selected = events.filter((e) => trailTakes(trail, e));
    if (!selected.length) return { skipTo: end };
    const full = events.length >= MAX_BATCH_EVENTS || bytes >= MAX_BATCH_BYTES;
    const oldest = Math.min(...selected.map((e) => e.eventTime.getTime()));
    // After StopLogging, the last events go out at once.
    const due = full || Date.now() - oldest >= this.opts.intervalSeconds * 1000 || end >= limit;
    if (!due) return undefined;
    return { batch: { from: state.cursor + 1, to: end, at: new Date().toISOString() }, events };
  }

  /** One file per region with selected events. */
  private async writeFiles(trail: TrailDoc, batch: Batch, events: StoredEvent[]): Promise<Delivered> {
    const byRegion = new Map<string, StoredEvent[]>();
    for (const e of events) {
      if (!trailTakes(trail, e)) continue;
      const list = byRegion.get(e.region) ?? [];
      list.push(e);
      byRegion.set(e.region, list);
    }
    const bucket = await bucketsFor(this.app.config).open(trail.S3BucketName);
    const at = new Date(batch.at);
    const keys: string[] = [];
    const files: DeliveredLogFile[] = [];
    for (const [region, regionEvents] of [...byRegion].sort(([a], [b]) => a.localeCompare(b))) {
      const key = logFileKey(trail.S3KeyPrefix, trail.AccountId, region, at, uniqueString(this.uniqueKey, trail.TrailARN, region, batch.from));
      const body = logFileBody(regionEvents.map((e) => e.record));
      await bucket.put(key, body.gzip, { contentType: 'application/json' });
      keys.push(key);
      files.push(logFileEntry(trail.S3BucketName, key, region, body.json, regionEvents.map((e) => e.eventTime)));
    }
    return { bucket: trail.S3BucketName, keys, files };
  }

  /** One notification per file, after the files are committed. */
  private async notify(state: DeliveryState, topicArn: string, delivered: Delivered): Promise<DeliveryState | undefined> {
    let error: string | undefined;
    for (const key of delivered.keys) {
      const message = JSON.stringify({ s3Bucket: delivered.bucket, s3ObjectKey: [key] });
      error = (await publish(this.app, topicArn, message, this.opts.baseUrl()).catch((e: Error) => e.message)) ?? error;
    }
    const at = new Date().toISOString();
    return this.change(state, (s) => ({
      ...s,
      LatestNotificationAttemptTime: at,
      ...(error ? { LatestNotificationError: error } : { LatestNotificationTime: at, LatestNotificationError: undefined }),
    }));
  }

  private async recordFailure(seen: DeliveryState, err: unknown): Promise<void> {
    const code = err instanceof BucketError ? err.code : err instanceof Error ? err.message : String(err);
    if (!(err instanceof BucketError)) this.opts.log(`trail ${seen.trailId}: delivery failed: ${code}`);
    const current = await this.app.store.read((tx) => getStateById(tx, seen.accountId, seen.trailId));
    if (!current) return;
    await this.change(current, (s) => ({ ...s, LatestDeliveryError: code, LatestDeliveryAttemptTime: new Date().toISOString() }));
  }

  /** `also` runs in the same transaction, only when the change applies. */
  private change(seen: DeliveryState, fn: (s: DeliveryState) => DeliveryState, also?: (tx: Tx) => Promise<void>): Promise<DeliveryState | undefined> {
    return this.app.store.write(async (tx) => {
      const next = await update(tx, seen, this.owner, fn);
      if (next && also) await also(tx);
      return next;
    });
  }
}
