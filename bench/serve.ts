// One opentrail server in its own process, for the benchmarks: the load generator and the server
// must not share an event loop. Usage: serve.ts <data dir> <on|off> (recording).
import { loadConfig } from '../src/config.ts';
import { createServer } from '../src/server.ts';

const [dataDir, recording] = process.argv.slice(2);
const server = await createServer(loadConfig({ host: '127.0.0.1', port: 0, dataDir }), {
  recording: recording !== 'off',
  log: (m) => console.error(m),
});
const url = await server.start();
console.log(`listening on ${url}`);
process.once('SIGTERM', () => {
  server.close().then(
    () => process.exit(0),
    () => process.exit(1),
  );
});
