import { NODES_TOPICS } from '../event-topics.js';
import { printableJsonData } from '../liveness/reasons.js';
import type { NodeEntry } from '../registry/node-record.js';
import { type NodesRuntime, STORAGE_WAIT_MS } from '../runtime.js';
import { readSlurmNodes } from '../slurm/read-slurm-nodes.js';
import { type AgentEvent, readAgentEvent } from './agent-event.js';
import { storeSpecs } from './store-specs.js';

/** The close code the kernel's gateway uses when it refuses a frame (docs/agent-protocol.md §1). */
const PROTOCOL_VIOLATION = 4400;

/** Largest `report` data passed on, bytes of JSON (the events bus takes at most 64 KiB). */
const MAX_REPORT_BYTES = 60_000;

/** Most `alive` pairs read from one delivery (the kernel sends at most one per node). */
const MAX_ALIVE = 100_000;

/** What the kernel said beside a batch of its own delays (unvalidated: read by {@link readGap}). */
export interface RawGap {
  complete?: unknown;
  alive?: unknown;
}

/**
 * `deliver` (docs/agent-protocol.md §2): a batch of what the kernel saw from agents, in
 * arrival order. Each event is validated on its own (a malformed one is counted and
 * skipped); liveness is judged on the event's `at` (the kernel's clock). `gap` tells how far
 * behind the kernel is and which nodes' frames it dropped: neither is counted as silence.
 */
export async function deliverEvents(
  rt: NodesRuntime,
  events: unknown,
  gap: RawGap = {},
): Promise<Record<string, never>> {
  if (!Array.isArray(events)) return {};
  const writes: Promise<unknown>[] = [];
  rt.timings.time('deliver', () => {
    readGap(rt, gap);
    applyAll(rt, events, writes);
  });
  // Most deliveries are heartbeats and write nothing: no bounded wait to set up for them.
  if (writes.length === 0) return {};
  // Specs writes, bounded: a slow disk must not hold the delivery until the kernel's deadline.
  await rt.within(Promise.all(writes), STORAGE_WAIT_MS, 'Storing specs').catch(() => {});
  return {};
}

/**
 * The kernel's lag (how old the oldest event still in its queue is) and its dropped frames:
 * each dropped frame newer than what the node was last heard proves it alive then.
 */
function readGap(rt: NodesRuntime, gap: RawGap): void {
  if (typeof gap.complete === 'number' && Number.isFinite(gap.complete))
    rt.kernelBehind(Date.now() - gap.complete);
  if (!Array.isArray(gap.alive)) return;
  let n = 0;
  for (const pair of gap.alive) {
    if (++n > MAX_ALIVE) break;
    if (!Array.isArray(pair) || typeof pair[0] !== 'string' || typeof pair[1] !== 'number') continue;
    const at = pair[1];
    const e = rt.registry.get(pair[0]);
    if (!e || !Number.isFinite(at) || at <= e.live.at) continue;
    rt.stats.droppedByKernel++;
    rt.judge(e, { type: 'frame', at });
  }
}

function applyAll(rt: NodesRuntime, events: unknown[], writes: Promise<unknown>[]): void {
  for (const raw of events) {
    const ev = readAgentEvent(raw);
    if (!ev) {
      rt.stats.malformed++;
      continue;
    }
    const e = rt.registry.get(ev.node);
    if (!e) {
      rt.stats.unknownNode++;
      continue;
    }
    rt.stats.delivered++;
    const w = apply(rt, e, ev);
    if (w) writes.push(w);
  }
}

function apply(rt: NodesRuntime, e: NodeEntry, ev: AgentEvent): Promise<unknown> | undefined {
  const id = e.record.id;
  rt.live.touch(id);
  switch (ev.type) {
    case 'connected':
      rt.judge(
        e,
        { type: 'connected', at: ev.at, conn: ev.conn, ...(ev.remote ? { remote: ev.remote } : {}) },
        ev.remote,
      );
      if (ev.agentVersion && ev.agentVersion !== e.record.agentVersion) {
        e.record.agentVersion = ev.agentVersion;
        rt.registry.save(e).catch(() => {});
      }
      rt.commands.resend(id, ev.at);
      return undefined;
    case 'closed':
      if (ev.code === PROTOCOL_VIOLATION)
        // The kernel refused a frame (bad MAC, replayed or skipped sequence, malformed): audited.
        rt.events.audit({
          actor: `agent ${e.record.name}`,
          action: 'frame.refused',
          outcome: 'denied',
          target: id,
          ...(ev.remote ? { source: ev.remote } : {}),
          details: { code: ev.code, reason: ev.reason, conn: ev.conn },
        });
      // Judge the silence up to the close first: a close is evidence only while the node was healthy.
      rt.sweepOne(e, ev.at);
      rt.judge(
        e,
        { type: 'closed', at: ev.at, conn: ev.conn, code: ev.code, reason: ev.reason, leave: ev.leave },
        ev.remote,
      );
      return undefined;
    case 'silent':
      rt.judge(e, { type: 'silent', at: ev.at, conn: ev.conn, ms: ev.ms, transport: ev.transport });
      return undefined;
    case 'message':
      break;
  }
  const m = ev.m;
  if (m.k === 'leave') {
    rt.judge(e, { type: 'leave', at: ev.at, reason: m.reason }, ev.remote);
    return undefined;
  }
  rt.judge(e, { type: 'frame', at: ev.at, ...(ev.remote ? { remote: ev.remote } : {}) }, ev.remote);
  switch (m.k) {
    case 'hb':
      if (m.load) {
        e.live.load = m.load;
        e.live.loadAt = ev.at;
        rt.loads.note(id, e.record.name, m.load);
      }
      return undefined;
    case 'specs':
      return storeSpecs(rt, e, m.specs).catch((err: unknown) => {
        rt.ctx.log
          .warn('nodes: storing specs failed', {
            node: id,
            code: (err as { code?: string })?.code ?? 'unknown',
          })
          .catch(() => {});
      });
    case 'result':
      rt.commands.settle(id, m, ev.at);
      return undefined;
    case 'report': {
      const json = JSON.stringify(m.data ?? null);
      const bytes = json.length;
      if (bytes > MAX_REPORT_BYTES) {
        rt.ctx.log
          .warn('nodes: agent report too large; dropped', { node: id, topic: m.topic, bytes })
          .catch(() => {});
        return undefined;
      }
      // The agent's words, kept and passed on without control characters (its cgroup notes were stored raw).
      const data = printableJsonData(m.data ?? null, json);
      if (
        (m.topic === 'cgroup' || m.topic === 'enforcement') &&
        data !== null &&
        typeof data === 'object' &&
        !Array.isArray(data)
      ) {
        e.record.cgroup = data as Record<string, unknown>;
        rt.registry.save(e).catch(() => {});
      }
      if (m.topic === 'slurm.nodes') {
        const reported = readSlurmNodes(data);
        if (reported) rt.slurm.update({ id, name: e.record.name }, reported, ev.at);
      }
      rt.out.publish(NODES_TOPICS.agentReport, { node: id, topic: m.topic, data });
      return undefined;
    }
  }
}
