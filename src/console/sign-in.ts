// Console sign-in, for root (account id and the root password) and IAM users (account id or
// alias, user name, password, and a TOTP code when the user has an MFA device). Every attempt,
// good or bad, is a ConsoleLogin event (signin.amazonaws.com, AwsConsoleSignIn) built by the
// one record builder and appended to the journal. A good one gets temporary console
// credentials, so the session's API calls are recorded with sessionCredentialFromConsole.
import type { AppContext } from '../app-context.ts';
import { GLOBAL_REGION } from '../app-context.ts';
import { journalEntry } from '../audit/record.ts';
import type { TlsInfo } from '../aws/request.ts';
import { issueConsoleSession, markPasswordUsed, verifyIamUserPassword, verifyUserMfa } from '../iam/console-session.ts';
import { findUser } from '../iam/entities.ts';
import { passwordMatches } from '../iam/password.ts';
import type { IamUserPrincipal, Principal, RootPrincipal } from '../iam/principal.ts';
import { rootPasswordHash } from './root-password.ts';
import type { ApiCredentials, ConsoleIdentity } from './sessions.ts';

export interface SignInForm {
  /** Account id, or its alias for IAM users. */
  account: string;
  userName?: string;
  password: string;
  mfaCode?: string;
}

/** What the browser's request tells about where the sign-in came from. */
export interface ClientFacts {
  sourceIp: string;
  userAgent?: string;
  tls?: TlsInfo;
  /** The console address signed into (additionalEventData.LoginTo). */
  loginTo: string;
}

export type SignInResult =
  | { ok: true; identity: ConsoleIdentity; credentials: ApiCredentials }
  /** `mfaRequired`: the password was right and the user has an MFA device, but no code came. */
  | { ok: false; mfaRequired?: boolean };

/** CloudTrail hides a user name that does not exist (it may be a password typed in the wrong box). */
const HIDDEN = 'HIDDEN_DUE_TO_SECURITY_REASONS';

export class SignIn {
  constructor(private readonly app: AppContext) {}

  async attempt(form: SignInForm, client: ClientFacts): Promise<SignInResult> {
    const account = await this.app.store.read(async (tx) =>
      /^\d{12}$/.test(form.account) ? this.app.credentials.getAccount(tx, form.account) : form.userName ? this.app.credentials.accountWithAlias(tx, form.account.toLowerCase()) : undefined,
    );
    // An unknown account has nobody to record the attempt for.
    if (!account) return { ok: false };
    return form.userName ? this.asUser(account.accountId, form.userName, form, client) : this.asRoot({ type: 'Root', accountId: account.accountId, accountAlias: account.alias }, form, client);
  }

  private async asRoot(root: RootPrincipal, form: SignInForm, client: ClientFacts): Promise<SignInResult> {
    const hash = await this.app.store.read((tx) => rootPasswordHash(tx, root.accountId));
    const good = hash !== undefined && (await passwordMatches(form.password, hash));
    return this.finish(root, good, false, client);
  }

  private async asUser(accountId: string, userName: string, form: SignInForm, client: ClientFacts): Promise<SignInResult> {
    const verified = await verifyIamUserPassword(this.app.store, accountId, userName, form.password);
    if (!verified) {
      const user = await this.app.store.read((tx) => findUser(tx, accountId, userName));
      const principal: IamUserPrincipal = user
        ? { type: 'IAMUser', accountId, userId: user.UserId, userName: user.UserName, path: user.Path }
        : { type: 'IAMUser', accountId, userId: '', userName: HIDDEN, path: '/' };
      return this.finish(principal, false, false, client);
    }
    const needsMfa = verified.mfaSerials.length > 0;
    // A right password without the code is not yet an attempt: the form asks for the code.
    if (needsMfa && !form.mfaCode) return { ok: false, mfaRequired: true };
    const mfaOk = !needsMfa || (await this.app.store.write((tx) => verifyUserMfa(tx, this.app.box, verified.principal, form.mfaCode!)));
    return this.finish(verified.principal, mfaOk, needsMfa, client);
  }

  private async finish(principal: RootPrincipal | IamUserPrincipal, success: boolean, mfaUsed: boolean, client: ClientFacts): Promise<SignInResult> {
    const entry = journalEntry({
      principal: { ...principal, accessKeyId: '' } as Principal,
      eventSource: 'signin.amazonaws.com',
      eventName: 'ConsoleLogin',
      eventType: 'AwsConsoleSignIn',
      awsRegion: GLOBAL_REGION,
      recipientAccountId: principal.accountId,
      eventTime: new Date(),
      sourceIPAddress: client.sourceIp,
      userAgent: client.userAgent,
      readOnly: false,
      requestParameters: null,
      responseElements: { ConsoleLogin: success ? 'Success' : 'Failure' },
      error: success ? undefined : { message: 'Failed authentication' },
      additionalEventData: { LoginTo: client.loginTo, MobileVersion: 'No', MFAUsed: mfaUsed ? 'Yes' : 'No' },
      tls: client.tls,
    });
    // The record and, on success, the session's credentials commit together.
    const credentials = await this.app.store.write(async (tx) => {
      await tx.journal.append(entry);
      if (!success) return undefined;
      if (principal.type === 'IAMUser') await markPasswordUsed(tx, principal);
      return issueConsoleSession(tx, this.app.credentials, principal, { mfaAuthenticated: mfaUsed });
    });
    if (!credentials) return { ok: false };
    const identity: ConsoleIdentity = { accountId: principal.accountId, type: principal.type, userName: principal.type === 'IAMUser' ? principal.userName : undefined, mfaUsed };
    return { ok: true, identity, credentials: { accessKeyId: credentials.accessKeyId, secretAccessKey: credentials.secretAccessKey, sessionToken: credentials.sessionToken } };
  }
}
