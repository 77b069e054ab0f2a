// Access keys: who owns them and their secrets (sealed at rest), and the temporary credentials
// STS and the console issue (ASIA… keys with a session token, kept only as a hash). The root key
// of the configured account is created here at first start.
import { createHash, randomBytes, randomInt, timingSafeEqual } from 'node:crypto';
import { signingKey } from '../aws/sigv4.ts';
import type { Store, Tx } from '../storage/store.ts';
import { getUserById, tagMap } from './entities.ts';
import type { Principal } from './principal.ts';
import type { SecretBox } from './secret-box.ts';

const KEYS = 'iam.accessKey';
const SESSIONS = 'iam.session';
const ACCOUNTS = 'iam.account';
const GLOBAL = 'global';

export interface AccessKeyDoc {
  accessKeyId: string;
  sealedSecret: string;
  status: 'Active' | 'Inactive';
  accountId: string;
  createDate: string;
  owner: { type: 'Root' } | { type: 'IAMUser'; userId: string };
  lastUsedDate?: string;
}

export interface AccountDoc {
  accountId: string;
  alias?: string;
  createDate: string;
}

/** Temporary credentials: the principal they act as, frozen at issue time. */
interface SessionDoc {
  accessKeyId: string;
  sealedSecret: string;
  tokenHash: string;
  accountId: string;
  expiration: string;
  principal: Principal;
}

export interface ResolvedCredentials {
  /** The secret access key as stored (SecretBox): signingKey() opens it. */
  sealedSecret: string;
  principal: Principal;
  /** When temporary credentials stop working. */
  expiresAt?: Date;
}

export interface IssuedCredentials {
  AccessKeyId: string;
  SecretAccessKey: string;
  SessionToken: string;
  Expiration: Date;
}

const ALNUM_UPPER = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';

/** An IAM-style id: a 4-letter prefix and 16 upper-case characters (AKIA..., AIDA...). */
export function newIamId(prefix: string, length = 16): string {
  let s = prefix;
  for (let i = 0; i < length; i++) s += ALNUM_UPPER[randomInt(ALNUM_UPPER.length)];
  return s;
}

