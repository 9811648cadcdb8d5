import os from 'node:os';
import { join } from 'node:path';
import {
  createFilesystemReader,
  hostRoots,
  parseMeminfo,
  parseMounts,
  type RootOptions,
  type RunCommand,
  readCpuLayout,
  readInterfaces,
  readNuma,
  readOptional,
} from '@omega/hostinfo';
import { AGENT_VERSION } from '../version.js';
import type { AgentSpecs, SpecsInterface } from './agent-specs.js';
import { readNvidiaGpus } from './nvidia-gpus.js';
import { parseCpuinfo } from './parse-cpuinfo.js';
import { parseOsRelease } from './parse-os-release.js';
import { readDisks } from './read-disks.js';

/** Options of {@link readSpecs}. */
export interface ReadSpecsOptions extends RootOptions {
  /** Where /etc/os-release is (default `<root>/etc/os-release`). */
  osRelease?: string;
  /** Runs nvidia-smi (a recorded answer in tests). */
  run?: RunCommand;
  /** Operator-configured capacity that replaces the machine's. */
  capacity?: { cores?: number; threads?: number; memoryBytes?: number };
  /** The hostname (default os.hostname()). */
  hostname?: string;
  /** Addresses per interface (default getifaddrs of this network namespace on the live root). */
  addresses?: () => NodeJS.Dict<os.NetworkInterfaceInfo[]>;
}

const statfsTimeout = createFilesystemReader(2000);

/**
 * Reads the machine's specs from /proc and /sys (through @omega/hostinfo) plus /etc/os-release
 * and one nvidia-smi spawn: a slow-cadence read (at start and every specsIntervalSec), never on
 * the heartbeat path. Takes ~10–30 ms of mostly async file reads on a small machine.
 */
export async function readSpecs(options: ReadSpecsOptions = {}): Promise<AgentSpecs> {
  const r = hostRoots(options);
  const absent: Record<string, string> = {};
  const [cpuinfo, meminfoText, mountsText, osRelease] = await Promise.all([
    readOptional(r.readText, join(r.proc, 'cpuinfo')),
    readOptional(r.readText, join(r.proc, 'meminfo')),
    readOptional(r.readText, join(r.proc, 'mounts')),
    readOptional(r.readText, options.osRelease ?? join(r.root, 'etc/os-release')),
  ]);
  const layout = await readCpuLayout(r.sys, r.readText);
  const threads = layout.cpus.length || (r.root === '/' ? os.availableParallelism() : 0);
  const cpu: AgentSpecs['cpu'] = {
    ...parseCpuinfo(cpuinfo ?? ''),
    sockets: layout.sockets ?? 1,
    cores: layout.physicalCores ?? threads,
    threads,
  };
  if (layout.sockets === undefined) absent.sockets = 'sysfs gives no package/core ids for every CPU';

  const meminfo = parseMeminfo(meminfoText ?? '');
  const memory = { totalBytes: meminfo.get('MemTotal') ?? 0, swapBytes: meminfo.get('SwapTotal') ?? 0 };

  const numaReading = await readNuma(options);
  const numa = numaReading.available
    ? numaReading.nodes.map((n) => ({
        node: n.node,
        cpus: n.cpus,
        ...(n.memory ? { memoryBytes: n.memory.totalBytes } : {}),
      }))
    : [];
  if (!numaReading.available) absent.numa = numaReading.reason;

  const nvidia = await readNvidiaGpus(options.run);
  const gpus =
    'gpus' in nvidia
      ? nvidia.gpus.map((g) => ({
          index: g.index,
          vendor: 'NVIDIA',
          model: g.model,
          ...(g.memoryTotalBytes !== undefined ? { memoryBytes: g.memoryTotalBytes } : {}),
          ...(g.uuid ? { uuid: g.uuid } : {}),
          ...(g.busId ? { busId: g.busId } : {}),
        }))
      : [];
  if ('absent' in nvidia) absent.gpus = nvidia.absent;

  const mounts = parseMounts(mountsText ?? '');
  const filesystems = (r.root === '/' ? await statfsTimeout(mounts) : []).map((f) => ({
    mount: f.mount,
    device: f.device,
    fstype: f.fstype,
    sizeBytes: f.sizeBytes,
    readOnly: f.readOnly,
  }));
  if (r.root !== '/')
    absent.filesystems = 'sizes come from statfs(2) of the running kernel, not from a recorded tree';

  const interfaces: SpecsInterface[] = (
    await readInterfaces({ ...options, ...(options.addresses ? { addresses: options.addresses } : {}) })
  ).map((i) => ({
    name: i.name,
    kind: i.kind,
    ...(i.mac ? { mac: i.mac } : {}),
    ...(i.mtu !== undefined ? { mtu: i.mtu } : {}),
    ...(i.speed.available ? { speedMbps: i.speed.mbps } : {}),
    addresses: i.addresses.available ? i.addresses.list : [],
  }));

  // Configured capacity replaces what the machine has where consumers read it (cpu, memory),
  // the detected figures kept beside it: namespaced test nodes share one machine.
  const c = options.capacity ?? {};
  const configured = c.cores !== undefined || c.threads !== undefined || c.memoryBytes !== undefined;
  const detected = { cores: cpu.cores, threads: cpu.threads, memoryBytes: memory.totalBytes };
  if (configured) {
    cpu.cores = c.cores ?? cpu.cores;
    cpu.threads = c.threads ?? c.cores ?? cpu.threads;
    memory.totalBytes = c.memoryBytes ?? memory.totalBytes;
  }
  return {
    hostname: options.hostname ?? os.hostname(),
    agentVersion: AGENT_VERSION,
    os: {
      platform: process.platform,
      arch: process.arch,
      kernel:
        r.root === '/'
          ? os.release()
          : ((await readOptional(r.readText, join(r.proc, 'sys/kernel/osrelease'))) ?? ''),
      ...(osRelease ? { distro: parseOsRelease(osRelease) ?? 'unknown' } : {}),
    },
    cpu,
    memory,
    numa,
    gpus,
    disks: await readDisks(r.sys, r.readText),
    filesystems,
    interfaces,
    capacity: {
      cores: cpu.cores,
      threads: cpu.threads,
      memoryBytes: memory.totalBytes,
      gpus: gpus.length,
      configured,
      ...(configured ? { detected } : {}),
    },
    absent,
  };
}
