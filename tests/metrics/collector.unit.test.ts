import parsePrometheusTextFormat from 'parse-prometheus-text-format';
import { describe, expect, it } from 'vitest';
import { createSystemInfo } from '../../kernel/system/index.js';
import { SampleDeriver } from '../../plugins/metrics/src/collect/derive-samples.js';
import type { SystemAreaData } from '../../plugins/metrics/src/collect/host-data.js';
import { renderPrometheus } from '../../plugins/metrics/src/prometheus/render-prometheus.js';
import { SERIES_CATALOG } from '../../plugins/metrics/src/series/series-catalog.js';

const sys = createSystemInfo({ cacheMs: 0 });

async function readAll(): Promise<SystemAreaData> {
  const s = await sys.snapshot();
  return {
    cpu: s.cpu,
    memory: s.memory,
    disk: s.disk,
    network: s.network,
    temperature: s.temperature,
    gpu: s.gpu,
    topology: s.topology,
  };
}

const names = (samples: Array<{ name: string }>) => new Set(samples.map((s) => s.name));

/** A host with sensors and a GPU that report only some fields. */
function withSensors(d: SystemAreaData): SystemAreaData {
  return {
    ...d,
    temperature: {
      at: d.cpu.at,
      available: true,
      sensors: [
        { chip: 'coretemp', label: 'Package id 0', celsius: 51, criticalCelsius: 100, source: 'hwmon' },
        { chip: 'nvme', celsius: 40, source: 'hwmon' },
        { chip: 'nvme', celsius: 41, source: 'hwmon' },
        { chip: 'x86_pkg_temp', celsius: 50, source: 'thermal' },
      ],
      cpu: { packageCelsius: 51, cores: [{ core: 0, package: 0, celsius: 49 }], maxCelsius: 51 },
    },
    gpu: {
      at: d.cpu.at,
      available: true,
      gpus: [
        {
          index: 0,
          vendor: 'NVIDIA',
          model: 'A100',
          utilization: 0.5,
          memoryUsedBytes: 1e9,
          memoryTotalBytes: 4e10,
        },
      ],
    },
  };
}

describe('collector on this machine’s real /proc and /sys', () => {
  it('has no rates on the first collection and all of them on the second', async () => {
    const d = new SampleDeriver();
    const first = names(d.derive(await readAll()));
    expect(first.has('memory.total')).toBe(true);
    expect(first.has('cpu.busy')).toBe(false);
    expect(first.has('net.rx_bytes')).toBe(false);
    await new Promise((r) => setTimeout(r, 30));
    const second = d.derive(await readAll());
    const n = names(second);
    for (const name of [
      'cpu.busy',
      'cpu.user',
      'cpu.iowait',
      'load.1',
      'memory.available',
      'fs.avail',
      'net.rx_bytes',
    ])
      expect(n.has(name), name).toBe(true);
    for (const s of second) {
      expect(Number.isFinite(s.value), s.name).toBe(true);
      expect(SERIES_CATALOG[s.name], s.name).toBeDefined();
      if (SERIES_CATALOG[s.name]?.unit === 'ratio') expect(s.value).toBeGreaterThanOrEqual(0);
    }
    const cores = second.filter((s) => s.name === 'cpu.busy').map((s) => s.labels.cpu);
    expect(cores).toContain('total');
    expect(cores.length).toBe((await sys.cpu()).cores.length + 1);
  });

  it('reports missing sensors and GPUs as absent, and present ones field by field', async () => {
    const real = await readAll();
    const d = new SampleDeriver();
    const plain = names(
      d.derive({
        ...real,
        temperature: { ...real.temperature, available: false, sensors: [], cpu: { cores: [] } },
        gpu: { at: 0, available: false, gpus: [] },
      }),
    );
    for (const name of plain) expect(name.startsWith('temp.') || name.startsWith('gpu.'), name).toBe(false);
    const rich = d.derive(withSensors(real));
    const temps = rich
      .filter((s) => s.name === 'temp.sensor')
      .map((s) => `${s.labels.chip}/${s.labels.sensor}`);
    expect(temps).toEqual(['coretemp/Package id 0', 'nvme/temp1', 'nvme/temp2', 'x86_pkg_temp/temp1']);
    const gpu = names(rich.filter((s) => s.name.startsWith('gpu.')));
    expect([...gpu].sort()).toEqual(['gpu.memory_total', 'gpu.memory_used', 'gpu.utilization']);
  });

  it('renders Prometheus text that a real exposition parser reads back with node_exporter names', async () => {
    const data = withSensors(await readAll());
    const text = renderPrometheus([
      { node: 'n1', at: 0, data },
      { node: 'n"2', at: 0, data: { memory: data.memory } },
    ]);
    const families = parsePrometheusTextFormat(text);
    const byName = new Map(families.map((f) => [f.name, f]));
    // Each family once, with HELP and TYPE, samples of both nodes together.
    expect(byName.size).toBe(families.length);
    expect(text.match(/^# TYPE node_memory_MemAvailable_bytes /gm)?.length).toBe(1);
    const mem = byName.get('node_memory_MemAvailable_bytes')!;
    expect(mem.type).toBe('GAUGE');
    expect(mem.metrics.map((m) => m.labels?.node)).toEqual(['n1', 'n"2']);
    expect(Number(mem.metrics[0]?.value)).toBe(data.memory.availableBytes);
    const cpu = byName.get('node_cpu_seconds_total')!;
    expect(cpu.type).toBe('COUNTER');
    expect(cpu.metrics.length).toBe(data.cpu.cores.length * 8);
    expect(cpu.metrics[0]?.labels).toEqual({ node: 'n1', cpu: '0', mode: 'user' });
    for (const name of [
      'node_load1',
      'node_filesystem_avail_bytes',
      'node_network_receive_bytes_total',
      'node_disk_read_bytes_total',
      'node_hwmon_temp_celsius',
      'node_thermal_zone_temp',
      'omega_gpu_utilization_ratio',
      'omega_numa_nodes',
    ])
      expect(byName.has(name), name).toBe(true);
    const fs = byName.get('node_filesystem_avail_bytes')!.metrics[0]!;
    expect(Object.keys(fs.labels ?? {}).sort()).toEqual(['device', 'fstype', 'mountpoint', 'node']);
    // Absent fields stay absent: no crit for the nvme sensors, no power for the GPU.
    expect(byName.get('node_hwmon_temp_crit_celsius')!.metrics.length).toBe(1);
    expect(byName.has('omega_gpu_power_watts')).toBe(false);
  });
});
