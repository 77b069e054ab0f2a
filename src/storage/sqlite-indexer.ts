// The worker thread behind the embedded store's Event history index (see sqlite-index.ts): it
// follows the journal, indexes new events in bulk, deletes the rows of purged events, and
// checkpoints the journal's WAL.
import { parentPort, workerData } from 'node:worker_threads';
import { EventIndexer } from './sqlite-index.ts';
import type { IndexerReply, IndexerRequest } from './sqlite-index.ts';

/**
 * How often the journal is checked for new events. Lookups read the unindexed tail meanwhile
 * (cheaply: no records), and each indexing transaction rewrites a page per lookup key it
 * touches, so a tenth of a second balances the two.
 */
const POLL_MS = 100;
/** Events indexed per transaction, so that a message waits for at most one chunk. */
const CHUNK = 5000;
/**
 * A checkpoint copies each changed page once however often it changed, so rarer is cheaper; but
 * the WAL must not reach the writer's autocheckpoint (10,000 pages, see sqlite.ts), which the
 * calls being recorded would pay on the main thread. Under load (~6,000 CreateAccount calls a
 * second, ~3.4 pages each) every 2 s reached it; every step (100 ms) cost ~10 µs more CPU per
 * call than every 500 ms.
 */
const CHECKPOINT_MS = 500;
/**
 * Rows of purged events are deleted at most this often: finding the event ids whose event is
 * gone reads all of them (~1 s for a million), and retention purges in many small batches.
 */
const PURGE_MS = 60_000;

const { indexFile, journalFile } = workerData.data as { indexFile: string; journalFile: string };
const indexer = new EventIndexer(indexFile, journalFile);
const port = parentPort!;
let timer: NodeJS.Timeout | undefined;
let lastCheckpoint = 0;
/** The newest event time purged from the journal whose index rows are still here (epoch seconds). */
let purgePending: number | undefined;
let lastPurge = 0;

const reply = (m: IndexerReply) => port.postMessage(m);

/** Indexes one chunk (and purges when due, or `purgeNow`); true when the index has caught up with the journal. */
function step(purgeNow = false): boolean {
  if (purgePending !== undefined && (purgeNow || Date.now() - lastPurge >= PURGE_MS)) {
    indexer.purge(purgePending);
    purgePending = undefined;
    lastPurge = Date.now();
  }
  const left = indexer.indexPending(CHUNK);
  if (Date.now() - lastCheckpoint >= CHECKPOINT_MS) {
    indexer.checkpoint();
    lastCheckpoint = Date.now();
    reply({ type: 'checkpointed' });
  }
  return left === 0;
}

function poll(): void {
  let caughtUp = true;
  try {
    caughtUp = step();
  } catch (err) {
    // Left for the next poll (the journal busy for longer than the timeout, a full disk).
    reply({ type: 'error', message: `indexing failed: ${String(err)}` });
  }
  // Messages (flush, close) are handled between chunks.
  timer = caughtUp ? setTimeout(poll, POLL_MS) : setTimeout(poll, 0);
}

port.on('message', (m: IndexerRequest) => {
  try {
    if (m.type === 'flush') {
      // A flush also settles purges, so that whoever waits sees the index as the journal is.
      while (!step(true));
      reply({ type: 'flushed', id: m.id });
    } else if (m.type === 'purged') {
      purgePending = Math.max(purgePending ?? m.eventTime, m.eventTime);
    } else {
      clearTimeout(timer);
      while (!step());
      indexer.close();
      port.close();
    }
  } catch (err) {
    reply({ type: 'error', message: `${m.type} failed: ${String(err)}`, id: m.type === 'flush' ? m.id : undefined });
  }
});
poll();
