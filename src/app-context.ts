// What every part of a running server shares: configuration, the store and the keys.
import type { Config } from './config.ts';
import type { Credentials } from './iam/credentials.ts';
import type { SecretBox } from './iam/secret-box.ts';
import type { Store } from './storage/store.ts';

export interface AppContext {
  config: Config;
  store: Store;
  credentials: Credentials;
  box: SecretBox;
}

/** Global services (Chime, IAM) record their events here, as AWS does since 2021. */
export const GLOBAL_REGION = 'us-east-1';
