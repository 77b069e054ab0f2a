// Starts a worker thread running a TypeScript module; the module reads `workerData.data`.
import { Worker } from 'node:worker_threads';

export function startWorker(module: URL, data: unknown): Worker {
  return new Worker(new URL('./boot.mjs', import.meta.url), { workerData: { module: module.href, data } });
}
