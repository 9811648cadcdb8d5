import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { access, constants, mkdir, readFile, rename, unlink } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import type { ExecLogger } from '../logger.js';

const run = promisify(execFile);

/** The supervisor's C source, shipped with the package and compiled on first use. */
export const SHIM_SOURCE = fileURLToPath(new URL('./omega-shim.c', import.meta.url));

/**
 * Returns the path of the compiled supervisor, compiling it with the system C compiler (`$CC`,
 * else `cc`) into `dir` on first use; the binary is named after the source's hash, so an
 * upgraded agent builds its own. `null` when there is no compiler: the executor then falls back
 * to direct spawning and report() says what that loses.
 */
export async function ensureShim(
  dir: string,
  logger: ExecLogger,
  cc = process.env.CC ?? 'cc',
): Promise<string | null> {
  const source = await readFile(SHIM_SOURCE);
  const hash = createHash('sha256').update(source).digest('hex').slice(0, 16);
  const target = join(dir, `omega-shim-${hash}`);
  const ready = await access(target, constants.X_OK).then(
    () => true,
    () => false,
  );
  if (ready) return target;
  await mkdir(dir, { recursive: true, mode: 0o700 });
  const tmp = `${target}.${process.pid}.${Date.now()}.tmp`;
  const started = performance.now();
  try {
    await run(cc, ['-O2', '-Wall', '-o', tmp, SHIM_SOURCE], { timeout: 120_000 });
    await rename(tmp, target);
    logger.info(
      { binary: target, ms: Math.round(performance.now() - started) },
      'built the omega-shim session supervisor',
    );
    return target;
  } catch (err) {
    await unlink(tmp).catch(() => {});
    logger.warn(
      { cc, err: (err as { stderr?: string }).stderr?.trim() || (err as Error).message },
      'cannot build the omega-shim supervisor: sessions are spawned directly (no log cap; an exit while the agent is down loses its status); install a C compiler to fix',
    );
    return null;
  }
}
