// Virtual MFA devices: their TOTP seeds (sealed at rest) and the check of a one-time code, shared
// by STS (SerialNumber + TokenCode) and the console's sign-in.
import { randomBytes } from 'node:crypto';
import type { Tx } from '../storage/store.ts';
import { getMfaDevice, putMfaDevice } from './entities.ts';
import type { MfaDeviceDoc } from './entities.ts';
import type { SecretBox } from './secret-box.ts';
import { base32Decode, base32Encode, matchTotp, timeStep, totp } from './totp.ts';

/** A new device's seed: 20 random bytes, shown once as base32. */
export function newMfaSeed(box: SecretBox): { base32: string; sealed: string } {
  const base32 = base32Encode(randomBytes(20));
  return { base32, sealed: box.seal(base32) };
}

const seedOf = (box: SecretBox, doc: MfaDeviceDoc) => base32Decode(box.open(doc.sealedSeed));

/**
 * Two consecutive codes, as EnableMFADevice asks: the time step of the second when they fit the
 * device's clock (codes up to it are spent), else undefined.
 */
export function consecutiveCodesMatch(box: SecretBox, doc: MfaDeviceDoc, code1: string, code2: string, now: Date): number | undefined {
  const seed = seedOf(box, doc);
  const current = timeStep(now);
  const step = [current - 2, current - 1, current].find((s) => totp(seed, s) === code1 && totp(seed, s + 1) === code2);
  return step === undefined ? undefined : step + 1;
}

/**
 * Checks a one-time code of the device `serial`, enabled for `userId`, and spends it (a code is
 * good once). Needs a write transaction.
 */
export async function verifyMfaCode(tx: Tx, box: SecretBox, accountId: string, userId: string, serial: string, code: string, now: Date): Promise<boolean> {
  const doc = await getMfaDevice(tx, accountId, serial);
  if (!doc || doc.enabled?.userId !== userId) return false;
  const step = matchTotp(seedOf(box, doc), code, now, doc.lastStep ?? -1);
  if (step === undefined) return false;
  await putMfaDevice(tx, { ...doc, lastStep: step });
  return true;
}
