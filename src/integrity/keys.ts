// Digest signing keys: one RSA-2048 key pair per region at a time, replaced after the validity
// period. Private keys are sealed with the SecretBox and never leave this module; public keys are
// kept forever, since validating an old digest needs the key that signed it (ListPublicKeys).
import { createHash, createPrivateKey, generateKeyPair, sign } from 'node:crypto';
import type { KeyObject } from 'node:crypto';
import { promisify } from 'node:util';
import type { SecretBox } from '../iam/secret-box.ts';
import type { Store, Tx } from '../storage/store.ts';

const generate = promisify(generateKeyPair);
const KEYS = 'signing-keys';
const DAY = 86400_000;

export interface PublicKeyInfo {
  /** DER of the PKCS#1 RSAPublicKey (what ListPublicKeys returns, base64 on the wire). */
  der: Buffer;
  /** Lowercase hex MD5 of `der`, as digests name their key. */
  fingerprint: string;
  validFrom: Date;
  validTo: Date;
}

interface KeyDoc {
  region: string;
  fingerprint: string;
  publicKey: string; // base64 DER PKCS#1
  sealedPrivateKey: string; // PKCS#8 PEM sealed with the SecretBox
  validFrom: number; // epoch ms
  validTo: number;
}

export const fingerprintOf = (der: Buffer) => createHash('md5').update(der).digest('hex');

async function regionKeys(tx: Tx, region: string): Promise<KeyDoc[]> {
  const out: KeyDoc[] = [];
  let after: number | undefined;
  do {
    const page = await tx.docs.list<KeyDoc>(KEYS, region, { after, limit: 500 });
    out.push(...page.items);
    after = page.next;
  } while (after !== undefined);
  return out;
}

/** The key that signs at `now`: the newest one whose validity covers it. */
const currentOf = (keys: KeyDoc[], now: number) => keys.filter((k) => k.validFrom <= now && now < k.validTo).sort((a, b) => b.validFrom - a.validFrom)[0];

const toInfo = (k: KeyDoc): PublicKeyInfo => ({ der: Buffer.from(k.publicKey, 'base64'), fingerprint: k.fingerprint, validFrom: new Date(k.validFrom), validTo: new Date(k.validTo) });

export interface SigningKey {
  fingerprint: string;
  /** SHA256withRSA (RSASSA-PKCS1-v1_5) of the bytes, hex. */
  sign(data: Buffer): string;
}

export class SigningKeys {
  private readonly opened = new Map<string, KeyObject>();

  constructor(
    private readonly store: Store,
    private readonly box: SecretBox,
    private readonly validityDays: number,
  ) {}

  /** Makes sure the region has a key valid at `now`; generates it (outside any transaction) when not. */
  async ensure(region: string, at = Date.now()): Promise<void> {
    // Validity in whole seconds, as the wire carries it.
    const now = Math.floor(at / 1000) * 1000;
    if (await this.store.read(async (tx) => currentOf(await regionKeys(tx, region), now))) return;
    const pair = await generate('rsa', { modulusLength: 2048 });
    const der = pair.publicKey.export({ type: 'pkcs1', format: 'der' });
    const doc: KeyDoc = {
      region,
      fingerprint: fingerprintOf(der),
      publicKey: der.toString('base64'),
      sealedPrivateKey: this.box.seal(pair.privateKey.export({ type: 'pkcs8', format: 'pem' }) as string),
      validFrom: now,
      validTo: now + this.validityDays * DAY,
    };
    await this.store.write(async (tx) => {
      // Another process may have made one meanwhile: one current key per region.
      if (currentOf(await regionKeys(tx, region), now)) return;
      await tx.docs.put({ collection: KEYS, partition: region, id: doc.fingerprint }, doc);
    });
  }

  /** The region's signing key at `now` (the newest key when `ensure` has not run since it expired). */
  async signer(tx: Tx, region: string, now = Date.now()): Promise<SigningKey | undefined> {
    const keys = await regionKeys(tx, region);
    const doc = currentOf(keys, now) ?? keys.sort((a, b) => b.validFrom - a.validFrom)[0];
    if (!doc) return undefined;
    let key = this.opened.get(doc.fingerprint);
    if (!key) this.opened.set(doc.fingerprint, (key = createPrivateKey(this.box.open(doc.sealedPrivateKey))));
    const k = key;
    return { fingerprint: doc.fingerprint, sign: (data) => sign('sha256', data, k).toString('hex') };
  }
}

/** Public keys of a region whose validity overlaps [from, to], oldest first. */
export async function publicKeysBetween(tx: Tx, region: string, from: Date, to: Date): Promise<PublicKeyInfo[]> {
  const keys = await regionKeys(tx, region);
  return keys
    .filter((k) => k.validFrom <= to.getTime() && k.validTo >= from.getTime())
    .sort((a, b) => a.validFrom - b.validFrom)
    .map(toInfo);
}
