// Every string that came from a request is hostile: user agents, names, filter values and URL
// parts must show as text in the console, never as markup or script, and never as a formula
// in a downloaded CSV.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { CreateAccountCommand } from '@aws-sdk/client-chime';
import { csvCell } from '../src/console/csv.ts';
import { ACCOUNT_ID } from './helpers/server.ts';
import { consoleServer, openConsole, screenshot, signInAsRoot } from './helpers/console.ts';

const XSS_UA = '<img src=x onerror=alert(1)>';
const FORMULA_UA = "=cmd|' /C calc'!A0";
const XSS_NAME = '<script>alert(2)</script>"><svg onload=alert(3)>';

test('CSV cells that a spreadsheet would run are neutralized', () => {
  assert.equal(csvCell('=1+2'), `"'=1+2"`);
  assert.equal(csvCell('+1'), `"'+1"`);
  assert.equal(csvCell('-1'), `"'-1"`);
  assert.equal(csvCell('@SUM(A1)'), `"'@SUM(A1)"`);
  assert.equal(csvCell('\tx'), `"'\tx"`);
  assert.equal(csvCell('\rx'), `"'\rx"`);
  assert.equal(csvCell('a "quoted", b'), '"a ""quoted"", b"');
  assert.equal(csvCell(undefined), '""');
});

test('hostile user agents, names, filter values and URLs show as text', async (t) => {
  const { s, browser } = await consoleServer(t);
  // An SDK caller with a hostile user agent and a hostile account name.
  await s.chime().send(new CreateAccountCommand({ Name: XSS_NAME }));
  // A console user whose browser sends a formula as its user agent.
  const formula = await openConsole(browser, s.url, { userAgent: FORMULA_UA });
  await signInAsRoot(formula.page, ACCOUNT_ID);
  await formula.page.waitForSelector('#events-table');
  await formula.context.close();

  const c = await openConsole(browser, s.url, { userAgent: XSS_UA });
  const { page } = c;
  await signInAsRoot(page, ACCOUNT_ID, '<img src=x onerror=alert(4)>');
  await page.waitForSelector('.form-error:not(:empty)');
  await signInAsRoot(page, ACCOUNT_ID);
  await page.waitForSelector('#events-table');
  const noMarkup = () =>
    page.evaluate(() => ({
      injected: document.querySelectorAll('img[src=x], svg[onload], [onerror], [onload], script:not([src="/console/assets/js/app.js"])').length,
      scripts: document.scripts.length,
    }));

  // The account name, as a Chime page shows it.
  await page.click('a[href="#/chime"]');
  await page.waitForSelector('tbody tr');
  assert.equal(await page.textContent('tbody tr td:first-child a'), XSS_NAME);
  await page.click('tbody tr td:first-child a');
  await page.waitForSelector('#invite-users');
  assert.equal(await page.textContent('.page-header h1'), XSS_NAME);
  assert.equal(await page.textContent('#crumbs span:last-child'), XSS_NAME);
  await screenshot(page, 'console-injection-account');

  // The user agents, in Event history and in the record panel.
  await page.click('a[href="#/events"]');
  await page.waitForSelector('#events-table');
  await page.selectOption('#filter-key', 'EventName');
  await page.fill('#filter-value', 'ConsoleLogin');
  await Promise.all([page.waitForResponse((r) => r.url().includes('/console/api/events?')), page.press('#filter-value', 'Enter')]);
  await page.waitForFunction(() => document.querySelectorAll('#events-table tbody tr').length === 3);
  await page.click('#events-table tbody tr:nth-child(2)');
  const facts = await page.locator('.panel .facts dd').allTextContents();
  assert.ok(facts.includes(XSS_UA), facts.join(' | '));
  assert.match((await page.textContent('.panel pre.json'))!, /"userAgent": "<img src=x onerror=alert\(1\)>"/);
  await page.keyboard.press('Escape');
  await page.selectOption('#filter-key', 'EventName');
  await page.fill('#filter-value', 'CreateAccount');
  await Promise.all([page.waitForResponse((r) => r.url().includes('/console/api/events?')), page.press('#filter-value', 'Enter')]);
  await page.click('#events-table tbody tr');
  assert.match((await page.textContent('.panel pre.json'))!, /"name": "<script>alert\(2\)<\/script>\\"><svg onload=alert\(3\)>"/);
  await screenshot(page, 'console-injection-record');

  // A hostile filter value, and a hostile URL.
  await page.selectOption('#filter-key', 'ResourceName');
  await page.fill('#filter-value', '"><img src=x onerror=alert(5)>');
  await Promise.all([page.waitForResponse((r) => r.url().includes('/console/api/events?')), page.press('#filter-value', 'Enter')]);
  await page.waitForSelector('.table-box .empty');
  await page.goto(`${s.url}/#/chime/accounts/${encodeURIComponent('<img src=x onerror=alert(6)>')}`);
  await page.waitForSelector('.empty.error');
  assert.match((await page.textContent('#crumbs'))!, /<img src=x onerror=alert\(6\)>/);
  await page.goto(`${s.url}/#/events?key=EventName&value=${encodeURIComponent('<svg onload=alert(7)>')}`);
  await page.waitForSelector('.table-box .empty');
  assert.equal(await page.inputValue('#filter-value'), '<svg onload=alert(7)>');

  assert.deepEqual(await noMarkup(), { injected: 0, scripts: 1 });
  assert.deepEqual(c.dialogs, []);
  assert.deepEqual(c.errors, []);

  // The downloaded CSV keeps the hostile strings, as inert text.
  await page.selectOption('#filter-key', 'EventName');
  await page.fill('#filter-value', 'ConsoleLogin');
  await Promise.all([page.waitForResponse((r) => r.url().includes('/console/api/events?')), page.press('#filter-value', 'Enter')]);
  const [download] = await Promise.all([page.waitForEvent('download'), page.click('#download-csv')]);
  const rows = readFileSync((await download.path())!, 'utf8').trim().split('\r\n').slice(1);
  assert.equal(rows.length, 3);
  const agents = rows.map((r) => r.split('","').at(-2));
  assert.deepEqual(agents, [XSS_UA, XSS_UA, `'${FORMULA_UA}`]);
});
