import { constants } from 'node:os';
import { setTimeout as sleep } from 'node:timers/promises';
import { actionError } from '../action-error.js';
import { ApiError } from '../api-client.js';
import type { ApiQuery } from '../api-types.js';
import { type Command, UsageError } from '../command.js';
import { kernelApi } from '../kernel-api.js';

type SessionListQuery = ApiQuery<'/api/v1/sessions', 'get'>;

import { output } from '../output.js';
import { terminalSafe } from '../terminal-safe.js';

const ACTIONS = [
  'run',
  'list',
  'show',
  'pause',
  'resume',
  'kill',
  'logs',
  'usage',
  'quota',
  'settings',
] as const;
const QUOTA_ACTIONS = ['list', 'me', 'show', 'set', 'rm'] as const;
/** Seconds one logs call waits for new output while following (the route allows up to 25). */
const FOLLOW_WAIT_SEC = 20;
/** Bytes asked for per logs call (the route's largest window). */
const LOG_WINDOW = 512 * 1024;
const TERMINAL = new Set(['completed', 'failed', 'oom-killed', 'timed-out', 'cancelled', 'lost']);

type Values = Record<string, string | boolean | undefined>;
type Obj = Record<string, unknown>;

/** A session as the API shows it (the fields the CLI prints). */
interface SessionView {
  id: string;
  owner: { id: string; name: string };
  spec: {
    name: string;
    command?: string;
    args: string[];
    script?: string;
    resources: { cores?: number; millicores?: number; memoryBytes: number; gpus: number; gpuModel?: string };
    nodeSelector: string;
    priority: number;
    timeLimitSec?: number;
    target: { kind: string; partition?: string };
  };
  status: {
    state: string;
    reason: string;
    since: string;
    placement?: { nodeName: string; cpus?: number[]; mems?: number[]; millicores: number; gpus: number[] };
    exit?: { code: number | null; signal: string | null };
    usage?: Usage;
    peakMemoryBytes?: number;
    cancelledBy?: string;
    enforcement?: string[];
    slurm?: { jobId: string; state: string; reason: string | null };
  };
  history: Array<{ state: string; reason: string; at: string }>;
  createdAt: string;
}
interface Usage {
  at: string;
  cpuUserSec: number;
  cpuSystemSec: number;
  cpuTotalSec: number;
  throttledSec: number | null;
  memoryCurrentBytes: number | null;
  memoryPeakBytes: number | null;
  pidsCurrent: number | null;
}
/** One window of a stream from GET /:id/logs. */
interface LogWindow {
  data: string;
  nextOffset: number;
  endOffset: number;
  skippedBytes: number;
  ended: boolean;
  state: string;
}

const str = (v: unknown): string | undefined => (typeof v === 'string' ? v : undefined);

/** `1.5 GiB` */
function bytes(n: number | null | undefined): string {
  if (n === undefined || n === null) return '-';
  const units = ['B', 'KiB', 'MiB', 'GiB', 'TiB'];
  let v = n;
  let u = 0;
  while (v >= 1024 && u < units.length - 1) {
    v /= 1024;
    u++;
  }
  return `${v >= 10 || u === 0 ? Math.round(v) : v.toFixed(1)} ${units[u]}`;
}

/** `45s`, `3m`, `2h`, `5d` since an ISO time. */
function age(iso: string): string {
  const s = Math.max(0, Math.round((Date.now() - Date.parse(iso)) / 1000));
  if (s < 120) return `${s}s`;
  if (s < 7200) return `${Math.round(s / 60)}m`;
  if (s < 172_800) return `${Math.round(s / 3600)}h`;
  return `${Math.round(s / 86_400)}d`;
}

/** `4 cores` (pinned), `0.5 cpu` (a share). */
function cpuText(r: SessionView['spec']['resources']): string {
  if (r.cores !== undefined) return `${r.cores} core${r.cores === 1 ? '' : 's'}`;
  return `${(r.millicores ?? 1000) / 1000} cpu`;
}

function commandText(s: SessionView['spec']): string {
  if (s.script !== undefined) return `script (${s.script.split('\n').length} lines)`;
  return [s.command ?? '', ...s.args]
    .map((a) => (/^[\w@%+=:,./-]+$/.test(a) ? a : JSON.stringify(a)))
    .join(' ');
}

