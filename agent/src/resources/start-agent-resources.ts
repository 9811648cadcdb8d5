import { join } from 'node:path';
import type { AgentConfig } from '../config/agent-config-schema.js';
import { DEFAULT_PROBE_PORT, type Netprobe, startNetprobe } from '../netprobe/start-netprobe.js';
import type { ReporterHost, ReporterLogger } from './reporter-host.js';
import { type ResourceReporters, startResourceReporters } from './start-resource-reporters.js';

/** What {@link startAgentResources} needs of the agent (its `Agent`, structurally). */
export interface ResourceAgent {
  ops: ReporterHost['ops'];
  phase(): string;
  server(): string | undefined;
  report(topic: string, data: unknown): void;
}

/** The running resource reporters and probe of one agent. */
export interface AgentResources {
  readonly reporters?: ResourceReporters;
  readonly netprobe?: Netprobe;
  stop(): Promise<void>;
}

/**
 * Starts what docs/resources.md and docs/network.md describe on a node agent, as its config
 * says: the resource reporters (their "full in N days" history kept in the data directory) and
 * the network probe. A probe port already taken falls back to a free one (the plugin learns the
 * port from the reports); a probe that cannot start at all is logged and left out — the agent
 * runs without it, never fails for it.
 */
export async function startAgentResources(
  agent: ResourceAgent,
  config: Pick<AgentConfig, 'dataDir' | 'resources' | 'netprobe'>,
  log: ReporterLogger,
): Promise<AgentResources> {
  const host: ReporterHost = {
    report: (topic, data) => agent.report(topic, data),
    connected: () => agent.phase() === 'connected',
    ops: agent.ops,
    log,
  };
  const reporters = config.resources.enabled
    ? startResourceReporters(host, {
        reportEveryMs: config.resources.reportEverySec * 1000,
        usage: { file: join(config.dataDir, 'fs-usage.json'), log },
      })
    : undefined;
  let netprobe: Netprobe | undefined;
  if (config.netprobe.enabled) {
    const np = config.netprobe;
    const open = (port: number) =>
      startNetprobe(host, {
        port,
        ...(np.host ? { host: np.host } : {}),
        ...(np.advertiseAddress ? { advertiseAddress: np.advertiseAddress } : {}),
        server: () => agent.server(),
      });
    try {
      netprobe = await open(np.port).catch((err: NodeJS.ErrnoException) => {
        if (err.code !== 'EADDRINUSE' || np.port === 0) throw err;
        log.warn(
          { port: np.port, default: DEFAULT_PROBE_PORT },
          'probe port taken (another agent on this machine?); answering probes on a free port',
        );
        return open(0);
      });
    } catch (err) {
      log.error(
        { err: (err as Error).message, port: np.port },
        'network probe not started: this node is left out of the latency matrix; free the port or set netprobe.port',
      );
    }
  }
  return {
    ...(reporters ? { reporters } : {}),
    ...(netprobe ? { netprobe } : {}),
    async stop() {
      reporters?.stop();
      await netprobe?.stop();
    },
  };
}
