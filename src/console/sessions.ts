// Console sessions: a random token in an HttpOnly, SameSite=Strict cookie; the store keeps only
// its SHA-256, the signed-in identity, a CSRF token and the session's sealed API credentials.
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import type { SecretBox } from '../iam/secret-box.ts';
import type { Store, Tx } from '../storage/store.ts';

export const SESSION_COOKIE = 'ot_session';
/** Before sign-in: the double-submit token that protects the sign-in form itself. */
export const PRESIGN_COOKIE = 'ot_presign';
export const SESSION_HOURS = 12;

export interface ApiCredentials {
  accessKeyId: string;
  secretAccessKey: string;
  sessionToken?: string;
}

export interface ConsoleIdentity {
  accountId: string;
  type: 'Root' | 'IAMUser';
  userName?: string;
  mfaUsed: boolean;
}

interface SessionDoc extends ConsoleIdentity {
  csrf: string;
  createdAt: string;
  expiresAt: string;
  credentials: { accessKeyId: string; sealedSecret: string; sessionToken?: string };
}

export interface Session extends ConsoleIdentity {
  id: string;
  csrf: string;
  expiresAt: Date;
  credentials: ApiCredentials;
}

const COLLECTION = 'console.session';
const keyOf = (token: string) => ({ collection: COLLECTION, partition: 'global', id: createHash('sha256').update(token).digest('hex') });
export const newToken = () => randomBytes(32).toString('base64url');

export class Sessions {
  constructor(
    private readonly store: Store,
    private readonly box: SecretBox,
    /** Ends the session's API credentials with it. */
    private readonly revoke: (tx: Tx, accessKeyId: string) => Promise<void>,
  ) {}

  /** Starts a session; returns the cookie token (never stored). */
  async create(identity: ConsoleIdentity, credentials: ApiCredentials, now = new Date()): Promise<string> {
    const token = newToken();
    const doc: SessionDoc = {
      ...identity,
      csrf: newToken(),
      createdAt: now.toISOString(),
      expiresAt: new Date(now.getTime() + SESSION_HOURS * 3600_000).toISOString(),
      credentials: { accessKeyId: credentials.accessKeyId, sealedSecret: this.box.seal(credentials.secretAccessKey), sessionToken: credentials.sessionToken },
    };
    await this.store.write((tx) => tx.docs.put(keyOf(token), doc));
    return token;
  }

  async get(token: string | undefined, now = new Date()): Promise<Session | undefined> {
    if (!token) return undefined;
    const key = keyOf(token);
    const doc = await this.store.read((tx) => tx.docs.get<SessionDoc>(key));
    if (!doc) return undefined;
    if (Date.parse(doc.expiresAt) <= now.getTime()) {
      await this.store.write((tx) => tx.docs.delete(key));
      return undefined;
    }
    const { credentials, csrf, expiresAt, accountId, type, userName, mfaUsed } = doc;
    return {
      id: key.id,
      accountId,
      type,
      userName,
      mfaUsed,
      csrf,
      expiresAt: new Date(expiresAt),
      credentials: { accessKeyId: credentials.accessKeyId, secretAccessKey: this.box.open(credentials.sealedSecret), sessionToken: credentials.sessionToken },
    };
  }

  /** Signs out: the session and the credentials the console signed its calls with end together. */
  async end(token: string | undefined): Promise<void> {
    if (!token) return;
    await this.store.write(async (tx) => {
      const doc = await tx.docs.get<SessionDoc>(keyOf(token));
      await tx.docs.delete(keyOf(token));
      if (doc) await this.revoke(tx, doc.credentials.accessKeyId);
    });
  }
}

export function sameToken(a: string | undefined, b: string | undefined): boolean {
  if (!a || !b) return false;
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

export function readCookie(header: string | undefined, name: string): string | undefined {
  for (const part of (header ?? '').split(';')) {
    const eq = part.indexOf('=');
    if (eq > 0 && part.slice(0, eq).trim() === name) return part.slice(eq + 1).trim();
  }
  return undefined;
}

export function cookie(name: string, value: string, opts: { maxAgeSeconds: number; secure: boolean }): string {
  return `${name}=${value}; Path=/; HttpOnly; SameSite=Strict; Max-Age=${opts.maxAgeSeconds}${opts.secure ? '; Secure' : ''}`;
}
