import { INGESTED_SERIES } from './ingested-series.js';

/** What a series name measures. */
export interface SeriesKind {
  unit: string;
  help: string;
}

const k = (unit: string, help: string): SeriesKind => ({ unit, help });

/** Every series name the collector writes, with its unit (rates are per second). */
export const SERIES_CATALOG: Readonly<Record<string, SeriesKind>> = Object.freeze({
  'cpu.busy': k('ratio', 'CPU busy share (1 - idle - iowait); label cpu is "total" or the logical CPU'),
  'cpu.user': k('ratio', 'CPU share in user mode (incl. nice)'),
  'cpu.system': k('ratio', 'CPU share in kernel mode (incl. irq and softirq)'),
  'cpu.iowait': k('ratio', 'CPU share idle while waiting for IO'),
  'cpu.steal': k('ratio', 'CPU share stolen by the hypervisor'),
  'load.1': k('tasks', 'Run-queue load average over 1 minute'),
  'load.5': k('tasks', 'Run-queue load average over 5 minutes'),
  'load.15': k('tasks', 'Run-queue load average over 15 minutes'),
  'memory.total': k('bytes', 'Physical memory'),
  'memory.free': k('bytes', 'Unused memory'),
  'memory.available': k('bytes', 'Memory available without swapping (MemAvailable)'),
  'memory.used': k('bytes', 'Memory in use (total - available)'),
  'memory.used_ratio': k('ratio', 'Share of memory in use'),
  'memory.buffers': k('bytes', 'Block device buffers'),
  'memory.cached': k('bytes', 'Page cache'),
  'swap.total': k('bytes', 'Swap space'),
  'swap.free': k('bytes', 'Unused swap'),
  'swap.used': k('bytes', 'Swap in use'),
  'fs.size': k('bytes', 'Filesystem size'),
  'fs.free': k('bytes', 'Free bytes, reserved blocks included'),
  'fs.avail': k('bytes', 'Bytes available to unprivileged users'),
  'fs.used': k('bytes', 'Bytes in use'),
  'fs.used_ratio': k('ratio', 'Share in use, as df shows it: used / (used + avail)'),
  'disk.read_bytes': k('bytes/s', 'Bytes read from the device'),
  'disk.write_bytes': k('bytes/s', 'Bytes written to the device'),
  'disk.reads': k('ops/s', 'Reads completed'),
  'disk.writes': k('ops/s', 'Writes completed'),
  'disk.busy': k('ratio', 'Share of time the device had IO in flight'),
  'net.rx_bytes': k('bytes/s', 'Bytes received'),
  'net.tx_bytes': k('bytes/s', 'Bytes sent'),
  'net.rx_packets': k('packets/s', 'Packets received'),
  'net.tx_packets': k('packets/s', 'Packets sent'),
  'net.rx_errors': k('errors/s', 'Receive errors'),
  'net.tx_errors': k('errors/s', 'Transmit errors'),
  'net.rx_dropped': k('packets/s', 'Received packets dropped'),
  'net.tx_dropped': k('packets/s', 'Sent packets dropped'),
  'temp.sensor': k('celsius', 'Temperature of one sensor'),
  'temp.cpu_package': k('celsius', 'Hottest CPU package sensor'),
  'temp.cpu_max': k('celsius', 'Hottest CPU sensor'),
  'temp.cpu_core': k('celsius', 'Temperature of one CPU core'),
  'gpu.utilization': k('ratio', 'GPU busy share'),
  'gpu.memory_utilization': k('ratio', 'GPU memory controller busy share'),
  'gpu.memory_used': k('bytes', 'GPU memory in use'),
  'gpu.memory_total': k('bytes', 'GPU memory'),
  'gpu.temperature': k('celsius', 'GPU temperature'),
  'gpu.power': k('watts', 'GPU power draw'),
  'session.cpu_cores': k('cores', "A compute session's CPU use (user + system) in cores"),
  'session.cpu_seconds': k('seconds', "A compute session's cumulative CPU time (user + system)"),
  'session.cpu_throttled_ratio': k('ratio', 'Share of time the CPU cap held a compute session back'),
  'session.memory_bytes': k('bytes', "A compute session's memory in use"),
  'session.memory_peak_bytes': k('bytes', "A compute session's highest memory use so far"),
});

/** The kind of a series name: the collector's, else an ingested one's (unit `unknown` for neither). */
export function seriesKind(name: string): SeriesKind {
  const ingested = INGESTED_SERIES[name];
  return (
    SERIES_CATALOG[name] ??
    (ingested ? { unit: ingested.unit, help: ingested.help } : { unit: 'unknown', help: '' })
  );
}
