import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync, readFileSync, renameSync } from 'node:fs';
import { join } from 'node:path';
import { LIFELINE_ENV } from '@omega/agent';
import type { Kernel } from '../../kernel/index.js';
import { KERNEL_VERSION } from '../../kernel/index.js';

/** The kernel as the caller of the nodes plugin's services (a reserved name). */
const KERNEL_CALLER = { plugin: 'kernel', version: KERNEL_VERSION };

/** The local agent's data directory inside the kernel's. */
export const LOCAL_AGENT_DIR = 'agent';

/** A running local agent and how to stop it. */
export interface LocalAgent {
  child: ChildProcess;
  /**
   * SIGTERM (the agent leaves), then SIGKILL after `graceMs`. A stop of the whole process group
   * reaches the agent from the group too; it takes the two as one stop (the agent's repeat window).
   */
  stop(graceMs?: number): Promise<void>;
}

/**
 * Starts the kernel machine's own agent as a child process (`omega agent`, this same program),
 * so a fresh install shows one ready node at once. Its data dir is `<dataDir>/agent`, its sessions'
 * working directories `<dataDir>-sessions`. On first
 * start it joins with a single-use token from the nodes plugin's kernel-only service
 * `nodes.local-join-token` (handed over in the environment, never on the command line); after
 * that it resumes with its identity. Answers undefined, with the reason printed, when the nodes
 * plugin does not run.
 */
export async function startLocalAgent(
  kernel: Kernel,
  print: (line: string) => void,
): Promise<LocalAgent | undefined> {
  const dataDir = join(kernel.config.dataDir, LOCAL_AGENT_DIR);
  const env: NodeJS.ProcessEnv = { ...process.env };
  delete env.OMEGA_AGENT_JOIN_TOKEN;
  // Sessions run as an unprivileged user, who cannot enter the kernel's 0700 data dir: their
  // working directories go beside it (`./data` → `./data-sessions`), unless the operator chose.
  env.OMEGA_AGENT_SESSIONS_WORK_ROOT ??= `${kernel.config.dataDir.replace(/\/+$/, '')}-sessions`;
  await setAsideRemovedNode(kernel, dataDir, print);
  if (!existsSync(join(dataDir, 'agent.json'))) {
    if (kernel.plugins.info('nodes').status !== 'running') {
      print('no local agent: the nodes plugin is not running (omega plugin list shows why)');
      return undefined;
    }
    const answer = (await kernel.plugins.services.call('nodes.local-join-token', {}, KERNEL_CALLER)) as {
      token?: unknown;
    };
    if (typeof answer?.token !== 'string') {
      print('no local agent: the nodes plugin gave no join token');
      return undefined;
    }
    env.OMEGA_AGENT_JOIN_TOKEN = answer.token;
  }
  const args = [
    ...process.execArgv,
    process.argv[1]!,
    'agent',
    '--server',
    kernel.url,
    '--data-dir',
    dataDir,
    '--no-discovery',
    '--log-level',
    kernel.config.log.level,
  ];
  // The IPC channel is the agent's lifeline: it closes when this process ends however it ends
  // (SIGKILL, OOM), and the agent then leaves instead of living on beside the next kernel.
  env[LIFELINE_ENV] = 'ipc';
  const child = spawn(process.execPath, args, { env, stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  child.channel?.unref();
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  child.once('exit', (code, signal) => {
    const how = signal ?? `code ${code}`;
    if (!stopping) print(`the local agent exited (${how}); the kernel keeps running`);
    // A stop the agent cut short (a second signal, the SIGKILL after the grace) says so.
    else if (code === 0) print('the local agent left');
    else print(`the local agent did not leave cleanly (${how})`);
  });
  let stopping = false;
  print(`local agent started (pid ${child.pid}, data in ${dataDir})`);
  return {
    child,
    async stop(graceMs = 5000) {
      stopping = true;
      if (child.exitCode !== null || child.signalCode !== null) return;
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
      await exited;
      clearTimeout(timer);
    },
  };
}

/**
 * The local agent's node was removed (`omega nodes remove` on the kernel's own machine): its
 * identity is revoked, and every start refused it with "delete the agent's identity and join with
 * a new token" (walk). Its data dir is set aside (`agent.removed-<time>`), so this start joins the
 * machine again as a new node, and says so; `--no-local-agent` keeps it out instead.
 */
async function setAsideRemovedNode(
  kernel: Kernel,
  dataDir: string,
  print: (line: string) => void,
): Promise<void> {
  const stateFile = join(dataDir, 'agent.json');
  if (!existsSync(stateFile) || kernel.plugins.info('nodes').status !== 'running') return;
  let node: unknown;
  try {
    node = (JSON.parse(readFileSync(stateFile, 'utf8')) as { node?: unknown }).node;
  } catch {
    return; // the agent reads its own state and says what is wrong with it
  }
  if (typeof node !== 'string') return;
  // Only a registry that answered, without the node, sets it aside (a registry still loading answers 503).
  const found = (await kernel.plugins.services
    .call('nodes.registry', { ids: [node] }, KERNEL_CALLER)
    .catch(() => undefined)) as { nodes?: unknown[] } | undefined;
  if (!Array.isArray(found?.nodes) || found.nodes.length > 0) return;
  const aside = `${dataDir}.removed-${new Date().toISOString().replace(/[:.]/g, '-')}`;
  renameSync(dataDir, aside);
  print(
    `the local node ${node} was removed (omega nodes remove): its agent joins again as a new node; its old data is in ${aside} (start with --no-local-agent to keep it out)`,
  );
}
