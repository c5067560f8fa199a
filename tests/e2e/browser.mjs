// Shared set-up of the browser end-to-end tests: Debian's headless chromium through
// playwright-core (never a downloaded browser), one browser per test file, one context per device.
import { before, after } from 'node:test';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium } from 'playwright-core';

/** The native host `cargo xtask test` started. */
export const BASE = process.env.VITRINA_URL ?? 'http://127.0.0.1:3000';
/** The longest any single wait may take. */
export const TIMEOUT = 20_000;

let browser;
let profile;

/** Registers hooks that launch chromium before the file's tests and close it after. */
export function useBrowser() {
  before(async () => {
    profile = mkdtempSync(join(tmpdir(), 'vitrina-e2e-'));
    browser = await chromium.launch({
      executablePath: process.env.CHROMIUM ?? '/usr/bin/chromium',
      headless: true,
      args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
        '--disable-background-networking', '--disable-component-update', '--disable-sync'],
    });
  });
  after(async () => {
    await browser?.close();
    if (profile) rmSync(profile, { recursive: true, force: true });
  });
}

/** A new device: its own context (cookies, storage), Russian locale, and the page's JS errors. */
export async function newPage(options = {}) {
  const context = await browser.newContext({ baseURL: BASE, locale: 'ru-RU', ...options });
  context.setDefaultTimeout(TIMEOUT);
  const page = await context.newPage();
  const errors = [];
  page.on('pageerror', (e) => errors.push(String(e)));
  return { context, page, errors };
}

/** Waits until the service worker controls `page` (reloading once if it took over late). */
export async function controlledByWorker(page) {
  await page.evaluate(async () => {
    await navigator.serviceWorker.ready;
  });
  if (!(await page.evaluate(() => Boolean(navigator.serviceWorker.controller)))) {
    await page.reload();
    await page.waitForFunction(() => Boolean(navigator.serviceWorker.controller));
  }
}

