// Headless Chromium for the web tests: Debian's `chromium` package (installed
// by scripts/system-deps.sh), driven by playwright-core. It may not reach
// anything but 127.0.0.1: no background networking, no component updates.
import { existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { ExecutionContext } from 'ava';
import { chromium, type Browser, type Page } from 'playwright-core';

const executable = () => {
  const found = [process.env.STOA_CHROMIUM, '/usr/bin/chromium', '/usr/bin/chromium-browser'].find(
    p => p && existsSync(p),
  );
  if (!found)
    throw Error(
      'Chromium not found; install it (Debian: apt-get install chromium, or run scripts/system-deps.sh) or set STOA_CHROMIUM',
    );
  return found;
};

export const launchChromium = async (t: ExecutionContext): Promise<Browser> => {
  const browser = await chromium.launch({
    executablePath: executable(),
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-dev-shm-usage',
      '--disable-background-networking',
      '--disable-component-update',
      '--no-first-run',
      '--disable-sync',
    ],
  });
  t.teardown(() => browser.close());
  return browser;
};

/** A page that fails the test on any script error it raises. */
export const openPage = async (
  t: ExecutionContext,
  browser: Browser,
  url: string,
): Promise<Page> => {
  const page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
  page.on('pageerror', error => t.fail(`script error on the page: ${error.message}`));
  await page.goto(url);
  return page;
};

/** Keeps a screenshot as a test artifact (test-artifacts/web/NAME.png). */
export const keepScreenshot = async (page: Page, name: string) => {
  const dir = join(process.cwd(), 'test-artifacts', 'web');
  mkdirSync(dir, { recursive: true });
  await page.screenshot({ path: join(dir, `${name}.png`), fullPage: true });
};