function listLine(s: SessionView): string {
  const node = s.status.placement?.nodeName ?? (s.spec.target.kind === 'slurm' ? 'slurm' : '-');
  const reason = s.status.reason.length > 60 ? `${s.status.reason.slice(0, 59)}…` : s.status.reason;
  return [
    s.id.padEnd(24),
    s.spec.name.slice(0, 16).padEnd(16),
    s.owner.name.slice(0, 12).padEnd(12),
    s.status.state.padEnd(11),
    node.slice(0, 14).padEnd(14),
    cpuText(s.spec.resources).padEnd(9),
    bytes(s.spec.resources.memoryBytes).padStart(8),
    String(s.spec.resources.gpus).padStart(4),
    age(s.createdAt).padStart(5),
    ` ${reason}`,
  ].join(' ');
}

function usageLines(u: Usage | undefined, peak?: number | null): string[] {
  if (!u) return ['usage        none yet'];
  return [
    `usage        cpu ${u.cpuTotalSec.toFixed(2)} s (user ${u.cpuUserSec.toFixed(2)}, system ${u.cpuSystemSec.toFixed(2)})${u.throttledSec === null ? '' : `, throttled ${u.throttledSec.toFixed(2)} s`}`,
    `memory       ${bytes(u.memoryCurrentBytes)} now, peak ${bytes(peak ?? u.memoryPeakBytes)}${u.pidsCurrent === null ? '' : `, ${u.pidsCurrent} tasks`}  (at ${u.at})`,
  ];
}

function details(s: SessionView): string {
  const st = s.status;
  const r = s.spec.resources;
  const p = st.placement;
  const lines = [
    `${s.spec.name} (${s.id})  ${st.state}`,
    `reason       ${st.reason}`,
    `since        ${st.since}`,
    `owner        ${s.owner.name} (${s.owner.id})`,
    `command      ${commandText(s.spec)}`,
    `asks         ${cpuText(r)}, ${bytes(r.memoryBytes)}, ${r.gpus} GPU${r.gpus === 1 ? '' : 's'}${r.gpuModel ? ` (${r.gpuModel})` : ''}${s.spec.timeLimitSec ? `, time limit ${s.spec.timeLimitSec} s` : ''}, priority ${s.spec.priority}`,
    `target       ${s.spec.target.kind}${s.spec.target.partition ? ` partition ${s.spec.target.partition}` : ''}${s.spec.nodeSelector ? `, nodes ${s.spec.nodeSelector}` : ''}`,
  ];
  if (p)
    lines.push(
      `placed on    ${p.nodeName}${p.cpus?.length ? `, cpus ${p.cpus.join(',')}` : `, ${p.millicores / 1000} cpu`}${p.mems?.length ? `, mems ${p.mems.join(',')}` : ''}${p.gpus.length ? `, gpus ${p.gpus.join(',')}` : ''}`,
    );
  if (st.slurm)
    lines.push(
      `slurm        job ${st.slurm.jobId} ${st.slurm.state}${st.slurm.reason ? ` (${st.slurm.reason})` : ''}`,
    );
  if (st.exit)
    lines.push(`exit         ${st.exit.signal ? `signal ${st.exit.signal}` : `code ${st.exit.code}`}`);
  if (st.cancelledBy) lines.push(`cancelled by ${st.cancelledBy}`);
  for (const e of st.enforcement ?? []) lines.push(`enforcement  ${e}`);
  lines.push(...usageLines(st.usage, st.peakMemoryBytes));
  for (const h of s.history.slice(-12).reverse())
    lines.push(`history      ${h.at}  ${h.state.padEnd(11)} ${h.reason}`);
  return lines.join('\n');
}

function one(args: string[], what: string): string {
  if (args.length !== 1 || !args[0]) throw new UsageError(`sessions ${what}`);
  return args[0];
}

/** A whole number flag, at least `min`, naming the flag when it is not. */
function intFlag(values: Values, name: string, min: number): number | undefined {
  const v = str(values[name]);
  if (v === undefined) return undefined;
  const n = Number(v);
  if (!/^\d+$/.test(v.trim()) || n < min)
    throw new UsageError(`--${name} takes a whole number ≥ ${min} (got "${v}")`);
  return n;
}

/** `k=v,k2=v2` → env, naming the flag on a bad entry. */
function parseEnvFlag(text: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const part of text.split(',')) {
    if (!part) continue;
    const eq = part.indexOf('=');
    if (eq <= 0) throw new UsageError(`--env takes NAME=value pairs separated by commas (got "${part}")`);
    out[part.slice(0, eq)] = part.slice(eq + 1);
  }
  return out;
}

