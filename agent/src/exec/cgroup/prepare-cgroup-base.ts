import { mkdir } from 'node:fs/promises';
import { dirname, join, relative, sep } from 'node:path';
import type { ExecLogger } from '../logger.js';
import { exists, readPids, readText, writeText } from './cgroup-files.js';
import type {
  CgroupLayout,
  CgroupMode,
  UnifiedHierarchy,
  V1Controller,
  V1Hierarchy,
} from './cgroup-layout.js';

/** The leaf under the base where supervisors live (outside every session's cgroup). */
export const SUPERVISORS_DIR = 'supervisors';

const describe = (err: unknown): string => (err instanceof Error ? err.message : String(err));

/** A new v1 cpuset is empty, and attaching to an empty cpuset fails (ENOSPC): copy the parent's. */
async function initCpuset(dir: string): Promise<void> {
  for (const knob of ['cpus', 'mems']) {
    const current = await readText(join(dir, `cpuset.${knob}`));
    if (current === null || current.trim() !== '') continue;
    const parent = dirname(dir);
    const from =
      (await readText(join(parent, `cpuset.effective_${knob}`))) ??
      (await readText(join(parent, `cpuset.${knob}`)));
    await writeText(join(dir, `cpuset.${knob}`), (from ?? '').trim());
  }
}

async function prepareV1(h: V1Hierarchy): Promise<void> {
  await mkdir(h.base, { recursive: true });
  await initCpuset(h.base);
}

/** Enables the session controllers from the hierarchy root down to the base (top-down, as cgroup2 requires). */
async function delegate(u: UnifiedHierarchy, logger: ExecLogger): Promise<void> {
  const wanted = u.controllers.map((c) => `+${c}`).join(' ');
  const chain = [u.mount];
  for (const part of relative(u.mount, dirname(u.base)).split(sep).filter(Boolean))
    chain.push(join(chain.at(-1)!, part));
  for (const dir of chain) {
    const enabled = ((await readText(join(dir, 'cgroup.subtree_control'))) ?? '').split(/\s+/);
    if (u.controllers.every((c) => enabled.includes(c))) continue;
    try {
      await writeText(join(dir, 'cgroup.subtree_control'), wanted);
    } catch (err) {
      // cgroup2 forbids controllers below a cgroup that holds processes: when the only one is this
      // agent, move it into a leaf of its own (what slurmd does in a delegated cgroup), then retry.
      const procs = dir === u.mount ? [] : await readPids(join(dir, 'cgroup.procs'));
      if (procs.length !== 1 || procs[0] !== process.pid) throw err;
      const leaf = join(dir, `${u.base.split(sep).at(-1)}-agent`);
      await mkdir(leaf, { recursive: true });
      await writeText(join(leaf, 'cgroup.procs'), String(process.pid));
      logger.info(
        { from: dir, to: leaf },
        'moved the agent into a leaf cgroup so sessions can get controllers',
      );
      await writeText(join(dir, 'cgroup.subtree_control'), wanted);
    }
  }
  await mkdir(u.base, { recursive: true });
  await writeText(join(u.base, 'cgroup.subtree_control'), wanted);
}

async function prepareUnified(u: UnifiedHierarchy, logger: ExecLogger): Promise<UnifiedHierarchy> {
  if (u.controllers.length > 0) await delegate(u, logger);
  await mkdir(join(u.base, SUPERVISORS_DIR), { recursive: true });
  // cgroup.kill exists in every non-root cgroup on Linux 5.14+; the supervisors leaf is one
  return { ...u, hasKill: await exists(join(u.base, SUPERVISORS_DIR, 'cgroup.kill')) };
}

function modeOf(layout: Pick<CgroupLayout, 'unified' | 'v1'>): CgroupMode {
  const hasV1 = Object.keys(layout.v1).length > 0;
  if (hasV1 && layout.unified) return 'hybrid';
  if (hasV1) return 'v1';
  return layout.unified ? 'v2' : 'none';
}

/**
 * Creates the executor's directory in every hierarchy (cpusets filled, cgroup2 controllers
 * delegated). A hierarchy that refuses (read-only, not root, processes in the way) is dropped
 * with a note, so the layout — and report() — say only what really works.
 */
export async function prepareCgroupBase(layout: CgroupLayout, logger: ExecLogger): Promise<CgroupLayout> {
  if (layout.mode === 'none') return layout;
  const notes = [...layout.notes];
  let unified = layout.unified;
  if (unified) {
    try {
      unified = await prepareUnified(unified, logger);
    } catch (err) {
      if (unified.controllers.length > 0) {
        notes.push(`cgroup2 controllers cannot be delegated under ${unified.base}: ${describe(err)}`);
        unified = { ...unified, controllers: [] };
        try {
          unified = await prepareUnified(unified, logger);
        } catch (err2) {
          notes.push(`cgroup2 at ${unified.mount} is not writable: ${describe(err2)}`);
          unified = null;
        }
      } else {
        notes.push(`cgroup2 at ${unified.mount} is not writable: ${describe(err)}`);
        unified = null;
      }
    }
  }
  const v1: CgroupLayout['v1'] = {};
  const prepared = new Map<string, boolean>();
  for (const [c, h] of Object.entries(layout.v1) as [V1Controller, V1Hierarchy][]) {
    let ok = prepared.get(h.base);
    if (ok === undefined) {
      ok = await prepareV1(h).then(
        () => true,
        (err) => {
          notes.push(`cgroup v1 ${c} at ${h.mount} is not writable: ${describe(err)}`);
          return false;
        },
      );
      prepared.set(h.base, ok);
    }
    if (ok) v1[c] = h;
  }
  const mode = modeOf({ unified, v1 });
  if (mode === 'none') notes.push('no writable cgroup');
  return { mode, unified, v1, notes };
}
