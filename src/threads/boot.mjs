// A worker thread's entry: Node does not hand the main thread's loader hooks to workers, so tsx
// is registered here before the worker's TypeScript module is loaded.
import { workerData } from 'node:worker_threads';
import { register } from 'tsx/esm/api';

register();
await import(workerData.module);
