// Event history keeps `retentionDays` of events; older ones are purged at start and hourly.
import type { Store } from '../storage/store.ts';

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
    return this.store.write((tx) => tx.journal.purge(this.cutoff(now)));
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
