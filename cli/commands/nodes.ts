import { actionError } from '../action-error.js';
import type { ApiBody, ApiQuery } from '../api-types.js';
import { type Command, nestedActions, UsageError } from '../command.js';
import { deadlineFlag } from '../deadline-flag.js';
import { bytes } from '../format-bytes.js';
import { intFlag } from '../int-flag.js';
import { kernelApi } from '../kernel-api.js';
import { labelFlag } from '../label-flag.js';
import { fieldLine, listingLine } from '../listing-line.js';
import { output } from '../output.js';
import { uniquePairs } from '../unique-pairs.js';
import { joinCommandLine } from './join-command-line.js';
import { nodeEnforcementLines } from './node-enforcement-lines.js';

const ACTIONS = [
  'list',
  'show',
  'label',
  'cordon',
  'drain',
  'uncordon',
  'remove',
  'token',
  'pending',
  'approve',
  'reject',
] as const;
const TOKEN_ACTIONS = ['create', 'list', 'revoke'] as const;

type Values = Record<string, string | boolean | undefined>;
type Obj = Record<string, unknown>;
type NodeListQuery = ApiQuery<'/api/v1/nodes', 'get'>;

/** A node as the API lists it (the fields the CLI prints). */
interface NodeView {
  id: string;
  name: string;
  version: number;
  spec: { labels: Record<string, string>; cordon?: Hold; drain?: Hold };
  status: {
    state: string;
    reason: string;
    since: string;
    schedulable: boolean;
    connected: boolean;
    lastSeenAt?: string;
    address?: string;
    agentVersion?: string;
    fingerprint: string;
    capacity: { cores: number; threads: number; memoryBytes: number; gpus: unknown[] };
    load?: { cpu?: number; load1?: number; memUsed?: number; memTotal?: number };
    /** When the newest heartbeat carrying `load` arrived. */
    loadAt?: string;
    history?: Array<{ state: string; reason: string; at: string }>;
    /** `slurm` for a node Slurm manages (read-only here). */
    managedBy?: string;
    /** What the node's cgroup driver enforces (the agent's report). */
    cgroup?: unknown;
  };
  createdAt: string;
}
interface Hold {
  by: string;
  reason: string;
  at: string;
  deadline?: string;
}
interface TokenView {
  id: string;
  spec: {
    kind: string;
    description: string;
    labels: Record<string, string>;
    uses: number;
    expiresAt: string;
  };
  status: { state: string; used: number };
  createdBy: string;
  createdAt: string;
}
interface PendingView {
  id: string;
  name: string;
  addresses: string[];
  port: number;
  claimed: { cpus?: number; memoryBytes?: number; gpus?: number; agentVersion?: string };
  seenAt: string;
  status: string;
}

const str = (v: unknown): string | undefined => (typeof v === 'string' ? v : undefined);

/** `3m`, `2h`, `5d` since an ISO time. */
function age(iso: string | undefined): string {
  if (!iso) return '-';
  const s = Math.max(0, Math.round((Date.now() - Date.parse(iso)) / 1000));
  if (s < 120) return `${s}s`;
  if (s < 7200) return `${Math.round(s / 60)}m`;
  if (s < 172_800) return `${Math.round(s / 3600)}h`;
  return `${Math.round(s / 86_400)}d`;
}

function stateOf(n: NodeView): string {
  const hold = n.spec.drain ? ',draining' : n.spec.cordon ? ',cordoned' : '';
  const manager = n.status.managedBy ? ` (${n.status.managedBy})` : '';
  return `${n.status.state}${hold}${manager}`;
}

function labelsText(l: Record<string, string>): string {
  const t = Object.entries(l)
    .map(([k, v]) => (v === '' ? k : `${k}=${v}`))
    .join(',');
  return t || '-';
}

/** A down or left node's load is its last heartbeat's, not what it does now (walk: a left node kept 40%). */
const staleLoad = (n: NodeView): boolean => n.status.state === 'down' || n.status.state === 'left';

function listLine(n: NodeView): string {
  const l = staleLoad(n) ? undefined : n.status.load;
  const cpu = l?.cpu === undefined ? '-' : `${Math.round(l.cpu * 100)}%`;
  const mem = l?.memUsed !== undefined && l.memTotal ? `${Math.round((l.memUsed / l.memTotal) * 100)}%` : '-';
  // REASON explains STATE: a ready node cordoned or draining shows the operator's reason for it,
  // not how the node became ready (walk: after a cordon the row still said "joined …").
  const hold = n.status.state === 'ready' ? (n.spec.drain ?? n.spec.cordon) : undefined;
  return listingLine([
    { text: n.name, width: 20 },
    { text: stateOf(n), width: 18 },
    { text: age(n.status.since), width: 5, right: true },
    { text: cpu, width: 5, right: true },
    { text: mem, width: 5, right: true },
    '',
    { text: labelsText(n.spec.labels), width: 24 },
    { text: hold ? hold.reason : n.status.reason, max: 70, ellipsis: true }, // a reason may hold a newline
  ]);
}

