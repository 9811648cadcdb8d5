/** A session as the API shows it (the fields the CLI prints). */
export interface SessionView {
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

/** A session's newest usage sample, as the API shows it. */
export interface Usage {
  at: string;
  cpuUserSec: number;
  cpuSystemSec: number;
  cpuTotalSec: number;
  throttledSec: number | null;
  memoryCurrentBytes: number | null;
  memoryPeakBytes: number | null;
  pidsCurrent: number | null;
}
