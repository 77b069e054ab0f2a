// Secrets at rest (secret access keys) are encrypted with AES-256-GCM under a key kept in a file
// of its own, outside the database: a copy of the database alone reveals no secret.
import { createCipheriv, createDecipheriv, hkdfSync, randomBytes } from 'node:crypto';
import { existsSync, linkSync, readFileSync, unlinkSync, writeFileSync } from 'node:fs';
import { ConfigError } from '../config.ts';

export class SecretBox {
  /** Derived keys by purpose: deriving is far dearer than the calls that use them. */
  private readonly derived = new Map<string, Buffer>();

  private constructor(
    private readonly key: Buffer,
    readonly file: string,
  ) {}

  /**
   * Loads the key file, creating it (mode 0600) on first use. Processes starting together on one
   * data dir agree on one key: each writes a whole key beside the file, and only the first to
   * link its copy into place wins; no process reads a key half written.
   */
  static open(file: string): SecretBox {
    if (!existsSync(file)) {
      const mine = `${file}.${process.pid}.${randomBytes(4).toString('hex')}`;
      writeFileSync(mine, randomBytes(32).toString('base64') + '\n', { mode: 0o600, flag: 'wx' });
      try {
        linkSync(mine, file);
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
      } finally {
        unlinkSync(mine);
      }
    }
    const key = Buffer.from(readFileSync(file, 'utf8').trim(), 'base64');
    if (key.length !== 32) throw new ConfigError(`${file} does not hold a 256-bit key (base64)`);
    return new SecretBox(key, file);
  }

  seal(plain: string): string {
    const iv = randomBytes(12);
    const cipher = createCipheriv('aes-256-gcm', this.key, iv);
    const body = Buffer.concat([cipher.update(plain, 'utf8'), cipher.final()]);
    return Buffer.concat([iv, cipher.getAuthTag(), body]).toString('base64');
  }

  open(sealed: string): string {
    const raw = Buffer.from(sealed, 'base64');
    const decipher = createDecipheriv('aes-256-gcm', this.key, raw.subarray(0, 12));
    decipher.setAuthTag(raw.subarray(12, 28));
    return Buffer.concat([decipher.update(raw.subarray(28)), decipher.final()]).toString('utf8');
  }

  /** Refuses a key file that cannot open what was sealed before (a replaced or lost key file). */
  assertOpens(sealed: string): void {
    try {
      this.open(sealed);
    } catch {
      throw new ConfigError(`${this.file} cannot open the secrets sealed in the database: it is not the key file they were sealed with`);
    }
  }

  /** A key for another purpose (e.g. signing pagination tokens), derived from this one. */
  derive(purpose: string): Buffer {
    let key = this.derived.get(purpose);
    if (!key) {
      key = Buffer.from(hkdfSync('sha256', this.key, Buffer.alloc(0), purpose, 32));
      this.derived.set(purpose, key);
    }
    return key;
  }
}