function holdText(kind: string, h: Hold | undefined): string[] {
  if (!h) return [];
  return [
    fieldLine(kind, `by ${h.by} at ${h.at}: ${h.reason}${h.deadline ? ` (deadline ${h.deadline})` : ''}`),
  ];
}

function details(n: NodeView): string {
  const s = n.status;
  const c = s.capacity;
  const lines = [
    listingLine([`${n.name} (${n.id})  ${stateOf(n)}${s.schedulable ? '' : '  not schedulable'}`]),
    fieldLine('reason', s.reason),
    fieldLine('since', s.since),
    fieldLine(
      'connected',
      `${s.connected ? `yes, from ${s.address ?? '?'}` : 'no'}${s.lastSeenAt ? `, last seen ${s.lastSeenAt}` : ''}`,
    ),
    fieldLine('labels', labelsText(n.spec.labels)),
    ...(s.managedBy
      ? [
          fieldLine(
            'managed by',
            `${s.managedBy} (read-only here${s.managedBy === 'slurm' ? ': change it with scontrol update' : ''})`,
          ),
        ]
      : []),
    ...holdText('cordoned', n.spec.cordon),
    ...holdText('draining', n.spec.drain),
    fieldLine(
      'capacity',
      `${c.cores} cores, ${c.threads} threads, ${bytes(c.memoryBytes)}, ${c.gpus.length} GPUs`,
    ),
  ];
  if (s.load)
    lines.push(
      fieldLine(
        staleLoad(n) ? 'last load' : 'load',
        `cpu ${s.load.cpu === undefined ? '-' : `${Math.round(s.load.cpu * 100)}%`}, load1 ${s.load.load1 ?? '-'}, memory ${bytes(s.load.memUsed)} of ${bytes(s.load.memTotal)}${staleLoad(n) && s.loadAt ? ` (at ${s.loadAt})` : ''}`,
      ),
    );
  lines.push(...nodeEnforcementLines(s.cgroup));
  lines.push(
    fieldLine('agent', `${s.agentVersion ?? '-'}, key ${s.fingerprint}`),
    fieldLine('joined', n.createdAt),
  );
  for (const h of (s.history ?? []).slice(-10).reverse())
    lines.push(fieldLine('history', h.at, '', { text: h.state, width: 8 }, h.reason));
  return lines.join('\n');
}

function tokenLine(t: TokenView): string {
  return listingLine([
    { text: t.id, width: 14 },
    { text: t.status.state, width: 9 },
    { text: `${t.status.used}/${t.spec.uses}`, width: 9 },
    `expires ${t.spec.expiresAt}`,
    '',
    labelsText(t.spec.labels),
    ...(t.spec.description ? ['', `"${t.spec.description}"`] : ['']),
  ]);
}

function pendingLine(p: PendingView): string {
  const c = p.claimed;
  return listingLine([
    { text: p.id, width: 44 },
    { text: p.name, width: 20 },
    { text: `${p.addresses.join(',')}:${p.port}`, width: 24 },
    `claims ${c.cpus ?? '?'} cpus, ${bytes(c.memoryBytes)}, ${c.gpus ?? 0} GPUs`,
    '',
    p.status,
  ]);
}

function one(args: string[], what: string): string {
  if (args.length !== 1 || !args[0]) throw new UsageError(`nodes ${what}`);
  return args[0];
}

function reasonFlag(values: Values, action: string): string {
  const r = str(values.reason);
  if (!r?.trim())
    throw new UsageError(`nodes ${action} needs --reason "why" (it is recorded in the audit trail)`);
  return r;
}

