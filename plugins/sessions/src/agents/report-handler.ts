import type { AgentReportEvent } from '@omega/plugin-nodes/contract';
import { REPORT_TOPICS, type UsageReport } from '../agent-ops.js';
import type { SessionUsage } from '../contract.js';
import { applyStatus, isAgentStatus } from '../lifecycle/apply-status.js';
import type { SessionsRuntime } from '../runtime.js';
import { parseSlurmReport } from '../slurm/slurm-hosts.js';

const isUsage = (u: unknown): u is SessionUsage => {
  const v = u as Partial<SessionUsage> | null;
  return v !== null && typeof v === 'object' && typeof v.cpuTotalSec === 'number' && typeof v.at === 'string';
};

/**
 * Reads the agents' `report`s (from `nodes.agent.report`): `session.state` (a session changed
 * phase on its node), `session.usage` (1 s samples, batched), `slurm.nodes` (a submit host's
 * Slurm cluster). A report about a session counts only from the node it was placed on.
 */
export async function onAgentReport(rt: SessionsRuntime, e: AgentReportEvent): Promise<void> {
  switch (e.topic) {
    case REPORT_TOPICS.state: {
      if (!isAgentStatus(e.data)) return;
      const status = e.data;
      const r = rt.store.get(status.id);
      if (!r) return;
      await rt.locks.run(r.id, () => void applyStatus(rt, r, status, e.node));
      return;
    }
    case REPORT_TOPICS.usage: {
      const data = e.data as Partial<UsageReport> | null;
      if (!data || !Array.isArray(data.sessions)) return;
      for (const s of data.sessions.slice(0, 10_000)) {
        const id = (s as { id?: unknown })?.id;
        const usage = (s as { usage?: unknown })?.usage;
        if (typeof id !== 'string' || !isUsage(usage)) continue;
        const r = rt.store.get(id);
        const p = r?.status.placement;
        if (!r || !p || p.node !== e.node) continue;
        if (r.status.state !== 'running' && r.status.state !== 'paused' && r.status.state !== 'terminating')
          continue;
        rt.usage.set(id, p.nodeName, r.owner.id, usage);
      }
      return;
    }
    case REPORT_TOPICS.slurmNodes: {
      const report = parseSlurmReport(e.data);
      if (!report) return;
      const name = (e as AgentReportEvent & { name?: string }).name ?? rt.nodes.nameOf(e.node) ?? e.node;
      rt.slurm.update(e.node, name, report, Date.now());
      rt.scheduler.wake();
      return;
    }
    default:
      return;
  }
}
