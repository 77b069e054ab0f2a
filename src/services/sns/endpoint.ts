// An HTTP(S) endpoint may carry basic authentication in its URL (https://user:password@host/), as
// SNS allows: the credentials reach the endpoint as an Authorization header, and the password is
// hidden wherever the endpoint is shown (records, delivery errors).
import { HIDDEN } from '../../aws/shapes.ts';

/**
 * The password of a URL's userinfo: from the first `:` after the scheme's `//` to the last `@`
 * of the authority, as the URL standard reads it (a username may hold `@`, a password too).
 */
const PASSWORD = /^([a-z][a-z0-9+.-]*:\/\/[^/?#:]*:)[^/?#]*@/i;

/** The endpoint as the client wrote it, with its password, if any, hidden. */
export const withoutPassword = (endpoint: string) => endpoint.replace(PASSWORD, `$1${HIDDEN}@`);

/** Where to send, and the Authorization header its credentials make (fetch refuses a URL with credentials). */
export function target(endpoint: string): { url: string; authorization?: string } {
  const url = new URL(endpoint);
  if (!url.username && !url.password) return { url: endpoint };
  const credentials = `${decodeURIComponent(url.username)}:${decodeURIComponent(url.password)}`;
  url.username = '';
  url.password = '';
  return { url: url.href, authorization: `Basic ${Buffer.from(credentials).toString('base64')}` };
}
