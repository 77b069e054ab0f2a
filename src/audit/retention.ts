// Event history keeps `retentionDays` of events; older ones are purged at start and hourly, except
// those some trail has yet to deliver: the journal never drops an undelivered event. A purge runs
// in batches, each its own write: the calls recorded meanwhile wait for one batch, not for the
// whole purge (days of events after a long stop or a shorter retention).
import { setTimeout as sleep } from 'node:timers/promises';
import type { Store } from '../storage/store.ts';
import { firstUndelivered } from '../trails/delivery-state.ts';

const HOUR = 3600_000;
/** Events deleted per write: a few milliseconds of the embedded store's writer. */
const BATCH = 2000;
/**
 * Between batches, so that the journal's checkpoints (every 500 ms, sqlite-indexer.ts) keep up
 * with the pages a purge changes: back to back, a purge of 200k events made the writer checkpoint
 * itself every ~30 batches, holding the calls being recorded for 100-160 ms each time.
 */
const PAUSE_MS = 50;

export class RetentionJob {
  private timer?: NodeJS.Timeout;
  constructor(
    private readonly store: Store,
    private readonly retentionDays: number,
    private readonly log: (m: string) => void = (m) => console.error(m),
    private readonly batch = BATCH,
  ) {}

  cutoff(now = new Date()): Date {
    return new Date(now.getTime() - this.retentionDays * 24 * HOUR);
  }

  async runOnce(now = new Date()): Promise<number> {
    const cutoff = this.cutoff(now);
    let purged = 0;
    for (;;) {
      const n = await this.store.write(async (tx) => tx.journal.purge(cutoff, await firstUndelivered(tx), this.batch));
      purged += n;
      if (n < this.batch) return purged;
      await sleep(PAUSE_MS);
    }
  }

  start(): void {
    const run = () => this.runOnce().catch((err) => this.log(`retention purge failed: ${String(err)}`));
    void run();
    this.timer = setInterval(run, HOUR);
    this.timer.unref();
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
  }
}
