// An HTTP(S) endpoint may carry basic authentication in its URL (https://user:password@host/), as
// SNS allows: the credentials reach the endpoint as an Authorization header, the password is kept
// sealed, and hidden wherever the endpoint is shown (records, listings, delivery errors).
import { HIDDEN } from '../../aws/shapes.ts';
import type { SecretBox } from '../../iam/secret-box.ts';
import { hidePassword } from '../../url-password.ts';
import type { SubscriptionDoc } from './model.ts';

/** The endpoint as the client wrote it, with its password, if any, hidden. */
export const withoutPassword = (endpoint: string) => hidePassword(endpoint, HIDDEN);

/** Where to send, without credentials, and the Authorization header they make. */
export function target(endpoint: string): { url: string; authorization?: string } {
  const url = new URL(endpoint);
  if (!url.username && !url.password) return { url: endpoint };
  const credentials = `${decodeURIComponent(url.username)}:${decodeURIComponent(url.password)}`;
  url.username = '';
  url.password = '';
  return { url: url.href, authorization: `Basic ${Buffer.from(credentials).toString('base64')}` };
}

/** A subscription's endpoint as stored: shown without its password, which is sealed apart. */
export function storedEndpoint(box: SecretBox, endpoint: string): Pick<SubscriptionDoc, 'Endpoint' | 'sealedEndpoint'> {
  const shown = withoutPassword(endpoint);
  return shown === endpoint ? { Endpoint: endpoint } : { Endpoint: shown, sealedEndpoint: box.seal(endpoint) };
}

/** A subscription's whole endpoint, password included (subscriptions stored before kept it in Endpoint). */
export const endpointOf = (box: SecretBox, sub: SubscriptionDoc) => (sub.sealedEndpoint ? box.open(sub.sealedEndpoint) : sub.Endpoint);
