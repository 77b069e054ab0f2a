// Access keys: who owns them and their secrets (sealed at rest). The root key of the configured
// account is created here at first start.
import { randomBytes, randomInt } from 'node:crypto';
import type { Store, Tx } from '../storage/store.ts';
import type { Principal } from './principal.ts';
import type { SecretBox } from './secret-box.ts';

const KEYS = 'iam.accessKey';
const ACCOUNTS = 'iam.account';
const GLOBAL = 'global';

export interface AccessKeyDoc {
  accessKeyId: string;
  sealedSecret: string;
  status: 'Active' | 'Inactive';
  accountId: string;
  createDate: string;
  owner: { type: 'Root' } | { type: 'IAMUser'; userName: string };
}

export interface AccountDoc {
  accountId: string;
  alias?: string;
  createDate: string;
}

export interface ResolvedCredentials {
  secretAccessKey: string;
  principal: Principal;
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

export class Credentials {
  constructor(private readonly box: SecretBox) {}

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

  /** The secret and principal of an active access key, or undefined when it is unknown. */
  async resolve(tx: Tx, accessKeyId: string): Promise<ResolvedCredentials | undefined> {
    const key = await tx.docs.get<AccessKeyDoc>({ collection: KEYS, partition: GLOBAL, id: accessKeyId });
    if (!key || key.status !== 'Active') return undefined;
    const account = await this.getAccount(tx, key.accountId);
    const principal: Principal =
      key.owner.type === 'Root'
        ? { type: 'Root', accountId: key.accountId, accessKeyId, accountAlias: account?.alias }
        : { type: 'IAMUser', accountId: key.accountId, userId: '', userName: key.owner.userName, path: '/', accessKeyId };
    return { secretAccessKey: this.box.open(key.sealedSecret), principal };
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
      if (!(await this.getAccount(tx, accountId))) {
        await tx.docs.put<AccountDoc>({ collection: ACCOUNTS, partition: GLOBAL, id: accountId }, { accountId, createDate: new Date().toISOString() });
      }
      const rootKeys = (await tx.docs.findByIndex<AccessKeyDoc>(KEYS, accountId, GLOBAL)).filter((k) => k.owner.type === 'Root');
      const base = { status: 'Active' as const, accountId, createDate: new Date().toISOString(), owner: { type: 'Root' as const } };
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
