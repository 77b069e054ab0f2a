// Opaque pagination tokens: a position, bound to the query it belongs to and signed, so a token
// cannot be forged or reused with different parameters.
import { createHash, createHmac, timingSafeEqual } from 'node:crypto';

export class PageTokens {
  constructor(private readonly key: Buffer) {}

  /** `query` is every request parameter except the token itself. */
  encode(position: unknown, query: unknown): string {
    const body = Buffer.from(JSON.stringify({ p: position, q: digest(query) })).toString('base64url');
    return `${body}.${this.sign(body)}`;
  }

  /** The position, or undefined when the token is malformed, forged or for another query. */
  decode<T>(token: string, query: unknown): T | undefined {
    const parts = token.split('.');
    if (parts.length !== 2) return undefined;
    const [body, mac] = parts;
    if (!body) return undefined;
    // Compared as bytes: a MAC of 43 characters, not all ASCII, is longer than 43 bytes.
    const expected = Buffer.from(this.sign(body));
    const given = Buffer.from(mac);
    if (given.length !== expected.length || !timingSafeEqual(expected, given)) return undefined;
    try {
      const parsed = JSON.parse(Buffer.from(body, 'base64url').toString('utf8')) as { p: T; q: string };
      return parsed.q === digest(query) ? parsed.p : undefined;
    } catch {
      return undefined;
    }
  }

  private sign(body: string): string {
    return createHmac('sha256', this.key).update(body).digest('base64url');
  }
}

function digest(query: unknown): string {
  return createHash('sha256').update(JSON.stringify(query ?? null)).digest('base64url').slice(0, 22);
}
