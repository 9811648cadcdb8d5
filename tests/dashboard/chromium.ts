import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { type Browser, chromium } from 'playwright-core';

/** Debian's Chromium, driven by playwright-core (never a downloaded browser). */
export const CHROMIUM = '/usr/bin/chromium';

/**
 * Makes sure Debian's `chromium` is installed: as root, installs it with apt-get when missing
 * (bounded: 10 minutes, waiting at most 5 for the dpkg lock). Returns null when ready, or why
 * the browser tests must skip.
 */
export function ensureChromium(): string | null {
  if (existsSync(CHROMIUM)) return null;
  if (process.getuid?.() !== 0)
    return `${CHROMIUM} is missing and this is not root: run "apt-get install chromium" to run the browser tests`;
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  const opts = { env, stdio: 'ignore' as const, timeout: 600_000 };
  spawnSync('apt-get', ['-o', 'DPkg::Lock::Timeout=300', 'update', '-qq'], opts);
  const r = spawnSync('apt-get', ['-o', 'DPkg::Lock::Timeout=300', 'install', '-y', '-qq', 'chromium'], opts);
  if (r.status !== 0 || !existsSync(CHROMIUM))
    return `apt-get install chromium failed (exit ${r.status ?? r.signal}); install it to run the browser tests`;
  return null;
}

/** The flags this machine needs (see the environment notes): no sandbox as root, no background network. */
export const CHROMIUM_ARGS = [
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--disable-dev-shm-usage',
];

/** Launches Chromium headless (playwright-core gives it a fresh temporary profile, removed on close). */
export async function launchChromium(): Promise<Browser> {
  const args = [...CHROMIUM_ARGS];
  if (process.getuid?.() === 0) args.push('--no-sandbox');
  return chromium.launch({ executablePath: CHROMIUM, args, headless: true });
}

/** The Chromium version (for reports). */
export function chromiumVersion(): string {
  try {
    return execFileSync(CHROMIUM, ['--version'], { encoding: 'utf8', timeout: 10_000 }).trim();
  } catch {
    return 'unknown';
  }
}
