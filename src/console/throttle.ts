// Slows password guessing: after MAX_FAILURES failed sign-ins with one key (account, name and
// address) within WINDOW_MS, further attempts with it are refused until the window has passed,
// without checking the password. Kept per process: each process of a scale-out counts its own.

const MAX_FAILURES = 10;
const WINDOW_MS = 15 * 60_000;

export class SignInThrottle {
  private readonly failures = new Map<string, number[]>();

  /** Whether an attempt with this key may go ahead now. */
  allows(key: string, now = Date.now()): boolean {
    return this.recent(key, now).length < MAX_FAILURES;
  }

  failed(key: string, now = Date.now()): void {
    if (this.failures.size > 100_000) this.failures.clear();
    this.failures.set(key, [...this.recent(key, now), now]);
  }

  private recent(key: string, now: number): number[] {
    return (this.failures.get(key) ?? []).filter((t) => now - t < WINDOW_MS);
  }
}
