// Web console test helpers: Debian's Chromium driven by playwright-core, a signed-in page, and
// screenshots under test-artifacts/ (gitignored).
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { chromium } from 'playwright-core';
import type { TestContext } from 'node:test';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { startServer } from './server.ts';
import type { TestServer } from './server.ts';

export const ROOT_PASSWORD = 'console-Root-pass-1';
export const ARTIFACTS = join(import.meta.dirname, '..', '..', 'test-artifacts');

export async function launchBrowser(): Promise<Browser> {
  return chromium.launch({
    executablePath: '/usr/bin/chromium',
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'],
  });
}

/** A server with a known root password and a browser, both closed after the test. */
export async function consoleServer(t: TestContext, env: Record<string, string> = {}): Promise<{ s: TestServer; browser: Browser }> {
  const s = await startServer({ env: { OPENTRAIL_ROOT_PASSWORD: ROOT_PASSWORD, ...env } });
  // Closed even when the browser cannot start: a server left open would keep the test file running.
  t.after(() => s.close());
  const browser = await launchBrowser();
  t.after(() => browser.close());
  return { s, browser };
}

export interface ConsolePage {
  context: BrowserContext;
  page: Page;
  /** Every JavaScript dialog (alert/confirm/prompt) the page opened: injection would show here. */
  dialogs: string[];
  /** Script errors and CSP violations reported by the page. */
  errors: string[];
}

export async function openConsole(browser: Browser, url: string, opts: { userAgent?: string; colorScheme?: 'light' | 'dark'; ignoreHTTPSErrors?: boolean } = {}): Promise<ConsolePage> {
  const context = await browser.newContext({ userAgent: opts.userAgent, colorScheme: opts.colorScheme ?? 'light', viewport: { width: 1440, height: 900 }, acceptDownloads: true, ignoreHTTPSErrors: opts.ignoreHTTPSErrors });
  const page = await context.newPage();
  const dialogs: string[] = [];
  const errors: string[] = [];
  page.on('dialog', (d) => {
    dialogs.push(d.message());
    void d.dismiss();
  });
  // HTTP errors the console expects (a refused sign-in, a conflict) are not script errors.
  page.on('console', (m) => m.type() === 'error' && !m.text().startsWith('Failed to load resource') && errors.push(m.text()));
  page.on('pageerror', (e) => errors.push(String(e)));
  await page.goto(url);
  return { context, page, dialogs, errors };
}

export async function signInAsRoot(page: Page, accountId: string, password = ROOT_PASSWORD): Promise<void> {
  await page.fill('#account', accountId);
  await page.fill('#password', password);
  await page.click('button[type=submit]');
}

export async function screenshot(page: Page, name: string): Promise<void> {
  mkdirSync(ARTIFACTS, { recursive: true });
  await page.screenshot({ path: join(ARTIFACTS, `${name}.png`), fullPage: false });
}
