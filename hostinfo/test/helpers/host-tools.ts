import { execFileSync, spawnSync } from 'node:child_process';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import { dirname, join } from 'node:path';

/** True when the tests run as root (loop devices, mounts, mdadm need it). */
export const isRoot = (): boolean => process.getuid?.() === 0;

/** True when `cmd` is on PATH. */
export function hasCommand(cmd: string): boolean {
  return spawnSync('sh', ['-c', `command -v ${cmd}`], { stdio: 'ignore' }).status === 0;
}

let aptUpdated = false;

/**
 * Makes `cmd` available, installing Debian's `pkg` when missing (root only, bounded in time).
 * Returns undefined when the command is there, else the reason it is not (for ctx.skip).
 */
export function ensureCommand(cmd: string, pkg: string, timeoutMs = 180_000): string | undefined {
  if (hasCommand(cmd)) return undefined;
  if (!isRoot()) return `${cmd} is missing and installing ${pkg} needs root`;
  if (!hasCommand('apt-get')) return `${cmd} is missing and there is no apt-get to install ${pkg}`;
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  if (!aptUpdated) {
    spawnSync('apt-get', ['update', '-qq'], { stdio: 'ignore', timeout: timeoutMs, env });
    aptUpdated = true;
  }
  const r = spawnSync(
    'apt-get',
    ['install', '-y', '-qq', '--no-install-recommends', '-o', 'DPkg::Lock::Timeout=120', pkg],
    { stdio: 'ignore', timeout: timeoutMs, env },
  );
  if (r.status !== 0 || !hasCommand(cmd))
    return `could not install ${pkg} with apt-get (exit ${r.status ?? r.signal})`;
  return undefined;
}

/** Runs a command and returns its stdout; throws with its stderr on failure. */
export function run(cmd: string, args: string[], timeoutMs = 60_000): string {
  return execFileSync(cmd, args, { encoding: 'utf8', timeout: timeoutMs, stdio: ['ignore', 'pipe', 'pipe'] });
}

/** A sparse file of `mb` MiB attached to a free loop device; detach() undoes both. */
export async function loopDevice(
  dir: string,
  name: string,
  mb: number,
): Promise<{ dev: string; file: string; detach(): void }> {
  const file = join(dir, name);
  run('truncate', ['-s', `${mb}M`, file]);
  const dev = run('losetup', ['-f', '--show', file]).trim();
  return {
    dev,
    file,
    detach() {
      spawnSync('losetup', ['-d', dev], { stdio: 'ignore' });
    },
  };
}

/** Writes `files` (relative path → text) under a new temp dir and returns it; `cleanup` removes it. */
export async function writeTree(files: Record<string, string>, prefix = 'omega-hostinfo-'): Promise<string> {
  const root = await mkdtemp(join(os.tmpdir(), prefix));
  for (const [rel, text] of Object.entries(files)) {
    await mkdir(dirname(join(root, rel)), { recursive: true });
    await writeFile(join(root, rel), text);
  }
  return root;
}

/** Removes temp dirs made by {@link writeTree} or mkdtemp. */
export async function removeAll(dirs: string[]): Promise<void> {
  for (const d of dirs.splice(0)) await rm(d, { recursive: true, force: true });
}

/** Where the fixtures live. */
export const FIXTURES = join(import.meta.dirname, '../fixtures');
