/** A session as the dashboard shows it, read leniently from the sessions plugin's API objects (docs/dashboard.md). */
export interface SessionView {
  id: string;
  state: string;
  reason: string;
  since: string;
  node: string;
  user: string;
  command: string;
  cpuMillis: number | null;
  memoryBytes: number | null;
  gpus: number | null;
  version: number;
}

type Obj = Record<string, unknown>;
const obj = (v: unknown): Obj => (v && typeof v === 'object' && !Array.isArray(v) ? (v as Obj) : {});
const str = (...vs: unknown[]): string => {
  for (const v of vs) if (typeof v === 'string' && v) return v;
  return '';
};
const num = (...vs: unknown[]): number | null => {
  for (const v of vs) if (typeof v === 'number' && Number.isFinite(v)) return v;
  return null;
};

/** Reads one session object. */
export function readSession(raw: unknown): SessionView {
  const s = obj(raw);
  const spec = obj(s.spec);
  const status = obj(s.status);
  const res = obj(spec.resources);
  const placement = obj(status.placement);
  const cores = num(res.cores);
  const args = Array.isArray(spec.args) ? spec.args.filter((a) => typeof a === 'string') : [];
  return {
    id: str(s.id),
    state: str(status.state, s.state) || 'unknown',
    reason: str(status.reason, s.reason),
    since: str(status.since, s.since),
    node: str(status.node, placement.nodeName, placement.node, spec.node, s.node),
    user: str(spec.user, obj(s.owner).name, s.owner, s.user),
    command: [str(spec.command, spec.script), ...args].filter(Boolean).join(' '),
    cpuMillis: cores === null ? num(res.cpuMillis, res.millicores) : cores * 1000,
    memoryBytes: num(res.memoryBytes),
    gpus: num(res.gpus),
    version: num(s.version) ?? 0,
  };
}

/** States in which pause, resume and terminate make sense. */
export const ACTIONS_BY_STATE: Record<string, Array<'pause' | 'resume' | 'terminate'>> = {
  pending: ['terminate'],
  running: ['pause', 'terminate'],
  paused: ['resume', 'terminate'],
};
