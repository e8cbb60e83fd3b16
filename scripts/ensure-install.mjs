// Makes `npm start` and `npm test` work on a fresh clone: installs the npm dependencies when they are
// missing or older than package-lock.json, and (with --browser) Debian's Chromium for the browser tests.
import { execSync } from 'node:child_process';
import { existsSync, statSync } from 'node:fs';

const marker = 'node_modules/.package-lock.json';
if (!existsSync(marker) || statSync(marker).mtimeMs < statSync('package-lock.json').mtimeMs) {
  console.log('installing npm dependencies (npm ci)…');
  execSync('npm ci --no-audit --no-fund', { stdio: 'inherit' });
}

if (process.argv.includes('--browser') && !existsSync('/usr/bin/chromium')) {
  const root = process.getuid?.() === 0;
  if (!root) {
    console.error(
      'The browser tests need Chromium: run `sudo apt-get install -y chromium`, then npm test again.',
    );
    process.exit(1);
  }
  console.log('installing Chromium from Debian (apt-get install chromium)…');
  execSync('apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium', {
    stdio: 'inherit',
  });
}