export function newSecretAccessKey(): string {
  return randomBytes(30).toString('base64').replace(/\+/g, 'a').replace(/\//g, 'b');
}

/** Signing keys kept at most, before the cache starts again (a day's keys of this many key, region and service). */
const SIGNING_KEYS = 10_000;

export class Credentials {
  /**
   * Derived signing keys by sealed secret, day, region and service, so that a call does not open
   * its secret (AES-GCM, ~5 µs) and derive its key again. Keyed by the sealed form, which changes
   * with the secret; a cached key reveals no secret and signs for one day, region and service.
   */
  private readonly signingKeys = new Map<string, Buffer>();

  constructor(private readonly box: SecretBox) {}

  /** The key that resolved credentials sign with in a credential scope. */
  signingKey(resolved: ResolvedCredentials, scope: { scopeDate: string; region: string; service: string }): Buffer {
    const id = `${resolved.sealedSecret}/${scope.scopeDate}/${scope.region}/${scope.service}`;
    let key = this.signingKeys.get(id);
    if (!key) {
      key = signingKey(this.box.open(resolved.sealedSecret), scope.scopeDate, scope.region, scope.service);
      if (this.signingKeys.size >= SIGNING_KEYS) this.signingKeys.clear();
      this.signingKeys.set(id, key);
    }
    return key;
  }

  async getAccount(tx: Tx, accountId: string): Promise<AccountDoc | undefined> {
    return tx.docs.get<AccountDoc>({ collection: ACCOUNTS, partition: GLOBAL, id: accountId });
  }

  async putAccessKey(tx: Tx, doc: Omit<AccessKeyDoc, 'sealedSecret'>, secretAccessKey: string): Promise<void> {
    await tx.docs.put<AccessKeyDoc>(
      { collection: KEYS, partition: GLOBAL, id: doc.accessKeyId },
      { ...doc, sealedSecret: this.box.seal(secretAccessKey) },
      doc.accountId,
    );
  }

  async putAccount(tx: Tx, doc: AccountDoc): Promise<void> {
    await tx.docs.put<AccountDoc>({ collection: ACCOUNTS, partition: GLOBAL, id: doc.accountId }, doc, doc.alias ?? null);
  }

  async accountWithAlias(tx: Tx, alias: string): Promise<AccountDoc | undefined> {
    return (await tx.docs.findByIndex<AccountDoc>(ACCOUNTS, alias, GLOBAL))[0];
  }

  async getAccessKey(tx: Tx, accessKeyId: string): Promise<AccessKeyDoc | undefined> {
    return tx.docs.get<AccessKeyDoc>({ collection: KEYS, partition: GLOBAL, id: accessKeyId });
  }

  /** Stores a changed key document (its sealed secret as it was). */
  async updateAccessKey(tx: Tx, doc: AccessKeyDoc): Promise<void> {
    await tx.docs.put<AccessKeyDoc>({ collection: KEYS, partition: GLOBAL, id: doc.accessKeyId }, doc, doc.accountId);
  }

  /** Temporary credentials stop working now (a console sign-out), whatever their expiration. */
  async revokeSession(tx: Tx, accessKeyId: string): Promise<void> {
    await tx.docs.delete({ collection: SESSIONS, partition: GLOBAL, id: accessKeyId });
  }

  async deleteAccessKey(tx: Tx, accessKeyId: string): Promise<void> {
    await tx.docs.delete({ collection: KEYS, partition: GLOBAL, id: accessKeyId });
  }

  /** Keys of an account's root (owner Root) or of one of its users (owner's userId). */
  async accessKeysOf(tx: Tx, accountId: string, userId?: string): Promise<AccessKeyDoc[]> {
    const keys = await tx.docs.findByIndex<AccessKeyDoc>(KEYS, accountId, GLOBAL);
    return keys.filter((k) => (userId === undefined ? k.owner.type === 'Root' : k.owner.type === 'IAMUser' && k.owner.userId === userId));
  }

  /**
   * The secret and principal of usable credentials, or undefined when the key is unknown or
   * inactive, its user deleted, or the session token missing or wrong. An expired session still
   * resolves (with `expiresAt`), so the caller can answer ExpiredToken once the signature holds.
   */
  async resolve(tx: Tx, accessKeyId: string, sessionToken?: string): Promise<ResolvedCredentials | undefined> {
    if (accessKeyId.startsWith('ASIA')) return this.resolveSession(tx, accessKeyId, sessionToken);
    const key = await this.getAccessKey(tx, accessKeyId);
    if (!key || key.status !== 'Active' || sessionToken !== undefined) return undefined;
    let principal: Principal;
    if (key.owner.type === 'Root') {
      const account = await this.getAccount(tx, key.accountId);
      principal = { type: 'Root', accountId: key.accountId, accessKeyId, accountAlias: account?.alias };
    } else {
      const user = await getUserById(tx, key.accountId, key.owner.userId);
      if (!user) return undefined;
      principal = { type: 'IAMUser', accountId: key.accountId, userId: user.UserId, userName: user.UserName, path: user.Path, accessKeyId, tags: tagMap(user.Tags) };
    }
    return { sealedSecret: key.sealedSecret, principal };
  }

  private async resolveSession(tx: Tx, accessKeyId: string, sessionToken?: string): Promise<ResolvedCredentials | undefined> {
    const doc = await tx.docs.get<SessionDoc>({ collection: SESSIONS, partition: GLOBAL, id: accessKeyId });
    if (!doc || sessionToken === undefined) return undefined;
    const given = Buffer.from(tokenHash(sessionToken), 'hex');
    if (!timingSafeEqual(given, Buffer.from(doc.tokenHash, 'hex'))) return undefined;
    const principal = revive(doc.principal);
    // Credentials issued to an IAM user die with the user.
    const user = principal.type === 'IAMUser' ? principal : principal.type === 'FederatedUser' && principal.issuer.type === 'IAMUser' ? principal.issuer : undefined;
    if (user && !(await getUserById(tx, user.accountId, user.userId))) return undefined;
    return { sealedSecret: doc.sealedSecret, principal, expiresAt: new Date(doc.expiration) };
  }

  /**
   * Sessions of an account expired for a day (until then they answer ExpiredToken) are dropped
   * as new ones are issued, so their number stays about that of live ones.
   */
  private async purgeExpiredSessions(tx: Tx, accountId: string): Promise<void> {
    const cutoff = Date.now() - EXPIRED_SESSION_KEPT_MS;
    for (const doc of await tx.docs.findByIndex<SessionDoc>(SESSIONS, accountId, GLOBAL)) {
      if (Date.parse(doc.expiration) <= cutoff) await tx.docs.delete({ collection: SESSIONS, partition: GLOBAL, id: doc.accessKeyId });
    }
  }

  /** Issues temporary credentials for the principal `make` builds around the new key id. */
  async issueSession(tx: Tx, make: (accessKeyId: string) => Principal, expiration: Date): Promise<IssuedCredentials> {
    const accessKeyId = newIamId('ASIA');
    const secretAccessKey = newSecretAccessKey();
    const sessionToken = `IQoJb3JpZ2luX2VjE${randomBytes(240).toString('base64')}`;
    const principal = make(accessKeyId);
    const accountId = principal.type === 'AWSService' ? '' : principal.accountId;
    await this.purgeExpiredSessions(tx, accountId);
    await tx.docs.put<SessionDoc>(
      { collection: SESSIONS, partition: GLOBAL, id: accessKeyId },
      {
        accessKeyId,
        sealedSecret: this.box.seal(secretAccessKey),
        tokenHash: tokenHash(sessionToken),
        accountId,
        expiration: expiration.toISOString(),
        principal,
      },
      accountId,
    );
    return { AccessKeyId: accessKeyId, SecretAccessKey: secretAccessKey, SessionToken: sessionToken, Expiration: expiration };
  }

  /**
   * Makes sure the account exists with a root access key. Given credentials replace a different
   * root key; otherwise a key is generated once and its secret returned (to be shown once).
   */
  async bootstrapRoot(
    store: Store,
    accountId: string,
    given?: { accessKeyId: string; secretAccessKey: string },
  ): Promise<{ accessKeyId: string; secretAccessKey?: string }> {
    return store.write(async (tx) => {
      if (!(await this.getAccount(tx, accountId))) await this.putAccount(tx, { accountId, createDate: new Date().toISOString() });
      const rootKeys = (await tx.docs.findByIndex<AccessKeyDoc>(KEYS, accountId, GLOBAL)).filter((k) => k.owner.type === 'Root');
      const base = { status: 'Active' as const, accountId, createDate: new Date().toISOString(), owner: { type: 'Root' as const } };
      // Refused at start rather than by every call later: a key file that is not the one the
      // existing secrets were sealed with.
      if (rootKeys.length > 0) this.box.assertOpens(rootKeys[0].sealedSecret);
      if (given) {
        const current = rootKeys.find((k) => k.accessKeyId === given.accessKeyId);
        if (!current || this.box.open(current.sealedSecret) !== given.secretAccessKey) {
          for (const k of rootKeys) await tx.docs.delete({ collection: KEYS, partition: GLOBAL, id: k.accessKeyId });
          await this.putAccessKey(tx, { ...base, accessKeyId: given.accessKeyId }, given.secretAccessKey);
        }
        return { accessKeyId: given.accessKeyId };
      }
      if (rootKeys.length > 0) return { accessKeyId: rootKeys[0].accessKeyId };
      const accessKeyId = newIamId('AKIA');
      const secretAccessKey = newSecretAccessKey();
      await this.putAccessKey(tx, { ...base, accessKeyId }, secretAccessKey);
      return { accessKeyId, secretAccessKey };
    });
  }
}

const EXPIRED_SESSION_KEPT_MS = 24 * 3600_000;

const tokenHash = (token: string) => createHash('sha256').update(token).digest('hex');

/** Dates come back from JSON as strings. */
function revive(p: Principal): Principal {
  if ('session' in p && p.session) p.session.creationDate = new Date(p.session.creationDate);
  if (p.type === 'FederatedUser' && p.issuer.session) p.issuer.session.creationDate = new Date(p.issuer.session.creationDate);
  return p;
}
