import { chromium, type Browser } from 'playwright-core';

// Browser tests and the web benchmark drive Debian's Chromium (apt-get install -y chromium) through
// playwright-core; nothing is downloaded.
export const chromiumPath = process.env.CHROMIUM_PATH || '/usr/bin/chromium';

export const launchChromium = (): Promise<Browser> =>
  chromium.launch({
    executablePath: chromiumPath,
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
      '--disable-component-update',
      '--no-first-run',
      '--disable-sync',
    ],
  });
