import parsePrometheusTextFormat from 'parse-prometheus-text-format';
import { describe, expect, it } from 'vitest';
import { createSystemInfo } from '../../kernel/system/index.js';
import { SampleDeriver } from '../../plugins/metrics/src/collect/derive-samples.js';
import type { SystemAreaData } from '../../plugins/metrics/src/collect/host-data.js';
import { EXPOSITION_NAMES } from '../../plugins/metrics/src/prometheus/exposition-names.js';
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
    topology: s.topology,
    // Sensors of both kinds and a GPU, whatever this machine has (a VM has neither).
    temperature: {
      at: s.cpu.at,
      available: true,
      sensors: [
        { chip: 'coretemp', label: 'Package id 0', celsius: 51, criticalCelsius: 100, source: 'hwmon' },
        { chip: 'nvme', celsius: 40, source: 'hwmon' },
        { chip: 'acpitz', celsius: 45, source: 'thermal' },
        { chip: 'x86_pkg_temp', celsius: 50, source: 'thermal' },
      ],
      cpu: { packageCelsius: 51, cores: [{ core: 0, package: 0, celsius: 49 }], maxCelsius: 51 },
    },
    gpu: {
      at: s.cpu.at,
      available: true,
      gpus: [
        { index: 0, vendor: 'NVIDIA', model: 'A100', utilization: 0.5, memoryUsedBytes: 1e9, powerWatts: 90 },
      ],
    },
  };
}

/** `name{k="v",…}` with labels sorted, as a lookup key for exposed samples. */
const key = (name: string, labels: Record<string, string>) =>
  `${name}{${Object.entries(labels)
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([k, v]) => `${k}=${JSON.stringify(v)}`)
    .join(',')}}`;

describe('metrics.sample and the Prometheus exposition name every figure alike', () => {
  it('names every series of the collector, and nothing else', () => {
    const collector = Object.keys(SERIES_CATALOG).filter((n) => !n.startsWith('session.'));
    expect(Object.keys(EXPOSITION_NAMES).sort()).toEqual(collector.sort());
    for (const [series, e] of Object.entries(EXPOSITION_NAMES))
      expect(e.name, series).toMatch(e.derived ? /^omega_[a-z0-9_]+$/ : /^(node|omega)_[A-Za-z0-9_]+$/);
    const names = Object.values(EXPOSITION_NAMES).map((e) => e.name);
    expect(new Set(names).size).toBe(names.length);
  });

  it("exposes each sample of a real collection under its prom name and labels, with the sample's value", async () => {
    const d = new SampleDeriver();
    d.derive(await readAll());
    await new Promise((r) => setTimeout(r, 200));
    const data = await readAll();
    const samples = d.derive(data);
    // Rates and shares need two collections: the second has every kind of figure.
    expect(samples.some((s) => s.name === 'cpu.busy')).toBe(true);
    expect(samples.some((s) => s.name === 'net.rx_bytes')).toBe(true);
    expect(samples.some((s) => s.name === 'fs.size')).toBe(true);

    const layout = d.layout;
    expect(layout.length).toBe(samples.length);
    const text = renderPrometheus([{ node: 'n1', at: data.cpu.at, data, samples, layout }]);
    const exposed = new Map<string, number>();
    for (const f of parsePrometheusTextFormat(text))
      for (const m of f.metrics) {
        const { node, ...labels } = m.labels ?? {};
        expect(node).toBe('n1');
        exposed.set(key(f.name, labels), Number(m.value));
      }
    samples.forEach((s, i) => {
      const slot = layout[i];
      expect(slot?.name).toBe(s.name);
      expect(slot?.labels).toEqual(s.labels);
      const prom = slot?.prom ?? { name: '' };
      const k = key(prom.name, prom.labels ?? s.labels);
      expect(exposed.has(k), `${s.name} as ${k}`).toBe(true);
      expect(exposed.get(k), k).toBeCloseTo(s.value, 9);
    });
    // Both kinds of sensor, and the names that differ from the sample's labels.
    const prom = (name: string) => layout.filter((s) => s.name === name).map((s) => s.prom);
    expect(prom('temp.sensor').map((p) => p.name)).toEqual([
      'node_hwmon_temp_celsius',
      'node_hwmon_temp_celsius',
      'node_thermal_zone_temp',
      'node_thermal_zone_temp',
    ]);
    expect(prom('temp.sensor')[3]?.labels).toEqual({ type: 'x86_pkg_temp', zone: '1' });
    // Labels are carried only where they differ from the sample's.
    expect(prom('temp.sensor')[0]).toEqual({ name: 'node_hwmon_temp_celsius' });
    expect(prom('cpu.busy')[0]).toEqual({ name: 'omega_cpu_busy_ratio' });
    expect(prom('net.rx_bytes')[0]?.labels).toEqual({
      device: samples.find((x) => x.name === 'net.rx_bytes')?.labels.interface,
    });
    expect(Object.keys(prom('fs.size')[0]?.labels ?? {}).sort()).toEqual(['device', 'fstype', 'mountpoint']);
    expect(prom('gpu.utilization')[0]).toEqual({
      name: 'omega_gpu_utilization_ratio',
      labels: { gpu: '0', model: 'A100' },
    });
  });

  it('keeps its layout (the same slot objects) while the series stay, and renews it when they change', async () => {
    const d = new SampleDeriver();
    const tick = () => new Promise((r) => setTimeout(r, 200));
    d.derive(await readAll());
    const first = d.layoutVersion;
    await tick();
    d.derive(await readAll());
    // The second collection adds the rates and shares: another layout.
    expect(d.layoutVersion).toBeGreaterThan(first);
    const second = d.layoutVersion;
    const slots = d.layout;
    await tick();
    const data = await readAll();
    const samples = d.derive(data);
    expect(d.layoutVersion).toBe(second);
    expect(d.layout).toBe(slots);
    samples.forEach((s, i) => {
      expect(slots[i]?.name).toBe(s.name);
      expect(s.labels).toBe(slots[i]?.labels);
    });
    // A filesystem gone: the slots before its first sample are kept, the layout is renewed.
    await tick();
    const next = await readAll();
    const gone = next.disk.filesystems[0];
    expect(gone).toBeDefined();
    const at = samples.findIndex((s) => s.name === 'fs.size');
    d.derive({ ...next, disk: { ...next.disk, filesystems: next.disk.filesystems.slice(1) } });
    expect(d.layoutVersion).toBe(second + 1);
    const goneSamples = samples.filter((s) => s.name.startsWith('fs.') && s.labels.mount === gone?.mount);
    expect(goneSamples.length).toBeGreaterThan(0);
    expect(d.layout.length).toBe(slots.length - goneSamples.length);
    expect(d.layout.some((s) => s.name.startsWith('fs.') && s.labels.mount === gone?.mount)).toBe(false);
    for (let i = 0; i < at; i++) expect(d.layout[i]).toBe(slots[i]);
  });
});
