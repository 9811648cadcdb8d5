import { spawn } from 'node:child_process';
import { randomInt } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { pidsInUidRange } from '../../../agent/test/exec/exec-harness.js';
import type { KernelConfigInput } from '../../../kernel/config/index.js';
import {
  api,
  type Doc,
  type NodesKernel,
  startNodesKernel,
  until,
} from '../../../plugins/nodes/test/helpers/nodes-kernel.js';
import { removeCgroupTrees } from '../../helpers/remove-cgroup-trees.js';
import { removeDir } from '../../helpers/temp-kernel.js';
import { type AgentProcess, startAgent } from '../../nodes/helpers/agent-process.js';
import type { LabHost, NetnsLab } from '../../substrate/netns.js';

export { hostileBinary, skipReason } from '../../../agent/test/exec/exec-harness.js';
export { api, type Doc, type NodesKernel, until } from '../../../plugins/nodes/test/helpers/nodes-kernel.js';

/** The sessions plugin's source folder. */
export const SESSIONS_DIR = join(import.meta.dirname, '..', '..', '..', 'plugins', 'sessions');
/** Other core plugins a test may load with it. */
export const SECURITY_DIR = join(SESSIONS_DIR, '..', 'security');
export const METRICS_DIR = join(SESSIONS_DIR, '..', 'metrics');

/** A real kernel with the nodes and sessions plugins (and `with`). */
export async function startSessionsKernel(
  o: {
    with?: string[];
    config?: KernelConfigInput;
    dataDir?: string;
    plugins?: { dir: string; grantsFile: string };
  } = {},
): Promise<NodesKernel> {
  const k = await startNodesKernel({
    with: [SESSIONS_DIR, ...(o.with ?? [])],
    config: { agents: { heartbeatMs: 500 }, ...o.config },
    ...(o.dataDir ? { dataDir: o.dataDir } : {}),
    ...(o.plugins ? { plugins: o.plugins } : {}),
  });
  const info = k.kernel.plugins.info('sessions');
  if (info.status !== 'running') {
    await k.close();
    throw new Error(`sessions plugin did not start: ${JSON.stringify(info.reasons)}`);
  }
  return k;
}

/** One real agent process on a node of the test, with its own data dir, cgroup parent and uid range. */
export interface TestNode {
  name: string;
  agent: AgentProcess;
  dataDir: string;
  parent: string;
  uidRange: [number, number];
  /** Restarts the agent process on the same data dir (after it exited). */
  restart(): Promise<void>;
  /** Pids still running as a uid of this node's range (sessions' processes). */
  leftovers(): Promise<number[]>;
}

/**
 * A lab host whose processes enter only its network namespace (nsenter --net). `ip netns exec`
 * also remounts /sys, which hides /sys/fs/cgroup: an agent started that way finds no writable
 * cgroup and its node enforces nothing. Namespaced hosts share the machine's cgroups.
 */
function netOnly(l: { lab: NetnsLab; host: LabHost }): { lab: NetnsLab; host: LabHost } {
  const lab = Object.create(l.lab) as NetnsLab;
  lab.spawn = (host, command, argv, options = {}) =>
    spawn(
      'nsenter',
      [
        `--net=/run/netns/${host.netns}`,
        '--',
        'unshare',
        '--uts',
        'sh',
        '-c',
        `hostname ${host.name} && exec "$@"`,
        'sh',
        command,
        ...argv,
      ],
      options,
    );
  return { lab, host: l.host };
}

/** Options of {@link startNode}. */
export interface StartNodeOptions {
  /** Extra flags (e.g. --slurm cli …). */
  args?: string[];
  /** The kernel URL the agent joins (default the kernel's loopback URL). */
  server?: string;
  lab?: { lab: NetnsLab; host: LabHost };
}

/**
 * Starts a real `omega-agent` joined to `k` with a fresh token, its sessions in cgroup parent
 * `omega-t<random>` with a uid range of their own, and waits until the node is ready with its
 * enforcement report in the registry.
 */
export async function startNode(k: NodesKernel, name: string, o: StartNodeOptions = {}): Promise<TestNode> {
  const dataDir = mkdtempSync(join(tmpdir(), `omega-sessions-agent-${name}-`));
  const parent = `omega-t${randomInt(1e9)}`;
  const lo = 300_000 + randomInt(1000) * 100;
  const uidRange: [number, number] = [lo, lo + 99];
  const minted = await api<Doc>(k, '/api/v1/nodes/tokens', { method: 'POST', body: { ttl: '10m', uses: 1 } });
  if (minted.status !== 201) throw new Error(`no join token: ${JSON.stringify(minted.body)}`);
  const args = [
    '--server',
    o.server ?? k.url,
    '--name',
    name,
    '--data-dir',
    dataDir,
    '--no-discovery',
    '--log-level',
    'debug',
    '--sessions-cgroup-parent',
    parent,
    '--sessions-uid-range',
    `${uidRange[0]}-${uidRange[1]}`,
    ...(o.args ?? []),
  ];
  const launch = (token?: string) =>
    startAgent({
      args,
      env: token ? { OMEGA_AGENT_JOIN_TOKEN: token } : {},
      ...(o.lab ? { lab: netOnly(o.lab) } : {}),
    });
  const node: TestNode = {
    name,
    agent: launch(minted.body.token as string),
    dataDir,
    parent,
    uidRange,
    async restart() {
      node.agent = launch();
      await node.agent.waitLog((r) => r.msg === 'connected', 30_000);
    },
    leftovers: () => pidsInUidRange(uidRange[0], uidRange[1]),
  };
  await until(async () => {
    const r = await api<Doc>(k, `/api/v1/nodes/${name}`);
    return r.status === 200 && r.body.status?.state === 'ready' && r.body.status?.cgroup;
  }, 60_000).catch((err: Error) => {
    throw new Error(
      `${err.message}: node ${name} not ready; agent stderr: ${node.agent.stderr().slice(-1500)}`,
    );
  });
  return node;
}

