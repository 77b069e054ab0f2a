// One opentrail server in its own process, for the benchmarks: the load generator and the server
// must not share an event loop. Usage: serve.ts <data dir> <on|off> (recording).
import { loadConfig } from '../src/config.ts';
import { createServer } from '../src/server.ts';

const [dataDir, recording] = process.argv.slice(2);
const server = await createServer(loadConfig({ host: '127.0.0.1', port: 0, dataDir }), {
  recording: recording !== 'off',
  log: (m) => console.error(m),
});
// Server-side time of every request (from its arrival to the end of its response), in order, for
// the benchmark to read over IPC: it tells the server's share of a latency measured at the client.
// Indexed by arrival, so that a response finishing after the next request arrived keeps its place.
let durations: (number | null)[] = [];
const arrival = new WeakMap<object, number>();
server.app.addHook('onRequest', async (request) => void arrival.set(request, durations.push(null) - 1));
server.app.addHook('onResponse', async (request, reply) => void (durations[arrival.get(request)!] = reply.elapsedTime));
process.on('message', (m) => {
  if (m === 'timings') {
    process.send!(durations);
    durations = [];
  }
  // CPU time (µs) the server process has used: a cost that other load on the machine hardly changes.
  if (m === 'cpu') process.send!(process.cpuUsage());
});
const url = await server.start();
console.log(`listening on ${url}`);
process.once('SIGTERM', () => {
  server.close().then(
    () => process.exit(0),
    () => process.exit(1),
  );
});
