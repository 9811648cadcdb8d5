import type { CpuTimesSample } from '@omega/hostinfo';
import type {
  DiskStats,
  LoadAverage,
  MemoryStats,
  NetworkStats,
  TemperatureStats,
  Topology,
} from './types.js';

export type { ReadText } from '@omega/hostinfo';

/** Where raw host figures come from: /proc and /sys on Linux, systeminformation elsewhere. */
export interface HostSource {
  cpu(): Promise<{ sample: CpuTimesSample; load?: LoadAverage }>;
  memory(): Promise<MemoryStats>;
  disk(): Promise<DiskStats>;
  network(): Promise<NetworkStats>;
  temperature(): Promise<TemperatureStats>;
  /** A cheap signature; the topology is read again only when it changes. */
  topologyKey(): Promise<string>;
  /** The topology; the caller adds the hostname. */
  topology(): Promise<Omit<Topology, 'hostname'>>;
}
