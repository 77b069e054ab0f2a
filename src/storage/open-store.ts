// The store a configuration names: PostgreSQL when OPENTRAIL_DATABASE_URL is set, else SQLite in
// the data dir. One that cannot be opened is a setting that cannot be used: one line, no stack.
import { join } from 'node:path';
import { ConfigError } from '../config.ts';
import { hidePassword } from '../url-password.ts';
import type { Config } from '../config.ts';
import { PostgresStore } from './postgres.ts';
import { SqliteStore } from './sqlite.ts';
import type { Store } from './store.ts';

export async function openStore(config: Config, log?: (message: string) => void): Promise<Store> {
  const file = join(config.dataDir, 'opentrail.db');
  try {
    return config.databaseUrl ? await PostgresStore.open(config.databaseUrl, log) : new SqliteStore(file, log);
  } catch (err) {
    // A setting that is no URL may still hold a password (libpq's `password=...`): not shown.
    const shown = (url: string) => (URL.canParse(url) ? hidePassword(url, '***') : 'not a URL');
    const where = config.databaseUrl ? `OPENTRAIL_DATABASE_URL (${shown(config.databaseUrl)})` : `'${file}'`;
    throw new ConfigError(`cannot open the database ${where}: ${err instanceof Error ? err.message : String(err)}`);
  }
}
