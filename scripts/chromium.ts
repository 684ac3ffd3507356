import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import { onPath } from './temporal-cli';

/**
 * Chromium for the console's browser tests (test/console/), from Debian's packages: `npm run chromium` installs it
 * with apt-get when it is missing and this runs as root; otherwise it says, in one line, what to install. Idempotent:
 * an installed Chromium is left alone. The tests drive it with playwright-core (which downloads nothing).
 */

export const CHROMIUM_INSTALL_HINT = 'install Chromium from Debian\'s packages: apt-get install -y chromium';

/** The Chromium to drive: ORDO_CHROMIUM, else Debian's /usr/bin/chromium, else one on the PATH. */
export function chromiumPath(): string | undefined {
  const candidates = [process.env.ORDO_CHROMIUM, '/usr/bin/chromium', onPath('chromium'), onPath('chromium-browser')];
  return candidates.find((candidate): candidate is string => !!candidate && fs.existsSync(candidate));
}

function install(): number {
  const found = chromiumPath();
  if (found) {
    console.log(`Chromium: ${found}`);
    return 0;
  }
  const isRoot = process.getuid?.() === 0;
  if (!isRoot || !onPath('apt-get')) {
    console.log(`Chromium: not installed, and this cannot install it (${isRoot ? 'no apt-get' : 'not root'}): ${CHROMIUM_INSTALL_HINT}. The browser tests say so and skip.`);
    return 0;
  }
  const apt = (args: string[]) => spawnSync('apt-get', args, { stdio: 'inherit', env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' } }).status === 0;
  console.log('Chromium: installing Debian\'s chromium package…');
  // The package lists may be stale or missing on a fresh machine: update once when the first try fails.
  if (!apt(['install', '-y', '--no-install-recommends', 'chromium']) && !(apt(['update']) && apt(['install', '-y', '--no-install-recommends', 'chromium']))) {
    console.error(`Chromium: apt-get could not install it: ${CHROMIUM_INSTALL_HINT}`);
    return 1;
  }
  console.log(`Chromium: ${chromiumPath() ?? 'installed, but not found at /usr/bin/chromium'}`);
  return 0;
}

if (require.main === module) process.exitCode = install();