/** `--grace 10s|500ms|2m|1500` → ms. */
function parseGrace(text: string): number {
  const m = /^(\d{1,7})(ms|s|m)?$/.exec(text.trim());
  if (!m) throw new UsageError(`--grace takes a duration such as 10s, 500ms or 2m (got "${text}")`);
  return Number(m[1]) * { ms: 1, s: 1000, m: 60_000 }[(m[2] ?? 'ms') as 'ms' | 's' | 'm'];
}

/** The session spec `run` sends, from its flags and the command after `--`. */
export function specFromFlags(values: Values, command: string[]): Obj {
  const script = str(values.script);
  if (script !== undefined && command.length > 0)
    throw new UsageError('sessions run takes a command after -- or --script, not both');
  if (script === undefined && command.length === 0)
    throw new UsageError('sessions run needs a command: omega sessions run [flags] -- cmd args');
  const spec: Obj = script !== undefined ? { script } : { command: command[0], args: command.slice(1) };
  const resources: Obj = {};
  const cores = str(values.cores);
  if (cores !== undefined) {
    const n = Number(cores);
    // A share is sent in millicores: below 0.001 core it would round to 0, which the API
    // refuses as `resources.millicores`, a field the user never typed.
    if (!Number.isFinite(n) || n < 0.001)
      throw new UsageError(
        `--cores takes a number of cores such as 2 (pinned) or 0.5 (a share), at least 0.001 (got "${cores}")`,
      );
    if (Number.isInteger(n)) resources.cores = n;
    else resources.millicores = Math.round(n * 1000);
  }
  const milli = intFlag(values, 'millicores', 1);
  if (milli !== undefined) {
    if (cores !== undefined) throw new UsageError('give --cores or --millicores, not both');
    resources.millicores = milli;
  }
  if (str(values.memory)) resources.memory = values.memory;
  const gpus = intFlag(values, 'gpus', 0);
  if (gpus !== undefined) resources.gpus = gpus;
  if (str(values['gpu-model'])) resources.gpuModel = values['gpu-model'];
  const pids = intFlag(values, 'pids', 1);
  if (pids !== undefined) resources.pids = pids;
  if (str(values.disk)) resources.disk = values.disk;
  if (Object.keys(resources).length) spec.resources = resources;
  if (str(values.name)) spec.name = values.name;
  if (str(values.env)) spec.env = parseEnvFlag(values.env as string);
  if (str(values.cwd)) spec.cwd = values.cwd;
  if (str(values['node-selector'])) spec.nodeSelector = values['node-selector'];
  if (str(values.priority)) {
    const n = Number(values.priority);
    if (!Number.isInteger(n))
      throw new UsageError(`--priority takes an integer −1000…1000 (got "${values.priority}")`);
    spec.priority = n;
  }
  if (str(values['time-limit'])) spec.timeLimit = values['time-limit'];
  if (values.spread === true) spec.placement = 'spread';
  if (values['best-effort'] === true) spec.enforcement = 'best-effort';
  const partition = str(values.partition);
  if (values.slurm === true || partition !== undefined)
    spec.target = partition !== undefined ? { kind: 'slurm', partition } : 'slurm';
  return spec;
}

/** Writes bytes to stdout, waiting for it to drain when its buffer is full. */
function writeOut(buf: Uint8Array): Promise<void> {
  if (buf.length === 0 || process.stdout.write(buf)) return Promise.resolve();
  return new Promise((resolve) => process.stdout.once('drain', resolve));
}

/**
 * Copies a session's stream to stdout from `offset`: everything there is now, or with `follow`
 * until the session ended and its last byte is out (each call long-polls for new output).
 * With `json` each window is printed as one JSON line instead of the bytes.
 */
