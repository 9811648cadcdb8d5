/*
 * What the Resources tab reads from the resources plugin (docs/resources.md,
 * plugins/resources/src/contract.ts, agent/src/resources/resource-report.ts), as type-only
 * mirrors read leniently: any part may be `{ available: false, reason }` and any figure may be
 * missing — shown as absent with the plugin's reason, never as zero.
 */

/** A part the node lacks, with the plugin's reason. */
export interface Absent {
  available: false;
  reason: string;
}

/** A part that is there (`available: true` and its fields), or why not. */
export type Detected<T> = ({ available: true } & T) | Absent;

/** How serious a problem is. */
export type Severity = 'info' | 'warning' | 'critical';

/** One problem of one node (`ResourceProblem`). */
export interface Problem {
  kind: string;
  subject: string;
  severity: Severity;
  message: string;
  since: string;
}

/** "Full in N days" as the agent estimates it (hostinfo `FullEstimate`, summarised or whole). */
export interface FullEstimate {
  status: 'filling' | 'not-filling' | 'unknown' | 'full' | string;
  days?: number;
  daysLow?: number;
  daysHigh?: number;
  reason?: string;
}

/** The summary an agent reports every interval (`ResourceSummaryView`), as far as the tab shows it. */
export interface ResourceSummary {
  v: 1;
  at: number;
  cpu: Detected<{ busy: number; max: number; cores: number }>;
  numa: Detected<{
    nodes: Array<{
      node: number;
      cpus: number;
      busy?: number;
      memTotalBytes?: number;
      memUsedBytes?: number;
    }>;
  }>;
  thermal: {
    sensors: Detected<{
      count: number;
      hottest: {
        chip: string;
        label?: string;
        celsius: number;
        maxCelsius?: number;
        criticalCelsius?: number;
      };
    }>;
    throttle: Detected<{ count: number; throttledMs?: number; lastAt?: number }>;
    frequency: Detected<{
      ratioMin: number;
      ratioMean: number;
      heldDown: { count: number; lastAt?: number };
    }>;
    gpus: Detected<{ gpus: GpuThermal[] }>;
  };
  storage: {
    disks: Detected<{ list: Array<{ name: string; utilization: number; iops: number }> }>;
    filesystems: Detected<{
      list: Array<{
        mount: string;
        usedRatio: number;
        availBytes: number;
        sizeBytes: number;
        full: FullEstimate;
      }>;
    }>;
  };
  health: {
    md: Detected<{ arrays: Array<{ name: string; health: string; degraded: boolean }> }>;
    btrfs: Detected<{ filesystems: unknown[] }>;
    zfs: Detected<{ pools: unknown[] }>;
    smart: Detected<{ devices: unknown[] }>;
  };
  failed?: Record<string, string>;
  truncated?: string[];
}

/** One node's resources (`GET /resources` items, `GET /resources/nodes/{node}`). */
export interface NodeResources {
  id: string;
  name: string;
  state: string;
  connected: boolean;
  reportedAt?: string;
  summary: ResourceSummary | Absent;
  problems: Problem[];
}

/** `GET /resources`. */
export interface FleetResources {
  cluster: {
    nodes: number;
    reporting: number;
    numaNodes: number;
    throttledNodes: number;
    degradedArrays: number;
    hottest?: { node: string; celsius: number; sensor: string };
    problems: Record<Severity, number>;
    registry?: string;
  };
  items: NodeResources[];
  nextCursor?: string;
}

/** One GPU's temperature and throttling. */
export interface GpuThermal {
  index: number;
  name?: string;
  temperatureCelsius?: number;
  slowdownCelsius?: number;
  throttleReasons?: string[];
}

/** One temperature sensor. */
export interface Sensor {
  chip: string;
  label?: string;
  celsius: number;
  maxCelsius?: number;
  criticalCelsius?: number;
  source?: string;
}

/** One block device over the last interval (iostat -x figures). */
export interface DiskFigures {
  name: string;
  readsPerSecond?: number;
  writesPerSecond?: number;
  readBytesPerSecond?: number;
  writeBytesPerSecond?: number;
  readAwaitMs?: number;
  writeAwaitMs?: number;
  queueSize?: number;
  utilization?: number;
  peak?: { utilization?: number; iops?: number };
}

/** One filesystem in the detail. */
export interface FilesystemDetail {
  mount: string;
  device: string;
  fstype: string;
  readOnly?: boolean;
  sizeBytes: number;
  usedBytes?: number;
  availBytes: number;
  usedRatio: number;
  inodes: Detected<{ total: number; free: number; used: number; usedRatio: number }>;
  full: FullEstimate;
}

/** One md array (hostinfo `MdArray`). */
export interface MdArray {
  name: string;
  level?: string;
  health: string;
  degraded: boolean;
  raidDisks?: number;
  workingDisks?: number;
  slotStatus?: string;
  failedMembers?: string[];
  failed?: string[];
  members?: Array<{ device: string; role: string }>;
  sync?: {
    action: string;
    state: string;
    fraction?: number;
    speedBytesPerSecond?: number;
    etaSeconds?: number;
  };
}

/** The agent's `resources.detail` answer (every section optional). */
export interface ResourceDetail {
  numa?: {
    topology: Detected<{
      nodes: Array<{
        node: number;
        cpus: number[];
        memory?: { totalBytes?: number; usedBytes?: number; freeBytes?: number };
        busy?: number;
        busyMax?: number;
      }>;
      distances: number[][];
    }>;
    cpu: Detected<{ cores: Array<{ cpu: number; node?: number; busy: number; max: number }> }>;
  };
  thermal?: {
    sensors: Detected<{ sensors: Sensor[] }>;
    throttle: Detected<{
      windowMs: number;
      count: number;
      throttledMs?: number;
      lastAt?: number;
      events?: Array<{ from: number; to: number; scope: string; id: number; count: number }>;
    }>;
    frequency: Detected<{
      ratioMin: number;
      ratioMean: number;
      heldDown: { count: number; lastAt?: number };
    }>;
    gpus: Detected<{ gpus: GpuThermal[] }>;
  };
  storage?: {
    disks: Detected<{ intervalSeconds: number; devices: DiskFigures[] }>;
    filesystems: Detected<{ list: FilesystemDetail[] }>;
  };
  health?: {
    md: Detected<{ arrays: MdArray[] }>;
    btrfs: Detected<{
      filesystems: Array<{ uuid: string; label?: string; totalErrors?: number; devices?: unknown[] }>;
    }>;
    zfs: Detected<{ pools: Array<{ name: string; health: string }> }>;
    smart: Detected<{
      devices: Array<{ device: string; passed?: boolean; reason?: string; model?: string }>;
    }>;
  };
}

/** `GET /resources/nodes/{node}/detail`. */
export interface NodeDetailAnswer {
  node: string;
  name: string;
  at: string;
  stale?: { reason: string; code: string };
  detail: ResourceDetail;
}

/** True when a part is there (narrows it), false when it is absent or missing altogether. */
export function isPresent<T>(d: Detected<T> | undefined | null): d is { available: true } & T {
  return typeof d === 'object' && d !== null && d.available === true;
}

/** Why a part is absent: the plugin's reason, or a fallback when the part is missing altogether. */
export function absentReason(
  d: { available?: boolean; reason?: unknown } | undefined | null,
  fallback: string,
): string {
  return d && typeof d.reason === 'string' && d.reason !== '' ? d.reason : fallback;
}
