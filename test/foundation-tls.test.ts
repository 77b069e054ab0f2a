// Over TLS (OPENTRAIL_TLS_CERT / OPENTRAIL_TLS_KEY) every record carries tlsDetails as CloudTrail
// writes them; over plain HTTP it has none.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile, execFileSync } from 'node:child_process';
import { readFileSync, rmSync } from 'node:fs';
import { Agent } from 'node:https';
import { join, resolve } from 'node:path';
import { ChimeClient, CreateAccountCommand } from '@aws-sdk/client-chime';
import { CloudTrailClient, LookupEventsCommand } from '@aws-sdk/client-cloudtrail';
import { NodeHttpHandler } from '@smithy/node-http-handler';
import { aws, clientConfig, ROOT, startServer, tempDir } from './helpers/server.ts';
import type { TestServer } from './helpers/server.ts';
import { recordOfRequest } from './helpers/records.ts';

const REPO = resolve(import.meta.dirname, '..');

describe('tlsDetails', () => {
  let dir: string;
  let s: TestServer;
  let ca: Buffer;
  let host: string;

  before(async () => {
    dir = tempDir('opentrail-tls-');
    const cert = join(dir, 'cert.pem');
    const key = join(dir, 'key.pem');
    execFileSync('openssl', [
      'req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes', '-days', '2',
      '-subj', '/CN=localhost', '-addext', 'subjectAltName=DNS:localhost,IP:127.0.0.1',
      '-keyout', key, '-out', cert,
    ], { stdio: 'ignore' });
    ca = readFileSync(cert);
    s = await startServer({ env: { OPENTRAIL_TLS_CERT: cert, OPENTRAIL_TLS_KEY: key } });
    assert.match(s.url, /^https:\/\/127\.0\.0\.1:\d+$/);
    host = new URL(s.url).host;
  });
  after(async () => {
    await s.close();
    rmSync(dir, { recursive: true, force: true });
  });

  const clients = (agent: Agent) => {
    const requestHandler = new NodeHttpHandler({ httpsAgent: agent });
    return { chime: new ChimeClient({ ...clientConfig(s.url), requestHandler }), ct: new CloudTrailClient({ ...clientConfig(s.url), requestHandler }) };
  };

  test('TLS 1.3: tlsDetails with the version, the cipher suite and the Host header the client sent', async () => {
    const { chime, ct } = clients(new Agent({ ca, minVersion: 'TLSv1.3' }));
    const created = await chime.send(new CreateAccountCommand({ Name: 'over-tls13' }));
    const r = await recordOfRequest(ct, created.$metadata.requestId!);
    assert.deepEqual(r.tlsDetails, { tlsVersion: 'TLSv1.3', cipherSuite: 'TLS_AES_256_GCM_SHA384', clientProvidedHostHeader: host });
    const keys = Object.keys(r);
    assert.equal(keys.indexOf('tlsDetails'), keys.indexOf('eventCategory') + 1, 'tlsDetails follows eventCategory');
    // LookupEvents calls made over TLS carry it too.
    const probe = await ct.send(new LookupEventsCommand({ MaxResults: 1 }));
    const own = await recordOfRequest(ct, probe.$metadata.requestId!, { LookupAttributes: [{ AttributeKey: 'EventName', AttributeValue: 'LookupEvents' }] });
    assert.equal(own.tlsDetails.tlsVersion, 'TLSv1.3');
    chime.destroy();
    ct.destroy();
  });

  test('TLS 1.2: the cipher suite under its OpenSSL name, as CloudTrail writes it', async () => {
    const { chime, ct } = clients(new Agent({ ca, maxVersion: 'TLSv1.2', ciphers: 'ECDHE-ECDSA-AES128-GCM-SHA256' }));
    const created = await chime.send(new CreateAccountCommand({ Name: 'over-tls12' }));
    const r = await recordOfRequest(ct, created.$metadata.requestId!);
    assert.deepEqual(r.tlsDetails, { tlsVersion: 'TLSv1.2', cipherSuite: 'ECDHE-ECDSA-AES128-GCM-SHA256', clientProvidedHostHeader: host });
    chime.destroy();
    ct.destroy();
  });

  test('the aws CLI over TLS (trusting the certificate through AWS_CA_BUNDLE)', async () => {
    const res = await aws(s.url, ['chime', 'create-account', '--name', 'cli-over-tls'], { env: { AWS_CA_BUNDLE: join(dir, 'cert.pem') } });
    assert.equal(res.code, 0, res.stderr);
    const { ct } = clients(new Agent({ ca }));
    const found = await ct.send(new LookupEventsCommand({ LookupAttributes: [{ AttributeKey: 'ResourceName', AttributeValue: res.json.Account.AccountId }] }));
    const r = JSON.parse(found.Events![0].CloudTrailEvent!);
    assert.match(r.userAgent, /^aws-cli\//);
    assert.equal(r.tlsDetails.clientProvidedHostHeader, host);
    assert.match(r.tlsDetails.tlsVersion, /^TLSv1\.[23]$/);
    ct.destroy();
  });

  test("opentrail's commands over TLS trust what the aws CLI would: --ca-bundle, AWS_CA_BUNDLE, or nothing with --no-verify-ssl", async () => {
    const cert = join(dir, 'cert.pem');
    const run = (command: string[], env: Record<string, string> = {}) =>
      new Promise<{ code: number; stdout: string; stderr: string }>((done) =>
        execFile(process.execPath, ['bin/opentrail.js', ...command, '--endpoint-url', s.url], { cwd: REPO, env: { ...process.env, AWS_ACCESS_KEY_ID: ROOT.accessKeyId, AWS_SECRET_ACCESS_KEY: ROOT.secretAccessKey, AWS_CONFIG_FILE: '/dev/null', AWS_SHARED_CREDENTIALS_FILE: '/dev/null', ...env } }, (err, stdout, stderr) =>
          done({ code: err ? Number((err as { code?: number }).code ?? 1) : 0, stdout, stderr }),
        ),
      );
    const lookup = ['lookup-events', '--max-results', '1'];
    // The system's certificates do not include this one.
    const untrusted = await run(lookup);
    assert.equal(untrusted.code, 255);
    assert.match(untrusted.stderr, /^opentrail: cannot reach https:\/\/127\.0\.0\.1:\d+: .*self-signed certificate/);
    for (const [args, env] of [[['--ca-bundle', cert], {}], [[], { AWS_CA_BUNDLE: cert }], [['--no-verify-ssl'], {}]] as [string[], Record<string, string>][]) {
      const res = await run([...lookup, ...args], env);
      assert.equal(res.code, 0, `${args.join(' ')} ${JSON.stringify(env)}: ${res.stderr}`);
      assert.equal(JSON.parse(res.stdout).Events.length, 1);
    }
    const missing = await run([...lookup, '--ca-bundle', join(dir, 'nowhere.pem')]);
    assert.equal(missing.stderr.trim(), `Could not find a suitable TLS CA certificate bundle, invalid path: ${join(dir, 'nowhere.pem')}`);
    assert.equal(missing.code, 255);
    // validate-logs reaches the server through the same trust: the trail is unknown, not the certificate.
    const trail = 'arn:aws:cloudtrail:us-east-1:123456789012:trail/none';
    const validate = ['validate-logs', '--trail-arn', trail, '--start-time', '2026-01-01T00:00:00Z'];
    assert.match((await run(validate)).stderr, /self-signed certificate/);
    const trusted = await run([...validate, '--ca-bundle', cert]);
    assert.doesNotMatch(trusted.stderr, /certificate/);
    assert.match(trusted.stderr, /A trail could not be found for arn:aws:cloudtrail:us-east-1:123456789012:trail\/none/);
  });

  test('plain HTTP: no tlsDetails', async () => {
    const plain = await startServer();
    try {
      const created = await plain.chime().send(new CreateAccountCommand({ Name: 'plain' }));
      const r = await recordOfRequest(plain.cloudtrail(), created.$metadata.requestId!);
      assert.equal('tlsDetails' in r, false);
    } finally {
      await plain.close();
    }
  });
});