async function copyLogs(
  values: Values,
  id: string,
  o: { stream: 'stdout' | 'stderr'; offset: number; follow: boolean; json: boolean },
): Promise<void> {
  let offset = o.offset;
  const api = kernelApi(values);
  for (;;) {
    const w = (await api.get('/api/v1/sessions/{id}/logs', {
      path: { id },
      query: { stream: o.stream, offset, limit: LOG_WINDOW, wait: o.follow ? FOLLOW_WAIT_SEC : 0 },
    })) as LogWindow;
    const chunk = Buffer.from(w.data, 'base64');
    if (o.json) await writeOut(Buffer.from(`${JSON.stringify(w)}\n`));
    else await writeOut(chunk);
    if (w.skippedBytes > 0 && !o.json)
      process.stderr.write(
        `omega: ${w.skippedBytes} bytes were rotated away before offset ${offset + w.skippedBytes}\n`,
      );
    offset = w.nextOffset;
    const drained = offset >= w.endOffset;
    if (w.ended && drained) return;
    if (TERMINAL.has(w.state) && drained && chunk.length === 0) return;
    if (!o.follow && chunk.length === 0) return;
    // Not on a node yet: the route answers at once, so wait here before asking again.
    if (chunk.length === 0 && (w.state === 'pending' || w.state === 'starting')) await sleep(1000);
  }
}

/** The exit code `run --follow` ends with: the session's own, 128+signal, or 1 when it did not complete. */
export function exitCodeOf(s: SessionView): number {
  const e = s.status.exit;
  if (s.status.state === 'completed') return 0;
  if (e?.code !== null && e?.code !== undefined) return e.code === 0 ? 1 : e.code;
  const sig = e?.signal ? constants.signals[e.signal as keyof typeof constants.signals] : undefined;
  return sig ? 128 + sig : 1;
}

async function quotaAction(action: string | undefined, values: Values, args: string[]): Promise<unknown> {
  const api = kernelApi(values);
  const target = (what: string): { path: { scope: 'user' | 'role'; name: string } } => {
    const [scope, name] = args;
    if (args.length !== 2 || (scope !== 'user' && scope !== 'role') || !name)
      throw new UsageError(
        `sessions quota ${what} needs a scope and a name: user USER_ID (u-…) or role ROLE`,
      );
    return { path: { scope, name } };
  };
  switch (action) {
    case 'list':
      return api.get('/api/v1/sessions/quotas');
    case 'me':
      return api.get('/api/v1/sessions/quotas/me');
    case 'show':
      return api.get('/api/v1/sessions/quotas/{scope}/{name}', target('show'));
    case 'set': {
      const { path } = target('set');
      const limits: Obj = {};
      if (str(values.cores)) {
        const n = Number(values.cores);
        if (!Number.isFinite(n) || n < 0)
          throw new UsageError(`--cores takes a number of cores ≥ 0 (got "${values.cores}")`);
        limits.cores = n;
      }
      if (str(values.memory)) limits.memory = values.memory;
      const gpus = intFlag(values, 'gpus', 0);
      if (gpus !== undefined) limits.gpus = gpus;
      const sessions = intFlag(values, 'max-sessions', 0);
      if (sessions !== undefined) limits.sessions = sessions;
      if (!Object.keys(limits).length)
        throw new UsageError(
          'sessions quota set needs at least one of --cores, --memory, --gpus, --max-sessions',
        );
      return api.put('/api/v1/sessions/quotas/{scope}/{name}', { path, body: { limits } });
    }
    case 'rm':
      return api.delete('/api/v1/sessions/quotas/{scope}/{name}', target('rm'));
    default:
      throw actionError('sessions quota', action, QUOTA_ACTIONS);
  }
}

/** `--set k=v,k2=v2` as a settings patch (an all-digit value is a number of ms, anything else goes as text). */
function settingsPatch(set: string): Obj {
  const patch: Obj = {};
  for (const pair of set.split(',')) {
    const eq = pair.indexOf('=');
    const k = pair.slice(0, eq).trim();
    const v = pair.slice(eq + 1).trim();
    if (eq < 1 || v === '')
      throw new UsageError(
        `--set takes key=value pairs, e.g. placement=spread,retentionMs=3d (got "${pair}")`,
      );
    patch[k] = /^\d{1,15}$/.test(v) ? Number(v) : v;
  }
  return patch;
}

const MS_TEXT = (ms: number): string =>
  ms % 86_400_000 === 0
    ? `${ms / 86_400_000}d`
    : ms % 3_600_000 === 0
      ? `${ms / 3_600_000}h`
      : ms % 60_000 === 0
        ? `${ms / 60_000}m`
        : `${ms / 1000}s`;

