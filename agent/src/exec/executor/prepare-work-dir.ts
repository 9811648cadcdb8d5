import { chown, mkdir, rm } from 'node:fs/promises';
import { join } from 'node:path';
import type { SessionIdentity } from '../identity/resolve-identity.js';
import { mountQuota, type QuotaMount, unmountQuota } from '../quota/work-dir-quota.js';
import type { SessionSpec } from '../spec/session-spec.js';
import type { ExecutorContext } from './executor-context.js';

/** The session's working directory: the caller's `cwd`, or one of its own (0700, owned by its uid, quota'd on request). */
export interface WorkDir {
  cwd: string;
  own: string | null;
  quota: QuotaMount | null;
}

/** Creates the session's own working directory (and mounts its quota) unless the spec names a cwd. */
export async function prepareWorkDir(
  ctx: ExecutorContext,
  spec: SessionSpec,
  who: SessionIdentity,
): Promise<WorkDir> {
  if (spec.cwd) return { cwd: spec.cwd, own: null, quota: null };
  const dir = join(ctx.opts.workRoot, spec.id);
  await mkdir(dir, { mode: 0o700 });
  try {
    let quota: QuotaMount | null = null;
    if (spec.resources.diskBytes !== undefined && ctx.quota) {
      quota = await mountQuota(
        ctx.quota,
        dir,
        spec.resources.diskBytes,
        who,
        join(ctx.opts.quotaDir, `${spec.id}.img`),
      );
    } else if (ctx.root) await chown(dir, who.uid, who.gid);
    return { cwd: dir, own: dir, quota };
  } catch (err) {
    await rm(dir, { recursive: true, force: true });
    throw err;
  }
}

/** Undoes {@link prepareWorkDir} (the quota first: the directory is its mount point). */
export async function releaseWorkDir(w: Pick<WorkDir, 'own' | 'quota'>): Promise<void> {
  if (w.quota) await unmountQuota(w.quota);
  if (w.own) await rm(w.own, { recursive: true, force: true });
}
