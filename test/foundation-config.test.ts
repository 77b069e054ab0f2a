// Configuration: flags beat environment variables beat defaults; a setting that cannot be used
// stops `opentrail serve` with one clear line and exit status 2; generated root credentials are
// printed once, work, survive a restart, and their secret is nowhere in clear in the data dir.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { createServer as createTcpServer } from 'node:net';
import type { AddressInfo } from 'node:net';
import { randomBytes } from 'node:crypto';
import { mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { ChimeClient, CreateAccountCommand, ListAccountsCommand } from '@aws-sdk/client-chime';
import { CloudTrailClient } from '@aws-sdk/client-cloudtrail';
import { loadConfig } from '../src/config.ts';
import { SecretBox } from '../src/iam/secret-box.ts';
import { ACCOUNT_ID, clientConfig, filesHolding, spawnServer, tempDir } from './helpers/server.ts';
import { lookupAll } from './helpers/records.ts';

const REPO = resolve(import.meta.dirname, '..');
const NO_ROOT = { OPENTRAIL_ROOT_ACCESS_KEY_ID: '', OPENTRAIL_ROOT_SECRET_ACCESS_KEY: '' };

/** Runs `opentrail <args>` to its exit; one that starts serving instead, or hangs, is stopped and reported. */
async function run(args: string[], env: Record<string, string> = {}): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const child = spawn(process.execPath, ['bin/opentrail.js', ...args], { cwd: REPO, env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  const hung = setTimeout(() => child.kill('SIGKILL'), 60_000);
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (d) => {
    stdout += d;
    if (stdout.includes('listening on')) child.kill('SIGKILL');
  });
  child.stderr.on('data', (d) => (stderr += d));
  const [code] = await once(child, 'exit');
  clearTimeout(hung);
  return { code, stdout, stderr };
}

test('flags beat environment variables, which beat the defaults', () => {
  const defaults = loadConfig({}, {});
  assert.equal(defaults.host, '127.0.0.1');
  assert.equal(defaults.port, 4747);
  assert.equal(defaults.dataDir, resolve('.opentrail'));
  assert.equal(defaults.accountId, '123456789012');
  assert.equal(defaults.retentionDays, 90);
  assert.equal(defaults.keyFile, resolve('.opentrail', 'secret.key'));
  assert.equal(defaults.tlsCert, undefined);

  const env = { OPENTRAIL_HOST: '0.0.0.0', OPENTRAIL_PORT: '5000', OPENTRAIL_DATA_DIR: '/tmp/from-env', OPENTRAIL_ACCOUNT_ID: '111122223333', OPENTRAIL_RETENTION_DAYS: '7' };
  const fromEnv = loadConfig({}, env);
  assert.deepEqual([fromEnv.host, fromEnv.port, fromEnv.dataDir, fromEnv.accountId, fromEnv.retentionDays], ['0.0.0.0', 5000, '/tmp/from-env', '111122223333', 7]);
  assert.equal(fromEnv.keyFile, '/tmp/from-env/secret.key');

  const fromFlags = loadConfig({ host: '::1', port: '6000', dataDir: '/tmp/from-flag' }, env);
  assert.deepEqual([fromFlags.host, fromFlags.port, fromFlags.dataDir], ['::1', 6000, '/tmp/from-flag']);
});

test('a flag beats its environment variable in the real command too', async () => {
  const dir = tempDir();
  try {
    // OPENTRAIL_PORT names a port that is taken; --port 0 must win over it.
    const blocker = createTcpServer().listen(0, '127.0.0.1');
    await once(blocker, 'listening');
    const taken = (blocker.address() as AddressInfo).port;
    const res = await run(['serve', '--port', '0', '--data-dir', dir], { OPENTRAIL_PORT: String(taken), OPENTRAIL_DATA_DIR: '/nonexistent/ignored' });
    assert.match(res.stdout, new RegExp(`listening on http://127\\.0\\.0\\.1:(?!${taken}\\b)\\d+ \\(data in ${dir}\\)`));
    // Without the flag, the environment variable is used: that port is taken, which is a clear error.
    const envOnly = await run(['serve', '--data-dir', dir], { OPENTRAIL_PORT: String(taken) });
    assert.equal(envOnly.code, 2);
    assert.equal(envOnly.stderr.trim(), `opentrail: cannot listen on 127.0.0.1:${taken}: listen EADDRINUSE: address already in use 127.0.0.1:${taken}`);
    blocker.close();
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('settings that cannot be used: one clear line and exit status 2', async () => {
  const dir = tempDir();
  try {
    const cases: [string[], Record<string, string>, string][] = [
      [['--port', '70000'], {}, "port must be a whole number from 0 to 65535, got '70000'"],
      [['--port', 'http'], {}, "port must be a whole number from 0 to 65535, got 'http'"],
      [[], { OPENTRAIL_PORT: '-1' }, "port must be a whole number from 0 to 65535, got '-1'"],
      [['--port', '0'], { OPENTRAIL_ACCOUNT_ID: '12345' }, "OPENTRAIL_ACCOUNT_ID must be 12 digits, got '12345'"],
      [['--port', '0'], { OPENTRAIL_ACCOUNT_ID: '12345678901x' }, "OPENTRAIL_ACCOUNT_ID must be 12 digits, got '12345678901x'"],
      [['--port', '0'], { OPENTRAIL_RETENTION_DAYS: '0' }, "OPENTRAIL_RETENTION_DAYS must be a whole number from 1 to 36500, got '0'"],
      [['--port', '0'], { OPENTRAIL_ROOT_ACCESS_KEY_ID: 'AKIAONLYTHEKEY000000', OPENTRAIL_ROOT_SECRET_ACCESS_KEY: '' }, 'OPENTRAIL_ROOT_ACCESS_KEY_ID and OPENTRAIL_ROOT_SECRET_ACCESS_KEY go together'],
      [['--port', '0'], { OPENTRAIL_TLS_CERT: '/nonexistent/cert.pem', OPENTRAIL_TLS_KEY: '/nonexistent/key.pem' }, "OPENTRAIL_TLS_KEY: cannot read '/nonexistent/key.pem' (ENOENT)"],
      [['--port', '0', '--host', 'no-such-host.invalid'], {}, 'cannot listen on no-such-host.invalid:0: getaddrinfo ENOTFOUND no-such-host.invalid'],
    ];
    // A data dir that cannot be made (a stack trace from mkdir before).
    writeFileSync(join(dir, 'a-file'), '');
    cases.push([['--port', '0', '--data-dir', join(dir, 'a-file', 'data')], {}, `cannot use the data dir '${join(dir, 'a-file', 'data')}' (ENOTDIR)`]);
    // Under /proc, where Node's recursive mkdir looped forever (the command hung).
    cases.push([['--port', '0', '--data-dir', '/proc/opentrail/data'], {}, "cannot use the data dir '/proc/opentrail/data' (ENOENT)"]);
    // A database that cannot be opened (stack traces before); a password in its URL is not shown.
    mkdirSync(join(dir, 'garbage'));
    writeFileSync(join(dir, 'garbage', 'opentrail.db'), 'not a database');
    cases.push(
      [['--port', '0', '--data-dir', join(dir, 'garbage')], {}, `cannot open the database '${join(dir, 'garbage', 'opentrail.db')}': file is not a database`],
      [['--port', '0'], { OPENTRAIL_DATABASE_URL: 'postgres://postgres:hunter2@127.0.0.1:9/x' }, 'cannot open the database OPENTRAIL_DATABASE_URL (postgres://postgres:***@127.0.0.1:9/x): connect ECONNREFUSED 127.0.0.1:9'],
    );
    const results = await Promise.all(cases.map(([flags, env]) => run(['serve', '--data-dir', dir, ...flags], env)));
    results.forEach((res, i) => {
      const [flags, env, message] = cases[i];
      assert.equal(res.stderr.trim(), `opentrail: ${message}`, `${flags.join(' ')} ${JSON.stringify(env)}`);
      assert.equal(res.code, 2);
      assert.equal(res.stdout, '');
    });
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('generated root credentials: printed once, working, sealed at rest, kept across a restart', async (t) => {
  const dir = tempDir();
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const first = await spawnServer(dir, NO_ROOT);
  const out = first.output();
  const keyId = /AWS_ACCESS_KEY_ID=(AKIA[A-Z0-9]{16})\n/.exec(out)?.[1];
  const secret = /AWS_SECRET_ACCESS_KEY=(\S+)\n/.exec(out)?.[1];
  assert.ok(keyId && secret, out);
  assert.ok(secret.length >= 40);
  const credentials = { accessKeyId: keyId, secretAccessKey: secret };
  const chime = new ChimeClient(clientConfig(first.url, { credentials }));
  await chime.send(new CreateAccountCommand({ Name: 'with-generated-keys' }));
  chime.destroy();
  const ct = new CloudTrailClient(clientConfig(first.url, { credentials }));
  const events = await lookupAll(ct);
  ct.destroy();
  assert.ok(events.length > 0 && events.every((e) => e.AccessKeyId === keyId));
  assert.ok(events.every((e) => !e.CloudTrailEvent!.includes(secret)));
  first.child.kill('SIGTERM');
  await once(first.child, 'exit');

  // No file of the data dir but the key file holds the secret in clear (database, WAL, anything).
  const files = readdirSync(dir);
  assert.ok(files.includes('opentrail.db') && files.includes('secret.key'), files.join(' '));
  for (const f of files) {
    const bytes = readFileSync(join(dir, f));
    assert.equal(bytes.includes(secret), false, `${f} holds the secret in clear`);
    assert.equal(bytes.includes(Buffer.from(secret, 'utf16le')), false, `${f} holds the secret in UTF-16`);
  }

  const second = await spawnServer(dir, NO_ROOT);
  t.after(async () => {
    second.child.kill('SIGTERM');
    await once(second.child, 'exit');
  });
  assert.ok(!second.output().includes(secret), 'the secret is printed only at the first start');
  assert.match(second.output(), new RegExp(`root access key ${keyId}`));
  assert.match(second.output(), new RegExp(`account ${ACCOUNT_ID}`));
  const again = new ChimeClient(clientConfig(second.url, { credentials }));
  t.after(() => again.destroy());
  const { Accounts } = await again.send(new ListAccountsCommand({}));
  assert.deepEqual(Accounts!.map((a) => a.Name), ['with-generated-keys']);
});

test('given root credentials replace generated ones, and their secret is sealed too', async (t) => {
  const dir = tempDir();
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const given = { OPENTRAIL_ROOT_ACCESS_KEY_ID: 'AKIAGIVENROOTKEY0001', OPENTRAIL_ROOT_SECRET_ACCESS_KEY: 'given-secret-that-must-never-be-in-clear-01' };
  const s = await spawnServer(dir, given);
  assert.ok(!s.output().includes(given.OPENTRAIL_ROOT_SECRET_ACCESS_KEY));
  const chime = new ChimeClient(clientConfig(s.url, { credentials: { accessKeyId: given.OPENTRAIL_ROOT_ACCESS_KEY_ID, secretAccessKey: given.OPENTRAIL_ROOT_SECRET_ACCESS_KEY } }));
  t.after(() => chime.destroy());
  await chime.send(new ListAccountsCommand({}));
  s.child.kill('SIGTERM');
  await once(s.child, 'exit');
  assert.deepEqual(filesHolding(dir, given.OPENTRAIL_ROOT_SECRET_ACCESS_KEY), []);
});

test('a key file that cannot open the sealed secrets stops the start with exit status 2', async (t) => {
  const dir = tempDir();
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const s = await spawnServer(dir);
  s.child.kill('SIGTERM');
  await once(s.child, 'exit');
  const keyFile = join(dir, 'secret.key');
  const original = readFileSync(keyFile);
  const cases: [string, string][] = [
    [randomBytes(32).toString('base64'), `${keyFile} cannot open the secrets sealed in the database: it is not the key file they were sealed with`],
    ['not a key', `${keyFile} does not hold a 256-bit key (base64)`],
  ];
  for (const [content, message] of cases) {
    writeFileSync(keyFile, content);
    const res = await run(['serve', '--port', '0', '--data-dir', dir], NO_ROOT);
    assert.equal(res.stderr.trim(), `opentrail: ${message}`);
    assert.equal(res.code, 2);
  }
  // With its own key file back, the data dir serves again.
  writeFileSync(keyFile, original);
  const back = await run(['serve', '--port', '0', '--data-dir', dir], NO_ROOT);
  assert.match(back.stdout, /listening on/);
});

test('processes starting together on a new data dir agree on one key file', async (t) => {
  // Each child opens the same new key file at the same moment and seals a secret with it; the
  // one that lost the race to create it crashed before (EEXIST), as a second `serve` did.
  const child = `
    import { SecretBox } from ${JSON.stringify(join(REPO, 'src/iam/secret-box.ts'))};
    const at = Number(process.argv[1]);
    while (Date.now() < at);
    console.log(SecretBox.open(process.argv[2]).seal('shared'));
  `;
  for (let round = 0; round < 5; round++) {
    const dir = tempDir();
    t.after(() => rmSync(dir, { recursive: true, force: true }));
    const file = join(dir, 'secret.key');
    const at = String(Date.now() + 1500);
    const results = await Promise.all(
      Array.from({ length: 4 }, async () => {
        const p = spawn(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', child, at, file], { cwd: REPO });
        let out = '';
        let err = '';
        p.stdout.on('data', (d) => (out += d));
        p.stderr.on('data', (d) => (err += d));
        const [code] = await once(p, 'exit');
        return { code, out: out.trim(), err };
      }),
    );
    const box = SecretBox.open(file);
    for (const r of results) {
      assert.equal(r.code, 0, r.err);
      assert.equal(box.open(r.out), 'shared', 'sealed with the key the file holds');
    }
    assert.deepEqual(readdirSync(dir), ['secret.key'], 'no copy left beside it');
  }
});
