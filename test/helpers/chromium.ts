import { existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium, type BrowserContext, type Page } from 'playwright-core';

/** Debian's Chromium (`apt-get install chromium`); the tests never download a browser. */
export const CHROMIUM_PATH = '/usr/bin/chromium';

/** Where browser tests leave their screenshots (git-ignored). */
export const TEST_OUTPUT_DIR = fileURLToPath(new URL('../../test-output/', import.meta.url));

// Headless, and quiet: no sandbox (containers), no GPU, and none of the background traffic
// (updates, sync, QUIC probes) that would reach for a network the tests do not have.
const ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

/**
 * Whether Chromium is installed. When it is not: in CI (`CI` set) this throws, so that a
 * missing browser fails the suite instead of silently skipping it; elsewhere it warns and
 * returns false, and the caller skips its browser tests (the rule `redisAvailableOrFail` follows).
 *
 * ```ts
 * const describeBrowser = chromiumAvailableOrFail() ? describe : describe.skip;
 * ```
 */
export function chromiumAvailableOrFail(path = CHROMIUM_PATH): boolean {
  if (existsSync(path)) return true;
  if (process.env.CI) {
    throw new Error(`Chromium is not installed at ${path}, and CI requires it (apt-get install chromium)`);
  }
  console.warn(`Skipping browser tests: no Chromium at ${path} (apt-get install chromium). Set CI to make this fail.`);
  return false;
}

/** A running browser with one page and its own, fresh profile. */
export interface BrowserSession {
  readonly context: BrowserContext;
  readonly page: Page;
  /** Uncaught errors and console errors of the page, as they happened. */
  readonly errors: string[];
  close(): Promise<void>;
}

/** Starts headless Chromium on an empty profile directory, removed again by `close()`. */
export async function launchChromium(): Promise<BrowserSession> {
  const profile = mkdtempSync(join(tmpdir(), 'harp-chromium-'));
  let context: BrowserContext;
  try {
    context = await chromium.launchPersistentContext(profile, {
      executablePath: CHROMIUM_PATH,
      headless: true,
      args: ARGS,
      viewport: { width: 1440, height: 1000 },
      timeout: 15_000,
    });
  } catch (error) {
    rmSync(profile, { recursive: true, force: true });
    throw error;
  }
  const page = context.pages()[0] ?? (await context.newPage());
  const errors: string[] = [];
  page.on('pageerror', (error) => errors.push(`pageerror: ${error.message}`));
  page.on('console', (message) => {
    if (message.type() === 'error') errors.push(`console: ${message.text()}`);
  });
  return {
    context,
    page,
    errors,
    close: async () => {
      await context.close().catch(() => undefined);
      rmSync(profile, { recursive: true, force: true });
    },
  };
}

/**
 * Saves a full-page PNG as `test-output/<prefix>-<test name>.png` and prints its path, so that
 * a failure in CI can be looked at. Never throws: a screenshot must not hide the test's result.
 */
export async function saveScreenshot(page: Page, prefix: string, testName: string): Promise<string | undefined> {
  const slug = testName
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-|-$/g, '')
    .slice(0, 100);
  const path = join(TEST_OUTPUT_DIR, `${prefix}-${slug}.png`);
  try {
    mkdirSync(TEST_OUTPUT_DIR, { recursive: true });
    await page.screenshot({ path, fullPage: true, timeout: 5000 });
    console.log(`screenshot: ${path}`);
    return path;
  } catch (error) {
    console.warn(`screenshot ${path} failed: ${error instanceof Error ? error.message : String(error)}`);
    return undefined;
  }
}
