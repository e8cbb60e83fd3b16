// Makes `npm start` and `npm test` work on a fresh clone: installs the npm dependencies when they are
// missing or older than package-lock.json, and (with --browser) Debian's Chromium for the browser tests
// and Debian's jq, the oracle the mapping tests compare jq-web with.
import { execSync } from 'node:child_process';
import { existsSync, statSync } from 'node:fs';

const marker = 'node_modules/.package-lock.json';
if (!existsSync(marker) || statSync(marker).mtimeMs < statSync('package-lock.json').mtimeMs) {
  console.log('installing npm dependencies (npm ci)…');
  execSync('npm ci --no-audit --no-fund', { stdio: 'inherit' });
}

const debianPackages = process.argv.includes('--browser')
  ? [
      ['chromium', '/usr/bin/chromium', 'the browser tests'],
      ['jq', '/usr/bin/jq', 'the jq oracle of the mapping tests'],
    ].filter(([, path]) => !existsSync(path))
  : [];
if (debianPackages.length) {
  const names = debianPackages.map(([name]) => name).join(' ');
  const why = debianPackages.map(([name, , reason]) => `${name} (${reason})`).join(' and ');
  const root = process.getuid?.() === 0;
  if (!root) {
    console.error(
      `npm test needs Debian's ${why}: run \`sudo apt-get install -y ${names}\`, then npm test again.`,
    );
    process.exit(1);
  }
  console.log(`installing ${names} from Debian (apt-get install ${names})…`);
  execSync(`apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq ${names}`, {
    stdio: 'inherit',
  });
}