function settingsHuman(data: unknown): string {
  const d = data as { version: number; settings: Obj; defaults: Obj; updatedBy?: string; updatedAt?: string };
  const lines = Object.entries(d.settings).map(([k, v]) => {
    const text = typeof v === 'number' ? `${MS_TEXT(v)} (${v} ms)` : String(v);
    return `${k.padEnd(16)} ${text}${v === d.defaults[k] ? '' : `  (default ${typeof d.defaults[k] === 'number' ? MS_TEXT(d.defaults[k] as number) : String(d.defaults[k])})`}`;
  });
  const by = d.updatedBy
    ? `version ${d.version}, set by ${d.updatedBy} at ${d.updatedAt}`
    : 'defaults (never changed)';
  return [...lines, by].join('\n');
}

function limitsText(l: Obj): string {
  const parts: string[] = [];
  const v = (x: unknown): number | undefined =>
    typeof x === 'object' && x !== null ? (x as { limit: number }).limit : (x as number | undefined);
  if (v(l.cores) !== undefined) parts.push(`${v(l.cores)} cores`);
  if (v(l.memoryBytes) !== undefined) parts.push(bytes(v(l.memoryBytes)));
  if (v(l.gpus) !== undefined) parts.push(`${v(l.gpus)} GPUs`);
  if (v(l.sessions) !== undefined) parts.push(`${v(l.sessions)} sessions`);
  return parts.join(', ') || 'no limits';
}

function quotaHuman(sub: string | undefined, data: unknown): string {
  const d = data as Obj;
  if (sub === 'list') {
    const items = d.items as Array<{
      scope: string;
      name: string;
      limits: Obj;
      updatedBy: string;
      updatedAt: string;
    }>;
    if (!items.length) return 'no quotas';
    return items
      .map(
        (q) =>
          `${q.scope.padEnd(5)} ${q.name.padEnd(20)} ${limitsText(q.limits)}  (by ${q.updatedBy} at ${q.updatedAt})`,
      )
      .join('\n');
  }
  if (sub === 'me') {
    const u = d.used as { cores: number; memoryBytes: number; gpus: number; sessions: number };
    return [
      `user     ${d.user}${(d.roles as string[]).length ? ` (roles ${(d.roles as string[]).join(', ')})` : ''}`,
      `limits   ${limitsText(d.limits as Obj)}`,
      `in use   ${u.cores} cores, ${bytes(u.memoryBytes)}, ${u.gpus} GPUs, ${u.sessions} sessions`,
    ].join('\n');
  }
  if (sub === 'rm') return 'quota removed';
  const q = d as { scope: string; name: string; limits: Obj; version: number };
  return `${q.scope} ${q.name}: ${limitsText(q.limits)} (version ${q.version})`;
}

function human(action: string, data: unknown): string {
  const d = data as Obj;
  if (action === 'list') {
    const items = d.items as SessionView[];
    if (items.length === 0) return 'no sessions';
    const head = `${'ID'.padEnd(24)} ${'NAME'.padEnd(16)} ${'OWNER'.padEnd(12)} ${'STATE'.padEnd(11)} ${'NODE'.padEnd(14)} ${'CPU'.padEnd(9)} ${'MEMORY'.padStart(8)} ${'GPUS'.padStart(4)} ${'AGE'.padStart(5)}  REASON`;
    const more = d.nextCursor ? `\n(next page: --cursor ${d.nextCursor})` : '';
    return `${head}\n${items.map(listLine).join('\n')}${more}`;
  }
  if (action === 'usage') {
    const u = d as {
      id: string;
      state: string;
      usage?: Usage;
      peakMemoryBytes: number | null;
      series: string;
    };
    return [
      `${u.id}  ${u.state}`,
      ...usageLines(u.usage ?? undefined, u.peakMemoryBytes),
      `history      ${u.series} (metrics)`,
    ].join('\n');
  }
  const s = data as SessionView;
  if (action === 'show') return details(s);
  return `${s.id}  ${s.status.state}: ${s.status.reason}`;
}

/**
 * Rethrows the kernel's refusal of a new session in the words that help: every field a
 * validation error names (the detail names the first only), and for a quota what to do
 * (not the generic "ask for the permission" of a 403).
 */
async function explained<T>(p: Promise<T>): Promise<T> {
  try {
    return await p;
  } catch (err) {
    if (!(err instanceof ApiError)) throw err;
    const problem = err.problem as { detail?: string; errors?: Array<{ field: string; message: string }> };
    if (Array.isArray(problem.errors) && problem.errors.length > 1)
      err.message = `invalid session: ${problem.errors.map((e) => `${e.field}: ${e.message}`).join('; ')}`;
    else if (err.code === 'SESSIONS_ERR_QUOTA' && problem.detail)
      err.message = `${problem.detail} End one of your sessions (omega sessions list), or ask an admin to raise the quota.`;
    throw err;
  }
}