async function nodeAction(action: string, values: Values, args: string[]): Promise<unknown> {
  const api = kernelApi(values);
  switch (action) {
    case 'list': {
      if (args.length)
        throw new UsageError('nodes list takes no arguments; filter with --state, --selector, --search');
      return api.get('/api/v1/nodes', {
        query: {
          // The kernel checks the values against the document and names a wrong one.
          state: str(values.state) as NodeListQuery['state'],
          selector: str(values.selector),
          q: str(values.search),
          limit: intFlag(values, 'limit', { min: 1, max: 1000 }),
          cursor: str(values.cursor),
        },
      });
    }
    case 'show':
      return api.get('/api/v1/nodes/{id}', {
        path: { id: one(args, 'show needs exactly one node (id or name)') },
      });
    case 'label': {
      const [node, ...pairs] = args;
      if (!node || pairs.length === 0)
        throw new UsageError('nodes label needs a node and at least one k=v (set) or k- (remove)');
      // `a=1 a-` gives the key twice as much as `a=1 a=2` does.
      const labels = uniquePairs(
        pairs.map((p): [string, string | null] => {
          if (p.endsWith('-') && !p.includes('=')) return [p.slice(0, -1), null];
          const eq = p.indexOf('=');
          if (eq <= 0) throw new UsageError(`nodes label takes k=v or k- (got "${p}")`);
          return [p.slice(0, eq), p.slice(eq + 1)];
        }),
        'nodes label',
      );
      const body: ApiBody<'/api/v1/nodes/{id}', 'patch'> = { labels };
      const version = intFlag(values, 'version', { min: 0, hint: 'nodes show --json shows it' });
      if (version !== undefined) body.version = version;
      return api.patch('/api/v1/nodes/{id}', { path: { id: node }, body });
    }
    case 'cordon':
    case 'drain':
    case 'uncordon': {
      const node = one(args, `${action} needs exactly one node (id or name)`);
      const body: ApiBody<'/api/v1/nodes/{id}/drain', 'post'> = { reason: reasonFlag(values, action) };
      if (str(values.deadline)) {
        if (action === 'uncordon') throw new UsageError('--deadline is for cordon and drain only');
        body.deadline = deadlineFlag(values.deadline as string);
      }
      return api.post(`/api/v1/nodes/{id}/${action}`, { path: { id: node }, body });
    }
    case 'remove': {
      const node = one(args, 'remove needs exactly one node (id or name)');
      const reason = str(values.reason);
      return api.delete('/api/v1/nodes/{id}', {
        path: { id: node },
        query: { reason },
      });
    }
    case 'pending':
      if (args.length)
        throw new UsageError('nodes pending takes no arguments (--all shows rejected agents too)');
      return api.get('/api/v1/nodes/pending', {
        query: values.all === true ? { all: 'true' } : {},
      });
    case 'approve': {
      const id = one(args, 'approve needs exactly one agent id (from nodes pending)');
      const body: Obj = {};
      if (str(values.label)) body.labels = labelFlag(values.label as string, '--label');
      return api.post('/api/v1/nodes/pending/{agent}/approve', { path: { agent: id }, body });
    }
    case 'reject': {
      const id = one(args, 'reject needs exactly one agent id (from nodes pending)');
      return api.post('/api/v1/nodes/pending/{agent}/reject', {
        path: { agent: id },
        body: { reason: reasonFlag(values, 'reject') },
      });
    }
    default:
      throw actionError('nodes', action, ACTIONS);
  }
}

async function tokenAction(action: string | undefined, values: Values, args: string[]): Promise<unknown> {
  const api = kernelApi(values);
  switch (action) {
    case 'create': {
      if (args.length)
        throw new UsageError(
          'nodes token create takes no arguments; use --ttl, --uses, --label, --description',
        );
      const body: Obj = {};
      if (str(values.ttl)) body.ttl = values.ttl;
      const uses = intFlag(values, 'uses', { min: 1, max: 10_000 });
      if (uses !== undefined) body.uses = uses;
      if (str(values.label)) body.labels = labelFlag(values.label as string, '--label');
      if (str(values.description)) body.description = values.description;
      return api.post('/api/v1/nodes/tokens', { body });
    }
    case 'list':
      if (args.length) throw new UsageError('nodes token list takes no arguments');
      return api.get('/api/v1/nodes/tokens');
    case 'revoke':
      return api.delete('/api/v1/nodes/tokens/{token}', {
        path: { token: one(args, 'token revoke needs exactly one token id') },
      });
    default:
      throw actionError('nodes token', action, TOKEN_ACTIONS);
  }
}

