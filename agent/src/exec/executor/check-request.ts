import { formatCpuList } from '@omega/hostinfo';
import type { Feature } from '../enforcement-report.js';
import { execError } from '../errors/index.js';
import type { SessionResources, SessionSpec } from '../spec/session-spec.js';
import type { ExecutorContext } from './executor-context.js';

const FEATURE_OF: [keyof SessionResources, Feature][] = [
  ['millicores', 'cpuCap'],
  ['cpus', 'cpuset'],
  ['cpuWeight', 'cpuWeight'],
  ['memoryBytes', 'memory'],
  ['pidsMax', 'pids'],
  ['diskBytes', 'diskQuota'],
];

/**
 * Refuses (with `enforcement: required`) every requested limit this node does not enforce, and
 * returns the lines to record for a best-effort session. A CPU weight may be approximate (nice);
 * a pids limit through RLIMIT_NPROC counts as enforced when the session gets a uid of its own.
 */
export function checkEnforceable(ctx: ExecutorContext, spec: SessionSpec): string[] {
  const missing: string[] = [];
  for (const [key, feature] of FEATURE_OF) {
    if (spec.resources[key] === undefined) continue;
    const e = ctx.report.features[feature];
    const ownUid = spec.user === undefined && ctx.allocator !== null;
    const ok =
      e.level === 'enforced' ||
      (e.level === 'approximate' && (feature === 'cpuWeight' || (feature === 'pids' && ownUid)));
    if (!ok) missing.push(e.text);
  }
  if (missing.length > 0 && spec.enforcement === 'required') {
    throw execError(
      'OMEGA_ERR_EXEC_UNENFORCEABLE',
      `Session ${spec.id} asks for limits this node cannot enforce: ${missing.join('; ')}.`,
      {
        sessionId: spec.id,
        unenforceable: missing,
      },
    );
  }
  return missing;
}

/** Pinned cores must exist here and not be pinned by another live session (exclusive cores). */
export function checkCpus(ctx: ExecutorContext, spec: SessionSpec): void {
  const { cpus, mems } = spec.resources;
  if (!cpus) return;
  const absent = [
    ...cpus.filter((c) => !ctx.report.cpus.includes(c)),
    ...(mems ?? []).filter((m) => !ctx.report.mems.includes(m)),
  ];
  if (absent.length > 0) {
    throw execError(
      'OMEGA_ERR_EXEC_CPUS_BUSY',
      `Session ${spec.id}: cores/nodes ${absent.join(',')} are not available on this node (cores ${formatCpuList(ctx.report.cpus)}).`,
      {
        sessionId: spec.id,
        cpus,
        available: ctx.report.cpus,
      },
    );
  }
  for (const rt of ctx.sessions.values()) {
    if (rt.phase === 'ended') continue;
    const theirs = (rt.record.spec.resources.cpus as number[] | undefined) ?? [];
    const overlap = cpus.filter((c) => theirs.includes(c));
    if (overlap.length > 0) {
      throw execError(
        'OMEGA_ERR_EXEC_CPUS_BUSY',
        `Session ${spec.id}: cores ${overlap.join(',')} are pinned by session ${rt.id}.`,
        {
          sessionId: spec.id,
          heldBy: rt.id,
          cpus: overlap,
        },
      );
    }
  }
}
