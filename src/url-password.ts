// A URL as it may be shown: its password, if any, replaced. Used for database URLs in messages
// and SNS endpoints in records.

/**
 * The password of a URL's userinfo: from the first `:` after the scheme's `//` to the last `@`
 * of the authority, as the URL standard reads it (a username may hold `@`, a password too).
 */
const PASSWORD = /^([a-z][a-z0-9+.-]*:\/\/[^/?#:]*:)[^/?#]*@/i;

/** The URL as it was written, with its password, if any, replaced by `mask`. */
export const hidePassword = (url: string, mask: string) => url.replace(PASSWORD, `$1${mask}@`);