function human(action: string, sub: string | undefined, data: unknown): string {
  const d = data as Obj;
  if (action === 'list') {
    const items = d.items as NodeView[];
    if (items.length === 0) return 'no nodes';
    const head = `${'NAME'.padEnd(20)} ${'STATE'.padEnd(18)} ${'SINCE'.padStart(5)} ${'CPU'.padStart(5)} ${'MEM'.padStart(5)}  ${'LABELS'.padEnd(24)} REASON`;
    const more = d.nextCursor ? `\n(${d.total} in all; next page: --cursor ${d.nextCursor})` : '';
    return `${head}\n${items.map(listLine).join('\n')}${more}`;
  }
  if (action === 'show') return details(data as NodeView);
  if (action === 'remove')
    return `removed ${d.name} (${d.id}); its identity is revoked${d.disconnected ? ', session closed' : ''}`;
  if (action === 'token') {
    if (sub === 'create') {
      const t = data as TokenView & { token: string; server?: string };
      return [
        `token   ${t.token}`,
        `id      ${t.id}  (${t.spec.uses} use${t.spec.uses === 1 ? '' : 's'}, expires ${t.spec.expiresAt})`,
        'This token is shown only now. Start an agent with:',
        `  ${joinCommandLine(t.server, t.token)}`,
      ].join('\n');
    }
    if (sub === 'list') {
      const items = d.items as TokenView[];
      return items.length ? items.map(tokenLine).join('\n') : 'no join tokens';
    }
    return `revoked token ${d.id}`;
  }
  if (action === 'pending') {
    const items = d.items as PendingView[];
    return items.length ? items.map(pendingLine).join('\n') : 'no agents pending approval';
  }
  if (action === 'approve') return `approved ${d.name}: invited at ${d.invitedAt} with a single-use token`;
  if (action === 'reject') return `rejected ${d.name} (${d.id})`;
  return listLine(data as NodeView);
}

/** `omega nodes …`: the node registry, join tokens and discovered agents through the nodes API. */
export const nodesCommand: Command = {
  name: 'nodes',
  summary:
    'List and inspect nodes, label, cordon, drain or remove them; join tokens; approve discovered agents.',
  usage:
    'omega nodes <list [--state S] [--selector K=V,..] [--search TEXT]|show NODE|label NODE K=V.. K-..|cordon NODE --reason R [--deadline D]|drain NODE --reason R [--deadline D]|uncordon NODE --reason R|remove NODE [--reason R]|token create [--ttl 1h] [--uses N] [--label K=V,..] [--description D]|token list|token revoke ID|pending [--all]|approve ID [--label K=V,..]|reject ID --reason R> [--url URL | --context NAME] [--token TOKEN] [--json]',
  options: {
    'data-dir': { type: 'string', description: 'Where to find admin-token (default ./data)' },
    json: { type: 'boolean', description: 'Print JSON' },
    state: {
      for: ['list'],
      type: 'string',
      description: 'list: ready, suspect, down, left, schedulable, cordoned or draining',
    },
    selector: {
      for: ['list'],
      type: 'string',
      description: 'list: label selector, e.g. rack=a,gpu,!spot,zone!=b',
    },
    search: {
      for: ['list'],
      type: 'string',
      description: 'list: text in name, id, address, labels or reason',
    },
    limit: { for: ['list'], type: 'string', description: 'list: nodes per page (1–1000, default 100)' },
    cursor: { for: ['list'], type: 'string', description: 'list: the next page (printed under the list)' },
    reason: {
      for: ['cordon', 'drain', 'uncordon', 'reject', 'remove'],
      type: 'string',
      description: 'cordon, drain, uncordon, reject (required), remove: why',
    },
    deadline: {
      for: ['cordon', 'drain'],
      type: 'string',
      description: 'cordon: ends by itself then; drain: work must leave by then (ISO time, or 30m, 2h, 1d)',
    },
    version: {
      for: ['label'],
      type: 'string',
      description: 'label: fail with a conflict unless the node is at this version',
    },
    ttl: {
      for: ['token create'],
      type: 'string',
      description: 'token create: lifetime, e.g. 30m, 1h (default), 7d',
    },
    uses: {
      for: ['token create'],
      type: 'string',
      description: 'token create: how many nodes may join with it (default 1)',
    },
    label: {
      for: ['token create', 'approve'],
      type: 'string',
      description: 'token create, approve: labels for the joining nodes, k=v,k2=v2',
    },
    description: { for: ['token create'], type: 'string', description: 'token create: what it is for' },
    all: { for: ['pending'], type: 'boolean', description: 'pending: show rejected agents too' },
  },
  actions: nestedActions(ACTIONS, { token: TOKEN_ACTIONS }),
  async run(values, positionals) {
    const [action, ...rest] = positionals;
    if (!action || !(ACTIONS as readonly string[]).includes(action))
      throw actionError('nodes', action, ACTIONS);
    let sub: string | undefined;
    let data: unknown;
    if (action === 'token') {
      [sub] = rest;
      data = await tokenAction(sub, values, rest.slice(1));
    } else data = await nodeAction(action, values, rest);
    output(values.json === true, data, () => human(action, sub, data));
    return 0;
  },
};
