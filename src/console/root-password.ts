// The root password of the configured account: given by OPENTRAIL_ROOT_PASSWORD, or generated at
// first start and shown once. Only its scrypt hash is stored.
import type { Store, Tx } from '../storage/store.ts';
import { randomInt } from 'node:crypto';
import { hashPassword, passwordMatches } from '../iam/password.ts';

interface RootPasswordDoc {
  accountId: string;
  passwordHash: string;
  createDate: string;
}

const key = (accountId: string) => ({ collection: 'console.rootPassword', partition: 'global', id: accountId });

export async function rootPasswordHash(tx: Tx, accountId: string): Promise<string | undefined> {
  return (await tx.docs.get<RootPasswordDoc>(key(accountId)))?.passwordHash;
}

/** Makes sure the account has a root password; returns it only when it was generated now. */
export async function bootstrapRootPassword(store: Store, accountId: string, given?: string): Promise<string | undefined> {
  const current = await store.read((tx) => rootPasswordHash(tx, accountId));
  if (given !== undefined ? current && (await passwordMatches(given, current)) : current) return undefined;
  const password = given ?? generatePassword();
  // Hashed outside the transaction: scrypt is slow on purpose.
  const passwordHash = await hashPassword(password);
  await store.write((tx) => tx.docs.put<RootPasswordDoc>(key(accountId), { accountId, passwordHash, createDate: new Date().toISOString() }));
  return given === undefined ? password : undefined;
}

/** A password for people to type once: 20 characters from an unambiguous alphabet. */
function generatePassword(): string {
  const alphabet = 'abcdefghijkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789';
  return Array.from({ length: 20 }, () => alphabet[randomInt(alphabet.length)]).join('');
}
