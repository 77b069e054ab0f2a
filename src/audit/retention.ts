// Event history keeps `retentionDays` of events; older ones are purged at start and hourly, except
// those some trail has yet to deliver: the journal never drops an undelivered event.
import type { Store } from '../storage/store.ts';
import { firstUndelivered } from '../trails/delivery-state.ts';

const HOUR = 3600_000;

export class RetentionJob {
  private timer?: NodeJS.Timeout;
  constructor(
    private readonly store: Store,
    private readonly retentionDays: number,
    private readonly log: (m: string) => void = (m) => console.error(m),
  ) {}

  cutoff(now = new Date()): Date {
    return new Date(now.getTime() - this.retentionDays * 24 * HOUR);
  }

  async runOnce(now = new Date()): Promise<number> {
    return this.store.write(async (tx) => tx.journal.purge(this.cutoff(now), await firstUndelivered(tx)));
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
