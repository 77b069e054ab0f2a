// What the web console needs from IAM to sign people in and act for them.
//
//   const user = await verifyIamUserPassword(store, accountId, userName, password);
//     -> { principal, passwordResetRequired, mfaSerials } or undefined (unknown user, no login
//        profile, wrong password: one answer, so names cannot be probed). scrypt runs outside
//        any transaction.
//   await verifyUserMfa(tx, box, principal, code)       (write tx) -> true when one of the user's
//        enabled MFA devices accepts the TOTP code (each code works once).
//   await markPasswordUsed(tx, principal, now)           (write tx) -> sets the user's PasswordLastUsed.
//   const creds = await issueConsoleSession(tx, credentials, principal, { mfaAuthenticated: true })
//        (write tx) -> { accessKeyId, secretAccessKey, sessionToken, expiration }: temporary ASIA
//        credentials for root or an IAM user. Calls signed with them are recorded with
//        `sessionCredentialFromConsole: "true"` and sessionContext.attributes.mfaAuthenticated;
//        their permissions are the user's own (root: everything). They stop at `expiration`
//        (default 12 hours) and die with the user.
//
// Root's console password is the console's own (src/console/root-password.ts); IAM users' are
// their login profiles (CreateLoginProfile), hashed by src/iam/password.ts.
import type { Store, Tx } from '../storage/store.ts';
import type { Credentials } from './credentials.ts';
import { findUser, getUserById, mfaDevicesOf, putUser, tagMap } from './entities.ts';
import { verifyMfaCode } from './mfa.ts';
import { passwordMatches } from './password.ts';
import type { IamUserPrincipal, RootPrincipal } from './principal.ts';
import type { SecretBox } from './secret-box.ts';

const DEFAULT_SECONDS = 12 * 3600;

export interface ConsoleCredentials {
  accessKeyId: string;
  secretAccessKey: string;
  sessionToken: string;
  expiration: Date;
}

export async function issueConsoleSession(
  tx: Tx,
  credentials: Credentials,
  principal: RootPrincipal | IamUserPrincipal,
  opts: { mfaAuthenticated: boolean; now?: Date; durationSeconds?: number },
): Promise<ConsoleCredentials> {
  const now = opts.now ?? new Date();
  const session = { creationDate: now, mfaAuthenticated: opts.mfaAuthenticated, fromConsole: true, issuedBy: 'Console' as const };
  const issued = await credentials.issueSession(
    tx,
    (accessKeyId) => ({ ...principal, accessKeyId, session }),
    new Date(now.getTime() + (opts.durationSeconds ?? DEFAULT_SECONDS) * 1000),
  );
  return { accessKeyId: issued.AccessKeyId, secretAccessKey: issued.SecretAccessKey, sessionToken: issued.SessionToken, expiration: issued.Expiration };
}

export interface VerifiedUser {
  principal: IamUserPrincipal;
  passwordResetRequired: boolean;
  /** Serial numbers of the user's enabled MFA devices: when any, ask for a code. */
  mfaSerials: string[];
}

export async function verifyIamUserPassword(store: Store, accountId: string, userName: string, password: string): Promise<VerifiedUser | undefined> {
  const found = await store.read(async (tx) => {
    const user = await findUser(tx, accountId, userName);
    return user && { user, devices: await mfaDevicesOf(tx, accountId, user.UserId) };
  });
  // A missing user costs the same scrypt as a wrong password.
  const hash = found?.user.loginProfile?.passwordHash ?? DUMMY_HASH;
  const ok = await passwordMatches(password, hash);
  const profile = found?.user.loginProfile;
  if (!ok || !found || !profile) return undefined;
  const { user, devices } = found;
  return {
    principal: { type: 'IAMUser', accountId, userId: user.UserId, userName: user.UserName, path: user.Path, tags: tagMap(user.Tags) },
    passwordResetRequired: profile.passwordResetRequired,
    mfaSerials: devices.map((d) => d.SerialNumber),
  };
}

/** Whether one of the user's enabled MFA devices accepts `code` (spending it). */
export async function verifyUserMfa(tx: Tx, box: SecretBox, principal: IamUserPrincipal, code: string, now = new Date()): Promise<boolean> {
  for (const device of await mfaDevicesOf(tx, principal.accountId, principal.userId)) {
    if (await verifyMfaCode(tx, box, principal.accountId, principal.userId, device.SerialNumber, code, now)) return true;
  }
  return false;
}

export async function markPasswordUsed(tx: Tx, principal: IamUserPrincipal, now = new Date()): Promise<void> {
  const user = await getUserById(tx, principal.accountId, principal.userId);
  if (user) await putUser(tx, { ...user, PasswordLastUsed: now.toISOString() });
}

/** A valid hash of a random password, so an unknown user takes as long as a known one. */
const DUMMY_HASH = 'scrypt$32768$8$1$AAAAAAAAAAAAAAAAAAAAAA$AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA';
