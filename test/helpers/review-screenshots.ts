// Screenshots that the webview tests save for a person to look at (under .test-output/), as
// opposed to the ones a test reads pixels from. Taking them costs Chromium about a third of the
// webview tests' CPU, so they are taken only when asked for: MODELSPEC_SCREENSHOTS=1, which
// `npm test` sets (scripts/test.mjs) and `npm run test:unit` does not.
import type { Locator, Page } from 'playwright-core';

type ScreenshotOptions = Parameters<Page['screenshot']>[0] & { path: string };

/** Whether this run saves the review screenshots. */
export function reviewScreenshotsWanted(): boolean {
  return process.env.MODELSPEC_SCREENSHOTS === '1';
}

/** Saves a screenshot of `target` for review, when this run wants them; else does nothing. */
export async function reviewScreenshot(target: Page | Locator, options: ScreenshotOptions): Promise<void> {
  if (!reviewScreenshotsWanted()) return;
  await target.screenshot(options);
}
