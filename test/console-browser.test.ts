// The console in Chromium, as a newcomer uses it: sign in, administer Chime, find the events
// by every lookup attribute, read one, download them, create a trail. Screenshots go to
// test-artifacts/.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import type { Page } from 'playwright-core';
import { CreateAccountCommand } from '@aws-sdk/client-chime';
import { LookupEventsCommand } from '@aws-sdk/client-cloudtrail';
import { FolderBucket } from '../src/buckets/folder.ts';
import { ACCOUNT_ID } from './helpers/server.ts';
import { consoleServer, openConsole, screenshot, signInAsRoot } from './helpers/console.ts';

const UA = 'Mozilla/5.0 (X11; Linux x86_64) OpentrailConsoleTest/1.0';

/** Applies an Event history filter through the form and returns the event names shown. */
async function filter(page: Page, key: string, value: string): Promise<string[]> {
  await page.selectOption('#filter-key', key);
  await page.fill('#filter-value', value);
  await Promise.all([page.waitForResponse((r) => r.url().includes('/console/api/events?')), page.press('#filter-value', 'Enter')]);
  await page.waitForFunction(() => !document.querySelector('.table-box.busy'));
  return page.locator('#events-table tbody tr td:nth-child(2)').allTextContents();
}

test('the console, end to end', async (t) => {
  const { s, browser } = await consoleServer(t);
  const c = await openConsole(browser, s.url, { userAgent: UA });
  const { page } = c;
  let accountId = '';

  await t.test('a newcomer at / lands on the sign-in page, and signs in as root', async () => {
    await page.waitForSelector('#password');
    await screenshot(page, 'console-01-sign-in');
    await signInAsRoot(page, ACCOUNT_ID, 'not-the-password');
    await page.waitForSelector('.form-error:not(:empty)');
    assert.equal(await page.textContent('.form-error'), 'Your authentication information is incorrect. Please try again.');
    await signInAsRoot(page, ACCOUNT_ID);
    await page.waitForSelector('#events-table');
    assert.equal((await page.textContent('.who'))!.trim(), `root @ ${ACCOUNT_ID}`);
    // Both attempts are in Event history already.
    const names = await page.locator('#events-table tbody tr td:nth-child(2)').allTextContents();
    assert.deepEqual(names.filter((n) => n === 'ConsoleLogin').length, 2);
  });

  await t.test('creates a Chime account, invites a user, resets a PIN', async () => {
    await page.click('a[href="#/chime"]');
    await page.click('#create-account');
    await page.fill('dialog input', 'Acme');
    await page.click('dialog button[type=submit]');
    await page.waitForSelector('#invite-users');
    accountId = decodeURIComponent(page.url().split('/accounts/')[1].split('/')[0]);
    await page.click('#invite-users');
    await page.fill('dialog input', 'ann@example.com');
    await page.click('dialog button[type=submit]');
    await page.waitForSelector('[data-action=reset-pin]');
    assert.equal(await page.textContent('tbody tr td:first-child'), 'ann@example.com');
    await page.click('[data-action=reset-pin]');
    const pin = await page.textContent('.secret');
    assert.match(pin!, /^\d{10}$/);
    await screenshot(page, 'console-02-pin-reset');
    await page.click('dialog button.primary');
  });

  await t.test('adds a domain, then the same domain in another account: the conflict is shown', async () => {
    await page.click('a.tab[href$="/domains"]');
    await page.click('#add-domain');
    await page.fill('dialog input', 'acme.example');
    await page.click('dialog button[type=submit]');
    await page.waitForSelector('tbody tr [data-action=verify]');
    await page.goto(`${s.url}/#/chime`);
    await page.click('#create-account');
    await page.fill('dialog input', 'Rival');
    await page.click('dialog button[type=submit]');
    await page.waitForSelector('#invite-users');
    await page.click('a.tab[href$="/domains"]');
    await page.click('#add-domain');
    await page.fill('dialog input', 'acme.example');
    await page.click('dialog button[type=submit]');
    await page.waitForSelector('dialog .form-error:not(:empty)');
    assert.equal(await page.textContent('dialog .form-error'), 'ConflictException: Request could not be completed due to a conflict');
    await screenshot(page, 'console-03-domain-conflict');
    await page.click('dialog button.ghost');
  });

  let asiaKey = '';
  let resetEventId = '';
  await t.test('finds those events by each of the 8 lookup attributes', async () => {
    await page.click('a[href="#/events"]');
    await page.waitForSelector('#events-table');
    assert.deepEqual(await filter(page, 'EventName', 'AddDomain'), ['AddDomain', 'AddDomain']);
    assert.equal(await page.locator('#events-table tbody tr.failed .badge.error').textContent(), 'ConflictException');
    const resets = await filter(page, 'EventName', 'ResetPersonalPIN');
    assert.deepEqual(resets, ['ResetPersonalPIN']);
    resetEventId = (await page.getAttribute('#events-table tbody tr', 'data-event-id'))!;
    await page.click('#events-table tbody tr');
    const record = JSON.parse((await page.textContent('.panel pre.json'))!);
    asiaKey = record.userIdentity.accessKeyId;
    assert.match(asiaKey, /^ASIA/);
    assert.equal(record.sessionCredentialFromConsole, 'true');
    assert.equal(record.userAgent, UA);
    await page.keyboard.press('Escape');

    assert.deepEqual(await filter(page, 'EventId', resetEventId), ['ResetPersonalPIN']);
    const byUser = await filter(page, 'Username', 'root');
    for (const n of ['ConsoleLogin', 'CreateAccount', 'InviteUsers', 'ResetPersonalPIN', 'AddDomain']) assert.ok(byUser.includes(n), n);
    const bySource = await filter(page, 'EventSource', 'chime.amazonaws.com');
    assert.ok(bySource.includes('InviteUsers') && !bySource.includes('ConsoleLogin') && !bySource.includes('LookupEvents'));
    const byType = await filter(page, 'ResourceType', 'AWS::Chime::Domain');
    assert.deepEqual(byType, ['AddDomain', 'AddDomain']);
    const byName = await filter(page, 'ResourceName', accountId);
    for (const n of ['CreateAccount', 'InviteUsers', 'ResetPersonalPIN', 'AddDomain']) assert.ok(byName.includes(n), n);
    const writes = await filter(page, 'ReadOnly', 'false');
    assert.ok(writes.includes('CreateAccount') && !writes.includes('ListUsers') && !writes.includes('LookupEvents'));
    const byKey = await filter(page, 'AccessKeyId', asiaKey);
    assert.ok(byKey.includes('CreateAccount') && !byKey.includes('ConsoleLogin'));
    // The read-only toggle hides reads whatever the attribute.
    await filter(page, 'EventSource', 'chime.amazonaws.com');
    await Promise.all([page.waitForResponse((r) => r.url().includes('hideReadOnly=1')), page.check('#filter-hide-ro')]);
    await page.waitForFunction(() => !document.querySelector('.table-box.busy'));
    const hidden = await page.locator('#events-table tbody tr td:nth-child(2)').allTextContents();
    assert.ok(hidden.includes('CreateAccount') && !hidden.includes('ListUsers') && !hidden.includes('GetAccount'));
    await page.uncheck('#filter-hide-ro');

    // An absolute time range: a day in 2020 has nothing, the day around now has the AddDomains.
    const local = (d: Date) => new Date(d.getTime() - d.getTimezoneOffset() * 60_000).toISOString().slice(0, 19);
    await page.selectOption('#filter-range', 'custom');
    await page.fill('#filter-from', '2020-01-01T00:00:00');
    await page.fill('#filter-to', '2020-01-02T00:00:00');
    assert.deepEqual(await filter(page, 'EventName', 'AddDomain'), []);
    await page.fill('#filter-from', local(new Date(Date.now() - 3600_000)));
    await page.fill('#filter-to', local(new Date(Date.now() + 3600_000)));
    assert.deepEqual(await filter(page, 'EventName', 'AddDomain'), ['AddDomain', 'AddDomain']);
    await page.selectOption('#filter-range', '1h');
  });

  await t.test('opens an event: the full record in a side panel', async () => {
    await filter(page, 'EventName', 'AddDomain');
    await page.click('#events-table tbody tr.failed');
    await page.waitForSelector('.panel:not([hidden]) pre.json');
    const record = JSON.parse((await page.textContent('.panel pre.json'))!);
    assert.equal(record.errorCode, 'ConflictException');
    assert.equal(record.errorMessage, 'Request could not be completed due to a conflict');
    assert.equal(record.eventSource, 'chime.amazonaws.com');
    assert.ok(await page.locator('.panel pre.json span.k').count() > 10, 'keys are highlighted');
    // The chart follows the filter: two AddDomain calls, one failed.
    assert.equal(await page.getAttribute('.chart svg', 'aria-label'), '2 events, 1 error');
    assert.equal(await page.locator('.chart rect.bar-error').count(), 1);
    await screenshot(page, 'console-04-event-record');
    await page.keyboard.press('Escape');
    assert.equal(await page.isHidden('.panel'), true);
  });

  await t.test('downloads every matching event as CSV and as JSON', async () => {
    await filter(page, 'EventSource', 'chime.amazonaws.com');
    const expected = await s.server.context.store.read((tx) =>
      tx.journal.lookup({ accountId: ACCOUNT_ID, region: 'us-east-1', category: 'Management', attribute: { key: 'EventSource', value: 'chime.amazonaws.com' }, startTime: new Date(0), endTime: new Date(Date.now() + 60_000), limit: 1000 }),
    );
    const [csvDownload] = await Promise.all([page.waitForEvent('download'), page.click('#download-csv')]);
    assert.match(csvDownload.suggestedFilename(), /^event-history-.*\.csv$/);
    const csv = readFileSync((await csvDownload.path())!, 'utf8').trim().split('\r\n');
    assert.equal(csv[0], '"Event ID","Event time","User name","Event name","Event source","Resource type","Resource name","Error code","Read-only","AWS access key","Source IP address","User agent","AWS region"');
    assert.equal(csv.length - 1, expected.length);
    const conflict = csv.find((l) => l.includes('"ConflictException"'))!;
    assert.match(conflict, /"AddDomain","chime\.amazonaws\.com","AWS::Chime::Account, AWS::Chime::Domain","[^"]+, acme\.example","ConflictException","false","ASIA\w+","127\.0\.0\.1","Mozilla\/5\.0 \(X11; Linux x86_64\) OpentrailConsoleTest\/1\.0","us-east-1"$/);

    const [jsonDownload] = await Promise.all([page.waitForEvent('download'), page.click('#download-json')]);
    const json = JSON.parse(readFileSync((await jsonDownload.path())!, 'utf8'));
    assert.deepEqual(
      json.Records.map((r: { eventID: string }) => r.eventID),
      expected.map((e) => e.eventId),
    );
    assert.ok(json.Records.every((r: { eventSource: string }) => r.eventSource === 'chime.amazonaws.com'));
  });

  await t.test('verifies the domain; the account, now Enterprise, gets a bot and a room', async () => {
    await page.goto(`${s.url}/#/chime/accounts/${encodeURIComponent(accountId)}/domains`);
    await page.click('[data-action=verify]');
    await page.waitForSelector('tbody tr .badge:text-is("Verified")');
    await page.click('a.tab[href$="/bots"]');
    await page.click('#create-bot');
    await page.fill('dialog input[name=DisplayName]', 'helper');
    await page.fill('dialog input[name=Domain]', 'acme.example');
    await page.click('dialog button[type=submit]');
    await page.waitForSelector('tbody tr td:text-is("helper")');
    await page.click('tbody tr button:text-is("Disable")');
    await page.waitForSelector('tbody tr .badge:text-is("Disabled")');
    await page.click('a.tab[href$="/rooms"]');
    await page.click('#create-room');
    await page.fill('dialog input', 'standup');
    await page.click('dialog button[type=submit]');
    await page.waitForSelector('tbody tr td:text-is("standup")');
    await page.click('tbody tr button:text-is("Rename")');
    await page.fill('dialog input', 'daily');
    await page.click('dialog button[type=submit]');
    await page.waitForSelector('tbody tr td:text-is("daily")');
    await screenshot(page, 'console-07-rooms');
    await page.click('tbody tr button:text-is("Delete")');
    await page.click('dialog button.danger');
    await page.waitForSelector('.tab-body .empty');
  });

  await t.test('administers an account: logs a user out, suspends, changes settings, renames, deletes', async () => {
    await page.goto(`${s.url}/#/chime`);
    await page.click('tbody tr a:text-is("Rival")');
    await page.click('#invite-users');
    await page.fill('dialog input', 'zed@example.com');
    await page.click('dialog button[type=submit]');
    await page.waitForSelector('[data-action=logout]');
    // An invited user has no session yet: the API's refusal is shown as it came.
    await page.click('[data-action=logout]');
    await page.waitForSelector('.toast.error');
    assert.match((await page.textContent('.toast.error'))!, /^BadRequestException: User [\w-]+ has not registered yet, so has no session to end\.$/);
    // In a Team account, suspending a user removes it.
    await page.click('[data-action=suspend]');
    await page.waitForSelector('.tab-body .empty');
    await page.click('a.tab[href$="/settings"]');
    await page.check('#enable-dial-out');
    await page.click('.settings button.primary');
    await page.waitForSelector('.toast:text-is("Settings saved")');
    await page.reload();
    await page.waitForSelector('#enable-dial-out');
    assert.equal(await page.isChecked('#enable-dial-out'), true);
    await page.click('#rename-account');
    await page.fill('dialog input', 'Rival Two');
    await page.click('dialog button[type=submit]');
    await page.waitForSelector('.page-header h1:text-is("Rival Two")');
    await page.click('#delete-account');
    await page.click('dialog button.danger');
    await page.waitForSelector('#create-account');
    await page.waitForSelector('tbody tr');
    assert.deepEqual(await page.locator('tbody tr td:first-child').allTextContents(), ['Acme']);
    const outcomes = { LogoutUser: 'BadRequestException', BatchSuspendUser: undefined, UpdateAccountSettings: undefined, UpdateAccount: undefined, DeleteAccount: undefined };
    for (const [name, errorCode] of Object.entries(outcomes)) {
      const found = await s.cloudtrail().send(new LookupEventsCommand({ LookupAttributes: [{ AttributeKey: 'EventName', AttributeValue: name }] }));
      const record = JSON.parse(found.Events![0].CloudTrailEvent!);
      assert.deepEqual([record.userAgent, record.sessionCredentialFromConsole, record.errorCode], [UA, 'true', errorCode], name);
    }
  });

  await t.test('creates a trail and sees its status', async () => {
    await new FolderBucket(s.dataDir, 'console-trail-bucket').create();
    await page.click('a[href="#/trails"]');
    await page.waitForSelector('#create-trail');
    await page.click('#create-trail');
    await page.fill('dialog input[name=Name]', 'console-trail');
    await page.fill('dialog input[name=S3BucketName]', 'console-trail-bucket');
    await page.click('dialog button[type=submit]');
    await page.waitForSelector('tbody tr [data-action=toggle-logging]', { timeout: 5000 }).catch(async (e) => {
      await screenshot(page, 'console-05-trails-failed');
      throw e;
    });
    const row = page.locator('tbody tr', { hasText: 'console-trail' });
    assert.equal(await row.locator('td:nth-child(2)').textContent(), 'Logging');
    assert.equal(await row.locator('td:nth-child(4)').textContent(), 'All regions');
    await screenshot(page, 'console-05-trails');
    // Edit: read-only management events only, then the form shows what the trail has.
    await row.locator('[data-action=edit]').click();
    await page.selectOption('dialog select[name=selector]', 'ReadOnly');
    await page.click('dialog button[type=submit]');
    await page.waitForSelector('.toast:text-is("Trail updated")');
    await row.locator('[data-action=edit]').click();
    assert.equal(await page.inputValue('dialog select[name=selector]'), 'ReadOnly');
    await page.click('dialog button.ghost');
    await row.locator('[data-action=toggle-logging]').click();
    await page.waitForFunction(() => document.querySelector('tbody tr td:nth-child(2)')?.textContent === 'Stopped');
  });

  await t.test('live updates and the keyboard', async () => {
    await page.click('a[href="#/events"]');
    await page.selectOption('#filter-key', '');
    await page.fill('#filter-value', '');
    await Promise.all([page.waitForResponse((r) => r.url().includes('/console/api/events?')), page.press('#filter-value', 'Enter')]);
    await page.waitForResponse((r) => r.url().includes('/console/api/events/live'));
    // A call made elsewhere (the SDK) shows up without reloading.
    await s.chime().send(new CreateAccountCommand({ Name: 'made-by-the-sdk' }));
    await page.waitForSelector('#events-table tbody tr.fresh td:nth-child(2) a:text-is("CreateAccount")', { timeout: 15_000 });
    await page.locator('#events-table').click({ position: { x: 5, y: 5 } });
    await page.keyboard.press('j');
    await page.waitForSelector('.panel:not([hidden])');
    const first = await page.textContent('.panel h2');
    await page.keyboard.press('j');
    assert.notEqual(await page.textContent('.panel h2'), null);
    await page.keyboard.press('k');
    assert.equal(await page.textContent('.panel h2'), first);
    await page.keyboard.press('Escape');
    assert.equal(await page.isHidden('.panel'), true);
    await page.keyboard.press('/');
    assert.equal(await page.evaluate(() => document.activeElement?.id), 'filter-value');
    await page.locator('#filter-value').blur();
    await page.keyboard.press('g');
    await page.keyboard.press('t');
    await page.waitForSelector('#create-trail');
  });

  await t.test('dark theme, and no script error anywhere', async () => {
    await page.click('a[href="#/events"]');
    await page.waitForSelector('#events-table');
    await page.click('button[aria-label="Toggle theme"]');
    assert.equal(await page.getAttribute('html', 'data-theme'), 'dark');
    await page.waitForTimeout(300);
    await screenshot(page, 'console-06-dark');
    assert.deepEqual(c.errors, []);
    assert.deepEqual(c.dialogs, []);
  });

  await t.test('signs out', async () => {
    await page.click('#sign-out');
    await page.waitForSelector('#password');
    assert.equal((await page.request.get(`${s.url}/console/api/events`)).status(), 401);
  });
});
