import type { PluginResponse } from '@omega/sdk';
import { isoTime } from '@omega/sdk';
import type { SessionsRuntime } from '../runtime.js';
import { ok } from './http.js';

/** The Slurm clusters the submit-host agents report. */
export function slurmRoutes(rt: () => SessionsRuntime) {
  return {
    /** GET /api/v1/sessions/slurm — per submit host: its partitions and Slurm's nodes with their Slurm state and reason. */
    async slurmClusters(): Promise<PluginResponse> {
      return ok({
        hosts: rt()
          .slurm.list()
          .map((h) => ({
            node: h.node,
            name: h.nodeName,
            reportedAt: isoTime(h.receivedAt),
            ...h.report,
          })),
      });
    },
  };
}
