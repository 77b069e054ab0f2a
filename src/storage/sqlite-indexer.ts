// The worker thread behind the embedded store's Event history index (see sqlite-index.ts): it
// follows the journal, indexes new events in bulk, deletes the rows of purged events, and
// checkpoints the journal's WAL; in the background once it has caught up.
import { execFileSync } from 'node:child_process';
import { readlinkSync } from 'node:fs';
import { parentPort, workerData } from 'node:worker_threads';
import { EventIndexer } from './sqlite-index.ts';
import type { IndexerData, IndexerReply, IndexerRequest } from './sqlite-index.ts';

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
 * the WAL must not reach the writer's autocheckpoint (WAL_BOUND, see sqlite.ts), which the
 * calls being recorded would pay on the main thread. Every step (100 ms) cost ~10 µs more CPU
 * per call than every 500 ms.
 */
const CHECKPOINT_MS = 500;
/**
 * Rows of purged events are deleted at most this often: finding the event ids whose event is
 * gone reads all of them (~1 s for a million), and retention purges in many small batches.
 */
const PURGE_MS = 60_000;

const { indexFile, journalFile, lagLimit } = workerData.data as IndexerData;
const indexer = new EventIndexer(indexFile, journalFile);
const port = parentPort!;
let timer: NodeJS.Timeout | undefined;
let lastCheckpoint = 0;
/** The newest event time purged from the journal whose index rows are still here (epoch seconds). */
let purgePending: number | undefined;
let lastPurge = 0;

const reply = (m: IndexerReply) => port.postMessage(m);

/**
 * Once caught up, the indexer runs as a background thread (Linux's SCHED_IDLE): it then uses the
 * CPU time the API's calls leave, and the kernel counts its CPU as idle when it places a thread
 * being woken. Otherwise a thread woken on this machine (a client reading a response), finding
 * the indexer's CPU busy, could be put on the main thread's and preempt it. In A/B runs of
 * audited CreateAccount load on 2 CPUs, the main thread then waited 16-59% less for a CPU and
 * throughput rose 1-5% (one run: 22%; another: -4%). Lookups never wait for the index: they read
 * the events it does not hold yet from the journal.
 */
let priority: 'normal' | 'background' | 'unavailable' = 'normal';
function runInBackground(): void {
  try {
    // The thread's own id (Linux): `chrt -p` sets the policy of that thread only.
    const tid = readlinkSync('/proc/thread-self').split('/').pop()!;
    execFileSync('chrt', ['--idle', '-p', '0', tid], { stdio: 'ignore' });
    priority = 'background';
  } catch {
    priority = 'unavailable';
  }
}
/**
 * A background thread gets almost no CPU while other threads keep every CPU busy, and an
 * unprivileged thread cannot leave SCHED_IDLE: past this lag the main thread starts a new
 * indexer, at normal priority until it catches up.
 */
let lagReported = false;
/** `behind`: the events the index did not hold when the thread got to run; `left`: after it indexed. */
function watchLag(behind: number, left: number): void {
  if (left === 0 && priority === 'normal') runInBackground();
  else if (behind > lagLimit && priority === 'background' && !lagReported) {
    lagReported = true;
    reply({ type: 'lagging', events: behind });
  }
}

/** Indexes one chunk (and purges when due, or `purgeNow`); true when the index has caught up with the journal. */
function step(purgeNow = false): boolean {
  if (purgePending !== undefined && (purgeNow || Date.now() - lastPurge >= PURGE_MS)) {
    indexer.purge(purgePending);
    purgePending = undefined;
    lastPurge = Date.now();
  }
  const { behind, left } = indexer.indexPending(CHUNK);
  watchLag(behind, left);
  if (Date.now() - lastCheckpoint >= CHECKPOINT_MS) checkpoint();
  return left === 0;
}

function checkpoint(): void {
  indexer.checkpoint();
  lastCheckpoint = Date.now();
  reply({ type: 'checkpointed' });
}

/**
 * The wait before retrying after a failed step, doubled while failures repeat: a lasting one (a
 * full disk, a row the indexer cannot read) is retried and logged a few times a minute, not ten
 * times a second.
 */
const MAX_RETRY_MS = 30_000;
let retryMs = POLL_MS;

function poll(): void {
  let wait: number;
  try {
    // Messages (flush, close) are handled between chunks.
    wait = step() ? POLL_MS : 0;
    retryMs = POLL_MS;
  } catch (err) {
    // Left for a later poll (the journal busy for longer than the timeout, a full disk).
    reply({ type: 'error', message: `indexing failed: ${String(err)}` });
    wait = retryMs;
    retryMs = Math.min(retryMs * 2, MAX_RETRY_MS);
  }
  timer = setTimeout(poll, wait);
}

port.on('message', (m: IndexerRequest) => {
  const ending = m.type === 'close' || m.type === 'stop';
  if (ending) clearTimeout(timer);
  try {
    if (m.type === 'flush') {
      // A flush also settles purges, so that whoever waits sees the index as the journal is,
      // and copies the WAL (a flush follows a bulk load, or a test that wants a known state).
      while (!step(true));
      checkpoint();
      reply({ type: 'flushed', id: m.id });
    } else if (m.type === 'purged') {
      purgePending = Math.max(purgePending ?? m.eventTime, m.eventTime);
    } else if (m.type === 'close') {
      // Closing indexes what is left.
      while (!step());
    }
  } catch (err) {
    reply({ type: 'error', message: `${m.type} failed: ${String(err)}`, id: m.type === 'flush' ? m.id : undefined });
  }
  // Also when indexing failed (a full disk): the store waits for the thread to end, and the
  // index catches up at the next start. A stopped indexer is replaced by one at normal priority,
  // which carries on from the index as it is.
  if (ending) {
    indexer.close();
    port.close();
  }
});
poll();