/**
 * Stops an agent (SIGTERM, then SIGKILL) and removes its data dir; its sessions must have ended.
 * A session process still running then would run for good (no agent, no record left to adopt
 * it): it is killed (its supervisor exits with it) and named on stderr. Answers those pids.
 * The node's cgroup parent goes too, in every hierarchy (an agent killed mid-run leaves it).
 */
export async function stopNode(n: TestNode): Promise<number[]> {
  if (n.agent.child.exitCode === null && n.agent.child.signalCode === null) {
    n.agent.kill('SIGTERM');
    await Promise.race([n.agent.exited, sleep(8000)]);
    n.agent.kill('SIGKILL');
  }
  const left = await n.leftovers();
  for (const pid of left) {
    try {
      process.kill(pid, 'SIGKILL');
    } catch {}
  }
  if (left.length > 0)
    console.warn(
      `[stopNode] node ${n.name} left ${left.length} session process(es) running after its agent stopped (killed): ${left.join(', ')}`,
    );
  removeDir(n.dataDir);
  removeDir(`${n.dataDir}-work`);
  removeCgroupTrees(n.parent);
  return left;
}

/** POST /api/v1/sessions. */
export function createSession(k: NodesKernel, spec: Record<string, unknown>, token?: string) {
  return api<Doc>(k, '/api/v1/sessions', { method: 'POST', body: spec, ...(token ? { token } : {}) });
}

/** Polls a session until `check` holds; answers its view. */
export async function waitSession(
  k: NodesKernel,
  id: string,
  check: (s: Doc) => boolean,
  ms = 30_000,
): Promise<Doc> {
  let last: Doc | undefined;
  return until(async () => {
    const r = await api<Doc>(k, `/api/v1/sessions/${id}`);
    last = r.body;
    return r.status === 200 && check(r.body) ? r.body : undefined;
  }, ms).catch((err: Error) => {
    throw new Error(`${err.message}: session ${id} is ${JSON.stringify(last?.status)}`);
  });
}

/** Reads all of a stream (live: following until the session ended), decoding base64 to bytes. */
export async function readLogs(k: NodesKernel, id: string, stream = 'stdout', waitSec = 0): Promise<Buffer> {
  const parts: Buffer[] = [];
  let offset = 0;
  for (;;) {
    const r = await api<Doc>(
      k,
      `/api/v1/sessions/${id}/logs?stream=${stream}&offset=${offset}&limit=524288&wait=${waitSec}`,
    );
    if (r.status !== 200) throw new Error(`logs: ${r.status} ${JSON.stringify(r.body)}`);
    parts.push(Buffer.from(r.body.data as string, 'base64'));
    offset = r.body.nextOffset as number;
    if (r.body.ended && offset >= (r.body.endOffset as number)) break;
    if (waitSec === 0 && (r.body.data as string).length === 0) break;
  }
  return Buffer.concat(parts);
}

/**
 * CPU time a process's session cgroup used, µs, from the cgroup's own counters: cgroup2
 * `cpu.stat usage_usec` (the unified hierarchy on a hybrid host), else v1 `cpuacct.usage`.
 */
export function cgroupCpuUsec(pid: number): number {
  const lines = readFileSync(`/proc/${pid}/cgroup`, 'utf8').split('\n');
  const unified = lines.find((l) => l.startsWith('0::'))?.slice(3);
  if (unified && unified !== '/') {
    const root = existsSync('/sys/fs/cgroup/unified/cgroup.procs')
      ? '/sys/fs/cgroup/unified'
      : '/sys/fs/cgroup';
    const stat = readFileSync(join(root, unified, 'cpu.stat'), 'utf8');
    return Number(/^usage_usec (\d+)$/m.exec(stat)?.[1]);
  }
  const acct = lines.find((l) => l.split(':')[1]?.split(',').includes('cpuacct'));
  const rel = acct?.split(':')[2];
  if (!rel || rel === '/') throw new Error(`process ${pid} is in no cgroup of its own`);
  const mount = existsSync('/sys/fs/cgroup/cpuacct')
    ? '/sys/fs/cgroup/cpuacct'
    : '/sys/fs/cgroup/cpu,cpuacct';
  return Number(readFileSync(join(mount, rel, 'cpuacct.usage'), 'utf8')) / 1000;
}

/** Cancels every session not yet ended (grace 0) and waits until they all ended: a test leaves nothing running. */
export async function cancelAll(k: NodesKernel): Promise<void> {
  const live = 'pending,starting,running,paused,terminating';
  const list = await api<Doc>(k, `/api/v1/sessions?state=${live}&limit=500`);
  for (const s of (list.body.items ?? []) as Doc[])
    await api(k, `/api/v1/sessions/${s.id}/terminate`, {
      method: 'POST',
      body: { graceMs: 0, reason: 'test cleanup' },
    });
  await until(
    async () => ((await api<Doc>(k, `/api/v1/sessions?state=${live}`)).body.items as Doc[]).length === 0,
    60_000,
  );
}
