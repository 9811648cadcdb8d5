import { sh } from './sh.js';

/**
 * Makes sure `command` exists, installing the Debian `pkg` with apt-get when it is missing
 * (bounded: at most `timeoutMs` in all, apt's lock waited for at most 120 s; one `apt-get
 * update` and retry when the first attempt fails). Answers null when the command runs, else a
 * one-line reason to skip with.
 */
export async function ensureCommand(
  command: string,
  versionArgs: string[],
  pkg: string,
  progress: (line: string) => void = () => {},
  timeoutMs = 180_000,
): Promise<string | null> {
  const present = () =>
    sh(command, versionArgs, { timeoutMs: 10_000 }).then(
      (r) => r.code === 0,
      () => false,
    );
  if (await present()) return null;
  const apt = await sh('apt-get', ['--version'], { timeoutMs: 10_000 }).then(
    (r) => r.code === 0,
    () => false,
  );
  if (!apt) return `${command} is missing and apt-get is not available to install ${pkg}`;
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  const deadline = Date.now() + timeoutMs;
  let last = '';
  for (const attempt of [1, 2]) {
    const left = deadline - Date.now();
    if (left <= 0) break;
    if (attempt === 2) {
      progress(`apt-get update (installing ${pkg} failed once)`);
      await sh('apt-get', ['-o', 'DPkg::Lock::Timeout=120', 'update'], { env, timeoutMs: left });
    }
    progress(`apt-get install ${pkg} (for ${command})`);
    const r = await sh(
      'apt-get',
      ['install', '-y', '-q', '--no-install-recommends', '-o', 'DPkg::Lock::Timeout=120', pkg],
      { env, timeoutMs: Math.max(1000, deadline - Date.now()) },
    );
    last = `${r.stderr}\n${r.stdout}`.trim().split('\n').pop() ?? '';
    if (await present()) return null;
  }
  return `could not install ${pkg} for ${command}: ${last}`;
}
