// A background loop for the workers (trail delivery, digests): runs a pass, waits, runs the next
// (never two at once), logs a failed pass without stopping, and stops after the pass in flight.
export class Ticker {
  private timer?: NodeJS.Timeout;
  private running?: Promise<void>;
  stopped = false;

  constructor(
    private readonly pass: () => Promise<void>,
    private readonly everyMs: number,
    private readonly onError: (err: unknown) => void,
  ) {}

  start(): void {
    const loop = () => {
      if (this.stopped) return;
      this.running = this.pass()
        .catch(this.onError)
        .finally(() => {
          if (!this.stopped) this.timer = setTimeout(loop, this.everyMs);
        });
    };
    this.timer = setTimeout(loop, 0);
  }

  async stop(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.timer);
    await this.running;
  }
}