/** `omega sessions …`: run, list, inspect, pause, resume and kill compute sessions; their logs, usage and quotas. */
export const sessionsCommand: Command = {
  name: 'sessions',
  summary:
    'Run compute sessions on the nodes (or Slurm); list, show, pause, resume, kill; logs -f, usage, quotas, settings.',
  usage:
    'omega sessions <run [--cores N|--millicores M] [--memory 2G] [--gpus N [--gpu-model M]] [--pids N] [--disk 10G] [--node-selector K=V,..] [--name N] [--env K=V,..] [--cwd DIR] [--priority P] [--time-limit 1h] [--spread] [--best-effort] [--slurm [--partition P]] [-f] (-- CMD ARGS..|--script TEXT)|list [--state S,..] [--owner U] [--node N] [--gpu G] [--limit N] [--cursor C]|show ID|pause ID|resume ID|kill ID [--reason R] [--grace 10s]|logs ID [-f] [--stream stderr] [--offset N]|usage ID [--fresh]|quota <list|me|show SCOPE NAME|set SCOPE NAME [--cores N] [--memory 64G] [--gpus N] [--max-sessions N]|rm SCOPE NAME> (SCOPE NAME: user USER_ID or role ROLE)|settings [--set K=V,..]> [--url URL | --context NAME] [--token TOKEN] [--json]',
  options: {
    'data-dir': { type: 'string', description: 'Where to find admin-token (default ./data)' },
    json: { type: 'boolean', description: 'Print JSON (logs: one JSON line per window)' },
    cores: {
      type: 'string',
      description: 'run: whole cores (pinned) or a fraction (a share); quota set: cores',
    },
    millicores: { type: 'string', description: 'run: a CPU share in thousandths of a core' },
    memory: { type: 'string', description: 'run: memory limit, e.g. 512M, 2G; quota set: memory' },
    gpus: { type: 'string', description: 'run: GPUs by count; quota set: GPUs' },
    'gpu-model': { type: 'string', description: 'run: the GPU model the GPUs must be (substring)' },
    pids: { type: 'string', description: 'run: a limit on the number of tasks' },
    disk: { type: 'string', description: 'run: a quota on its own working directory, e.g. 10G' },
    'node-selector': { type: 'string', description: 'run: node labels, e.g. rack=a,gpu,!spot,zone!=b' },
    name: { type: 'string', description: 'run: the session name (default the command)' },
    env: { type: 'string', description: 'run: environment, NAME=value,NAME2=value2' },
    cwd: { type: 'string', description: 'run: working directory (absolute)' },
    script: { type: 'string', description: 'run: a shell script instead of a command' },
    priority: { type: 'string', description: 'run: −1000…1000 (higher starts first when waiting)' },
    'time-limit': { type: 'string', description: 'run: e.g. 90s, 30m, 2h (then timed-out)' },
    spread: { type: 'boolean', description: 'run: place on the least loaded node (default bin-pack)' },
    'best-effort': { type: 'boolean', description: 'run: accept a node that cannot enforce every limit' },
    slurm: { type: 'boolean', description: 'run: submit to Slurm through a submit-host agent' },
    partition: { type: 'string', description: 'run: the Slurm partition (implies --slurm)' },
    follow: {
      type: 'boolean',
      short: 'f',
      description: 'logs: follow until the session ends; run: follow its stdout and exit with its code',
    },
    stream: { type: 'string', description: 'logs: stdout (default) or stderr' },
    offset: { type: 'string', description: 'logs: start at this byte offset' },
    state: { type: 'string', description: 'list: states, e.g. running,paused' },
    owner: { type: 'string', description: "list: a user id (operators see everyone's)" },
    node: { type: 'string', description: 'list: node id or name' },
    gpu: { type: 'string', description: 'list: true, false, a GPU index or a model' },
    limit: { type: 'string', description: 'list: sessions per page (1–500, default 100)' },
    cursor: { type: 'string', description: 'list: the next page (printed under the list)' },
    reason: { type: 'string', description: 'kill: why (recorded with the cancellation)' },
    grace: { type: 'string', description: 'kill: time between SIGTERM and killing the tree, e.g. 10s' },
    fresh: { type: 'boolean', description: 'usage: ask the node now instead of the newest 1 s sample' },
    'max-sessions': { type: 'string', description: 'quota set: concurrent sessions' },
    set: {
      type: 'string',
      description:
        'settings: change some, e.g. placement=spread,leftLostAfterMs=15m,retentionMs=3d,defaultGraceMs=30s (admins)',
    },
  },
  async run(values, positionals) {
    const [action, ...rest] = positionals;
    if (!action || !(ACTIONS as readonly string[]).includes(action))
      throw actionError('sessions', action, ACTIONS);
    const json = values.json === true;
    const follow = values.follow === true;
    const api = kernelApi(values);
    switch (action) {
      case 'run': {
        const spec = specFromFlags(values, rest);
        const s = (await explained(api.post('/api/v1/sessions', { body: spec }))) as SessionView;
        if (!follow) {
          output(json, s, () => `${s.id}  ${s.status.state}: ${s.status.reason}`);
          return 0;
        }
        process.stderr.write(terminalSafe(`${s.id}  ${s.status.state}: ${s.status.reason}\n`));
        try {
          await copyLogs(values, s.id, { stream: 'stdout', offset: 0, follow: true, json });
        } catch (err) {
          // Ended before it reached a node (cancelled while pending): no output, its end says why.
          if (!(err instanceof ApiError && err.code === 'SESSIONS_ERR_NO_LOGS')) throw err;
        }
        const end = (await api.get('/api/v1/sessions/{id}', { path: { id: s.id } })) as SessionView;
        process.stderr.write(terminalSafe(`${end.id}  ${end.status.state}: ${end.status.reason}\n`));
        return exitCodeOf(end);
      }
      case 'list': {
        if (rest.length)
          throw new UsageError(
            'sessions list takes no arguments; filter with --state, --owner, --node, --gpu',
          );
        // The kernel checks each value against the document and names a wrong one.
        const data = await api.get('/api/v1/sessions', {
          query: {
            state: str(values.state) as SessionListQuery['state'],
            owner: str(values.owner),
            node: str(values.node),
            gpu: str(values.gpu),
            limit: str(values.limit) === undefined ? undefined : Number(values.limit),
            cursor: str(values.cursor),
          },
        });
        output(json, data, () => human(action, data));
        return 0;
      }
      case 'logs': {
        const id = one(rest, 'logs needs exactly one session id');
        const stream = str(values.stream) ?? 'stdout';
        if (stream !== 'stdout' && stream !== 'stderr')
          throw new UsageError(`--stream takes stdout or stderr (got "${stream}")`);
        await copyLogs(values, id, { stream, offset: intFlag(values, 'offset', 0) ?? 0, follow, json });
        return 0;
      }
      case 'settings': {
        if (rest.length)
          throw new UsageError('sessions settings takes no arguments; change them with --set k=v,k2=v2');
        const set = str(values.set);
        const data = set
          ? await api.patch('/api/v1/sessions/settings', { body: settingsPatch(set) })
          : await api.get('/api/v1/sessions/settings');
        output(json, data, () => settingsHuman(data));
        return 0;
      }
      case 'quota': {
        const [sub, ...args] = rest;
        const data = await quotaAction(sub, values, args);
        output(json, data ?? { removed: true }, () => quotaHuman(sub, data));
        return 0;
      }
      default: {
        const id = one(rest, `${action} needs exactly one session id`);
        let data: unknown;
        const path = { id };
        if (action === 'show') data = await api.get('/api/v1/sessions/{id}', { path });
        else if (action === 'usage')
          data = await api.get('/api/v1/sessions/{id}/usage', {
            path,
            query: values.fresh === true ? { fresh: 'true' } : {},
          });
        else if (action === 'kill') {
          const body: Obj = {};
          if (str(values.reason)) body.reason = values.reason;
          if (str(values.grace)) body.graceMs = parseGrace(values.grace as string);
          data = await api.post('/api/v1/sessions/{id}/terminate', { path, body });
        } else if (action === 'pause' || action === 'resume')
          data = await api.post(`/api/v1/sessions/{id}/${action}`, { path, body: {} });
        else throw actionError('sessions', action, ACTIONS);
        output(json, data, () => human(action, data));
        return 0;
      }
    }
  },
};
