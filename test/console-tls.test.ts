// Under TLS the console's cookies are Secure too, and sign-in records carry tlsDetails.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { ACCOUNT_ID, tempDir } from './helpers/server.ts';
import { consoleServer, openConsole, signInAsRoot } from './helpers/console.ts';

test('over HTTPS the session cookie is Secure, HttpOnly and SameSite=Strict; ConsoleLogin has tlsDetails', async (t) => {
  const dir = tempDir('opentrail-console-tls-');
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const cert = join(dir, 'cert.pem');
  const key = join(dir, 'key.pem');
  execFileSync('openssl', ['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes', '-days', '2', '-subj', '/CN=127.0.0.1', '-addext', 'subjectAltName=IP:127.0.0.1', '-keyout', key, '-out', cert], { stdio: 'ignore' });
  const { s, browser } = await consoleServer(t, { OPENTRAIL_TLS_CERT: cert, OPENTRAIL_TLS_KEY: key });
  assert.match(s.url, /^https:/);
  const { page, context } = await openConsole(browser, s.url, { ignoreHTTPSErrors: true });
  await signInAsRoot(page, ACCOUNT_ID);
  await page.waitForSelector('#events-table');
  const session = (await context.cookies()).find((c) => c.name === 'ot_session')!;
  assert.deepEqual([session.secure, session.httpOnly, session.sameSite, session.path], [true, true, 'Strict', '/']);

  const [login] = await s.server.context.store.read((tx) =>
    tx.journal.lookup({ accountId: ACCOUNT_ID, region: 'us-east-1', category: 'Management', attribute: { key: 'EventName', value: 'ConsoleLogin' }, startTime: new Date(0), endTime: new Date(Date.now() + 60_000), limit: 1 }),
  );
  const record = JSON.parse(login.record);
  assert.equal(record.additionalEventData.LoginTo, `${s.url}/`);
  assert.match(record.tlsDetails.tlsVersion, /^TLSv1\.[23]$/);
  assert.equal(record.tlsDetails.clientProvidedHostHeader, new URL(s.url).host);
});
