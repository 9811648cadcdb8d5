import { existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { run } from './run.js';

/** Debian's packages for a single-node Slurm with slurmrestd and JWT. */
export const SLURM_PACKAGES = [
  'slurmctld',
  'slurmd',
  'slurm-client',
  'slurmrestd',
  'slurm-wlm-jwt-plugin',
  'munge',
] as const;

const POLICY_RC_D = '/usr/sbin/policy-rc.d';
const OUR_POLICY =
  '#!/bin/sh\n# omega slurm test substrate: no service starts while it installs packages\nexit 101\n';

/** Packages of SLURM_PACKAGES that dpkg does not list as installed (all of them when dpkg is absent). */
export async function missingSlurmPackages(): Promise<string[]> {
  const missing: string[] = [];
  for (const p of SLURM_PACKAGES) {
    try {
      const r = await run('dpkg-query', ['-W', `-f=${'$'}{Status}`, p], { timeoutMs: 15_000 });
      if (!r.stdout.includes('install ok installed')) missing.push(p);
    } catch {
      missing.push(p);
    }
  }
  return missing;
}

/**
 * Installs the missing Slurm packages with apt-get (bounded: waits at most `lockWaitSeconds`
 * for another apt to finish, and `timeoutMs` in all; one `apt-get update` and retry if the
 * first attempt fails). No service is started by the packages' scripts: a policy-rc.d that
 * forbids it is put in place for the install when none exists, and removed afterwards.
 * Resolves with null when everything is installed, else with a one-line reason.
 */
export async function installSlurmPackages(
  progress: (line: string) => void,
  options: { timeoutMs?: number; lockWaitSeconds?: number } = {},
): Promise<string | null> {
  let missing = await missingSlurmPackages();
  if (missing.length === 0) return null;
  const hasApt = await run('apt-get', ['--version'], { timeoutMs: 15_000 }).then(
    (r) => r.code === 0,
    () => false,
  );
  if (!hasApt) return `Slurm packages missing (${missing.join(', ')}) and apt-get is not available`;
  const timeoutMs = options.timeoutMs ?? 600_000;
  const lockWait = options.lockWaitSeconds ?? 480;
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  const placedPolicy = !existsSync(POLICY_RC_D);
  if (placedPolicy) writeFileSync(POLICY_RC_D, OUR_POLICY, { mode: 0o755 });
  try {
    let last = '';
    for (const attempt of [1, 2]) {
      if (attempt === 2) {
        progress('apt-get update (first install attempt failed)');
        await run('apt-get', ['-o', `DPkg::Lock::Timeout=${lockWait}`, 'update'], { env, timeoutMs });
      }
      progress(`apt-get install ${missing.join(' ')} (waits up to ${lockWait} s for another apt)`);
      const r = await run(
        'apt-get',
        [
          'install',
          '-y',
          '-q',
          '--no-install-recommends',
          '-o',
          `DPkg::Lock::Timeout=${lockWait}`,
          ...missing,
        ],
        { env, timeoutMs },
      );
      last = `${r.stderr}\n${r.stdout}`.trim().split('\n').pop() ?? '';
      missing = await missingSlurmPackages();
      if (missing.length === 0) return null;
    }
    return `apt-get could not install ${missing.join(', ')}: ${last}`;
  } finally {
    if (placedPolicy && existsSync(POLICY_RC_D) && readFileSync(POLICY_RC_D, 'utf8') === OUR_POLICY) {
      rmSync(POLICY_RC_D);
    }
  }
}
