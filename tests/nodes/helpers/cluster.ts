import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  api,
  type Doc,
  type NodesKernel,
  startNodesKernel,
  until,
} from '../../../plugins/nodes/test/helpers/nodes-kernel.js';
import { removeDir } from '../../helpers/temp-kernel.js';
import type { LabHost, NetnsLab } from '../../substrate/netns.js';
import { type AgentProcess, startAgent } from './agent-process.js';

/** The liveness bounds the end-to-end suites run with (a 1 s heartbeat keeps them short). */
export const BOUNDS = { heartbeatMs: 1000, suspectAfterMs: 4000, downAfterMs: 8000, closedGraceMs: 3000 };

/** A kernel on a lab's bridge address with the nodes plugin, the bounds above in force. */
export async function startLabKernel(lab: NetnsLab, o: { discovery?: boolean } = {}): Promise<NodesKernel> {
  const k = await startNodesKernel({
    config: {
      host: lab.bridgeAddress,
      agents: {
        heartbeatMs: BOUNDS.heartbeatMs,
        // Browsing the lab's bridge for agents that announce themselves (mDNS).
        ...(o.discovery ? { discovery: { enabled: true, interfaces: [lab.bridgeAddress] } } : {}),
      },
    },
  });
  const current = await api<Doc>(k, '/api/v1/nodes/settings');
  const put = await api<Doc>(k, '/api/v1/nodes/settings', {
    method: 'PUT',
    body: {
      suspectAfterMs: BOUNDS.suspectAfterMs,
      downAfterMs: BOUNDS.downAfterMs,
      closedGraceMs: BOUNDS.closedGraceMs,
      version: current.body.version,
    },
  });
  if (put.status !== 200) throw new Error(`settings refused: ${JSON.stringify(put.body)}`);
  return k;
}

/** One agent of a lab: where it runs, its data dir, and its current process. */
export interface LabAgent {
  name: string;
  host: LabHost;
  dataDir: string;
  /** Its config file (beside the data dir, not in it). */
  configFile: string;
  proc: AgentProcess;
  /** Starts the agent again (resume) on the same data dir. */
  restart(extra?: string[]): AgentProcess;
}

/** Starts a real omega-agent inside `host`'s namespace (joining with `token` when given). */
export function labAgent(
  lab: NetnsLab,
  k: NodesKernel,
  host: LabHost,
  name: string,
  o: { token?: string; capacity?: Record<string, number>; dataDir?: string } = {},
): LabAgent {
  const dataDir = o.dataDir ?? mkdtempSync(join(tmpdir(), `omega-agent-${name}-`));
  const configFile = join(dataDir, '..', `${name}-${lab.id}.json`);
  writeFileSync(configFile, JSON.stringify({ capacity: o.capacity ?? { cores: 1 } }));
  const run = (token?: string, extra: string[] = []) =>
    startAgent({
      lab: { lab, host },
      args: [
        '--server',
        k.url,
        '--name',
        name,
        '--data-dir',
        dataDir,
        '--config',
        configFile,
        '--no-discovery',
        '--log-level',
        'debug',
        ...extra,
      ],
      env: token ? { OMEGA_AGENT_JOIN_TOKEN: token } : { OMEGA_AGENT_JOIN_TOKEN: '' },
    });
  const agent: LabAgent = {
    name,
    host,
    dataDir,
    configFile,
    proc: run(o.token),
    restart(extra) {
      agent.proc = run(undefined, extra);
      return agent.proc;
    },
  };
  return agent;
}

/**
 * Kills the agents' processes (SIGKILL) and waits until they exited, then removes their data dirs
 * (with the sessions' `-work` dir an agent makes beside its own) and config files.
 */
export async function disposeLabAgents(agents: LabAgent[]): Promise<void> {
  for (const a of agents) a.proc.kill('SIGKILL');
  await Promise.all(agents.map((a) => a.proc.exited));
  for (const a of agents) {
    removeDir(a.dataDir);
    rmSync(a.configFile, { force: true });
  }
}

/** A node as the API shows it. */
export async function nodeView(k: NodesKernel, name: string): Promise<Doc> {
  const r = await api<Doc>(k, `/api/v1/nodes/${name}`);
  if (r.status !== 200) throw new Error(`GET node ${name}: ${r.status} ${JSON.stringify(r.body)}`);
  return r.body;
}

/** Waits until the node is in `state`; answers its view. */
export function waitState(k: NodesKernel, name: string, state: string, ms = 30_000): Promise<Doc> {
  return until(async () => {
    const v = await nodeView(k, name).catch(() => undefined);
    return v?.status.state === state ? v : undefined;
  }, ms);
}

/** `nodes.node.<state>` events of one node, in order, with the bus's publish time. */
export function stateEvents(
  k: NodesKernel,
  name: string,
): Array<{ state: string; reason: string; at: number }> {
  return k
    .events(['nodes.node.*'])
    .filter((e) => (e.data as Doc)?.name === name)
    .map((e) => ({
      state: (e.data as Doc).state as string,
      reason: (e.data as Doc).reason as string,
      at: Date.parse((e.data as Doc).since as string),
    }));
}
