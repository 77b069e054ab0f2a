// Slows password guessing: after MAX_FAILURES failed sign-ins with one key (account, name and
// address) within WINDOW_MS, further attempts with it are refused until the window has passed,
// without checking the password. The failures are kept in the store, so that the processes of a
// scale-out count them together.
import { createHash } from 'node:crypto';
import type { DocKey, Store } from '../storage/store.ts';

const MAX_FAILURES = 10;
const WINDOW_MS = 15 * 60_000;
const COLLECTION = 'console-sign-in-failures';
/** Documents whose window has passed, deleted with each failure: what an attack leaves behind is cleared as it goes. */
const SWEEP = 10;

interface FailuresDoc {
  id: string;
  /** Epoch ms of the recent failures, oldest first. */
  times: number[];
}

// The key holds a client's strings: it is stored as a fixed-length hash.
const hash = (key: string) => createHash('sha256').update(key).digest('hex');
const docKey = (id: string): DocKey => ({ collection: COLLECTION, partition: 'global', id });
const recent = (doc: FailuresDoc | undefined, now: number) => (doc?.times ?? []).filter((t) => now - t < WINDOW_MS);

export class SignInThrottle {
  constructor(private readonly store: Store) {}

  /** Whether an attempt with this key may go ahead now. */
  async allows(key: string, now = Date.now()): Promise<boolean> {
    const doc = await this.store.read((tx) => tx.docs.get<FailuresDoc>(docKey(hash(key))));
    return recent(doc, now).length < MAX_FAILURES;
  }

  async failed(key: string, now = Date.now()): Promise<void> {
    await this.store.write(async (tx) => {
      const id = hash(key);
      const times = [...recent(await tx.docs.get<FailuresDoc>(docKey(id)), now), now].slice(-MAX_FAILURES);
      // Deleted and added again, so that the documents are listed by their last failure, oldest first.
      await tx.docs.delete(docKey(id));
      await tx.docs.put<FailuresDoc>(docKey(id), { id, times });
      const { items } = await tx.docs.list<FailuresDoc>(COLLECTION, 'global', { limit: SWEEP });
      for (const doc of items) {
        if (recent(doc, now).length) break;
        await tx.docs.delete(docKey(doc.id));
      }
    });
  }
}
