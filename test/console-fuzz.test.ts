// Random bad input to the web console's own endpoints, signed in or not: whatever a browser (or
// anyone else) sends, the console answers below 500, its API's errors are JSON with a code, and
// the server stays up. Seeded (helpers/fuzz.ts), so that a failure repeats.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { ACCOUNT_ID, startServer } from './helpers/server.ts';
import type { TestServer } from './helpers/server.ts';
import { ROOT_PASSWORD } from './helpers/console.ts';
import { BAD_JSON, generator, VALUES } from './helpers/fuzz.ts';
import type { Generator } from './helpers/fuzz.ts';
import { HttpBrowser } from './helpers/http-browser.ts';

const REQUESTS = 400;

const PATHS = [
  '/console/api/events',
  '/console/api/events/chart',
  '/console/api/events/live',
  '/console/api/events/download',
  '/console/api/session',
  '/console/api/call/{S}/{O}',
  '/console/api/sign-out',
  '/console/api/sign-in',
  '/console/api/{X}',
  '/console/assets/{X}',
  '/console/{X}',
  '/console',
  '/',
];
const TEXT = ['', ' ', 'x'.repeat(3000), '%FF', '%', 'a%zz', '%00', '..', '../../package.json', 'é', '\uD800', '<script>', 'NaN', '-1', '0', '1e309', '2026-01-01T00:00:00Z', '99999999999999', 'EventName', 'Username', 'true', '1', '[]', 'null', 'a'.repeat(2001)];
const QUERY_KEYS = ['region', 'key', 'value', 'start', 'end', 'hideReadOnly', 'token', 'after', 'format', '__proto__', 'constructor'];
const SERVICES = ['chime', 'cloudtrail', 'iam', '', '%FF', '..'];
const OPERATIONS = ['ListAccounts', 'CreateAccount', 'GetAccount', 'UpdateAccount', 'DeleteAccount', 'InviteUsers', 'LookupEvents', 'CreateTrail', 'DescribeTrails', 'Nope', 'constructor', '__proto__'];
const MEMBERS = ['Name', 'AccountId', 'UserEmailList', 'MaxResults', 'NextToken', 'LookupAttributes', 'StartTime', 'S3BucketName', 'input', 'region', '__proto__'];

interface RandomRequest {
  method: string;
  path: string;
  headers: Record<string, string>;
  body?: string;
}

/** Some text as sent in a URL: mostly percent-encoded, sometimes raw (malformed escapes included). */
const inUrl = (g: Generator, text: string) => (g.next() < 0.3 ? text : encodeURIComponent(text.replace(/[\uD800-\uDFFF]/g, '?')));

function randomRequest(g: Generator, browser: HttpBrowser): RandomRequest {
  let path = g
    .pick(PATHS)
    .replace('{S}', () => inUrl(g, g.pick(SERVICES)))
    .replace('{O}', () => inUrl(g, g.pick(OPERATIONS)))
    .replace('{X}', () => g.pick(TEXT));
  const query: string[] = [];
  // Keys may repeat: the query parser then gives an array where the console expects a string.
  for (let k = Math.floor(g.next() * 5); k > 0; k--) query.push(`${inUrl(g, g.pick(QUERY_KEYS))}=${inUrl(g, g.pick(TEXT))}`);
  if (query.length) path += `?${query.join('&')}`;
  const method = g.pick(['GET', 'GET', 'POST', 'POST', 'PUT', 'DELETE', 'HEAD', 'OPTIONS', 'PATCH']);
  const session = [...browser.cookies].map(([k, v]) => `${k}=${v}`).join('; ');
  const headers: Record<string, string> = {
    'user-agent': g.pick(['Mozilla/5.0', 'x'.repeat(5000), '\u00ff']),
    cookie: g.next() < 0.7 ? session : g.pick(['', `ot_session=${g.pick(TEXT)}`, 'ot_session=a; ot_session=b', '=; ;', `ot_presign=${g.pick(TEXT)}`]),
  };
  if (g.next() < 0.8) headers['x-csrf-token'] = g.next() < 0.7 ? browser.csrf : g.pick(TEXT);
  if (g.next() < 0.2) headers.origin = g.pick(['http://evil.example', browser.url, 'null']);
  let body: string | undefined;
  if (method !== 'GET' && method !== 'HEAD') {
    headers['content-type'] = g.pick(['application/json', 'application/json', 'text/plain', 'application/x-www-form-urlencoded', 'application/json; charset=latin1']);
    const fields = (n: number) => Object.fromEntries(Array.from({ length: n }, () => [g.pick(MEMBERS), g.pick(VALUES)]));
    if (path.startsWith('/console/api/sign-in') && g.next() < 0.5) {
      body = JSON.stringify({ accountId: g.pick([ACCOUNT_ID, ...TEXT]), password: g.pick([ROOT_PASSWORD, ...TEXT]), userName: g.pick(TEXT), mfaCode: g.pick(TEXT) });
    } else {
      body = g.next() < 0.15 ? g.pick(BAD_JSON) : JSON.stringify({ ...fields(Math.floor(g.next() * 4)), input: fields(Math.floor(g.next() * 3)) });
    }
  }
  // What fetch refuses to send is no test of the server: header values as bytes, trimmed.
  for (const k of Object.keys(headers)) headers[k] = headers[k].replace(/[^\x20-\xff]/g, '?').trim();
  return { method, path, headers, body };
}

describe('random bad input to the console', () => {
  let s: TestServer;
  let browser: HttpBrowser;
  const signIn = async () => assert.equal((await browser.signIn({ accountId: ACCOUNT_ID, password: ROOT_PASSWORD })).status, 200);
  before(async () => {
    s = await startServer({ env: { OPENTRAIL_ROOT_PASSWORD: ROOT_PASSWORD } });
    browser = new HttpBrowser(s.url);
    await signIn();
  });
  after(() => s.close());

  for (const seed of [1, 2]) {
    test(`${REQUESTS} requests (seed ${seed}): each answered below 500; the console API's errors are JSON with a code`, async () => {
      const g = generator(seed);
      for (let i = 0; i < REQUESTS; i++) {
        const { method, path, headers, body } = randomRequest(g, browser);
        const res = await fetch(s.url + path, { method, headers, body, redirect: 'manual' });
        const text = await res.text();
        const what = `${method} ${path.slice(0, 160)} ${String(body).slice(0, 120)}`;
        // The path as the server got it: fetch resolves `..` segments first.
        const received = new URL(path, s.url).pathname;
        assert.ok(res.status < 500, `${what} -> ${res.status} ${text.slice(0, 300)}`);
        // A request the pipeline answered (it looked like an API call) has the AWS error shape, tested elsewhere.
        if (res.status >= 400 && received.startsWith('/console/api') && method !== 'HEAD' && !res.headers.has('x-amzn-errortype')) {
          let code: unknown;
          try {
            code = JSON.parse(text).error?.code;
          } catch {
            code = undefined;
          }
          assert.equal(typeof code, 'string', `${what} -> ${res.status} without a JSON error code: ${text.slice(0, 300)}`);
        }
        // A random sign-out that worked ends the session the rest of the requests use.
        if (received === '/console/api/sign-out' && res.status === 200) await signIn();
      }
      const session = await browser.session();
      assert.equal(session.status, 200);
    });
  }
});
