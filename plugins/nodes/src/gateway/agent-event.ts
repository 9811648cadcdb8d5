import type { GpuLoad, LoadSummary } from '../contract.js';

/** One agent → kernel message (docs/agent-protocol.md §1), after validation. */
export type AgentMessage =
  | { k: 'hb'; n: number; load?: LoadSummary }
  | { k: 'specs'; specs: Record<string, unknown> }
  | { k: 'result'; id: string; ok: boolean; data?: unknown; error?: { code: string; message: string } }
  | { k: 'report'; topic: string; data: unknown }
  | { k: 'leave'; reason: string };

/** What the kernel's gateway delivers (docs/agent-protocol.md §2), after validation. */
export type AgentEvent = { node: string; conn: string; at: number; remote?: string } & (
  | { type: 'connected'; name?: string; agentVersion?: string }
  | { type: 'message'; m: AgentMessage }
  | { type: 'closed'; code: number; reason: string; clean: boolean; leave: boolean; lastFrameAt?: number }
  | { type: 'silent'; ms: number; transport: 'acked' | 'unacked' | 'unknown' }
);

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => v !== null && typeof v === 'object' && !Array.isArray(v);
const text = (v: unknown, max: number): string | undefined =>
  typeof v === 'string' && v.length <= max ? v : undefined;
const num = (v: unknown): number | undefined => (typeof v === 'number' && Number.isFinite(v) ? v : undefined);

/** A report's topic, as the wire protocol allows it (@omega/protocol/agent-wire). */
const REPORT_TOPIC = /^[a-z0-9][a-z0-9._-]{0,127}$/;

const round = (v: number, digits: number): number => {
  const f = 10 ** digits;
  return Math.round(v * f) / f;
};

/** Fields of a load summary and how many decimals each keeps (bytes and rates: whole numbers). */
const LOAD_FIELDS: ReadonlyArray<[keyof Omit<LoadSummary, 'gpus'>, number]> = [
  ['cpu', 3],
  ['load1', 2],
  ['load5', 2],
  ['load15', 2],
  ['memUsed', 0],
  ['memTotal', 0],
  ['swapUsed', 0],
  ['diskReadBps', 0],
  ['diskWriteBps', 0],
  ['diskBusy', 3],
  ['netRxBps', 0],
  ['netTxBps', 0],
  ['tempMax', 1],
];

/** Most GPUs a heartbeat may list. */
const MAX_GPUS = 16;

/**
 * A load summary from a heartbeat (untrusted): only the known fields, only finite numbers
 * ≥ 0, rounded (an absent field stays absent — never 0). Undefined when nothing is left.
 */
export function readLoad(v: unknown): LoadSummary | undefined {
  if (!isObj(v)) return undefined;
  const out: LoadSummary = {};
  let any = false;
  for (const [k, digits] of LOAD_FIELDS) {
    const n = num(v[k]);
    if (n === undefined || n < 0) continue;
    out[k] = round(n, digits);
    any = true;
  }
  if (Array.isArray(v.gpus)) {
    const gpus: GpuLoad[] = [];
    for (const g of v.gpus.slice(0, MAX_GPUS)) {
      if (!isObj(g)) continue;
      const index = num(g.index);
      if (index === undefined || index < 0) continue;
      const one: GpuLoad = { index: Math.floor(index) };
      const util = num(g.util);
      const memUsed = num(g.memUsed);
      const memTotal = num(g.memTotal);
      const temp = num(g.temp);
      if (util !== undefined && util >= 0) one.util = round(util, 3);
      if (memUsed !== undefined && memUsed >= 0) one.memUsed = Math.round(memUsed);
      if (memTotal !== undefined && memTotal >= 0) one.memTotal = Math.round(memTotal);
      if (temp !== undefined) one.temp = round(temp, 1);
      gpus.push(one);
    }
    if (gpus.length > 0) {
      out.gpus = gpus;
      any = true;
    }
  }
  return any ? out : undefined;
}

function readMessage(m: unknown): AgentMessage | undefined {
  if (!isObj(m)) return undefined;
  switch (m.k) {
    case 'hb': {
      const n = num(m.n);
      if (n === undefined) return undefined;
      const load = readLoad(m.load);
      return load ? { k: 'hb', n, load } : { k: 'hb', n };
    }
    case 'specs':
      return isObj(m.specs) ? { k: 'specs', specs: m.specs } : undefined;
    case 'result': {
      const id = text(m.id, 256);
      if (id === undefined || typeof m.ok !== 'boolean') return undefined;
      const err = isObj(m.error)
        ? {
            code: text(m.error.code, 64) ?? 'OMEGA_ERR_INTERNAL',
            message: String(m.error.message ?? '').slice(0, 1024),
          }
        : undefined;
      return {
        k: 'result',
        id,
        ok: m.ok,
        ...(m.data !== undefined ? { data: m.data } : {}),
        ...(err ? { error: err } : {}),
      };
    }
    case 'report': {
      const topic = text(m.topic, 256);
      return topic !== undefined && REPORT_TOPIC.test(topic)
        ? { k: 'report', topic, data: m.data ?? null }
        : undefined;
    }
    case 'leave':
      return { k: 'leave', reason: (text(m.reason, 10_000) ?? '').slice(0, 256) };
    default:
      return undefined;
  }
}

/** One delivered event, validated (the kernel is trusted, the agent's message is not); undefined when malformed. */
export function readAgentEvent(v: unknown): AgentEvent | undefined {
  if (!isObj(v)) return undefined;
  const node = text(v.node, 256);
  const conn = text(v.conn, 128);
  const at = num(v.at);
  if (node === undefined || conn === undefined || at === undefined) return undefined;
  const remote = text(v.remote, 128);
  const base = { node, conn, at, ...(remote ? { remote } : {}) };
  switch (v.type) {
    case 'connected': {
      const name = text(v.name, 128);
      const agentVersion = text(v.agentVersion, 64);
      return {
        ...base,
        type: 'connected',
        ...(name ? { name } : {}),
        ...(agentVersion ? { agentVersion } : {}),
      };
    }
    case 'message': {
      const m = readMessage(v.m);
      return m ? { ...base, type: 'message', m } : undefined;
    }
    case 'closed': {
      const lastFrameAt = num(v.lastFrameAt);
      return {
        ...base,
        type: 'closed',
        code: num(v.code) ?? 1006,
        reason: (text(v.reason, 1024) ?? '').slice(0, 123),
        clean: v.clean === true,
        leave: v.leave === true,
        ...(lastFrameAt !== undefined ? { lastFrameAt } : {}),
      };
    }
    case 'silent': {
      const t = v.transport;
      return {
        ...base,
        type: 'silent',
        ms: num(v.ms) ?? 0,
        transport: t === 'acked' || t === 'unacked' ? t : 'unknown',
      };
    }
    default:
      return undefined;
  }
}
