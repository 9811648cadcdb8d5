import type { CpuTemperatures, TemperatureSensor } from '../types.js';

/** A sensor plus the device it belongs to (one hwmon directory), used to pair cores with packages. */
export type GroupedSensor = TemperatureSensor & { group: string };

const PACKAGE_CHIPS = new Set(['x86_pkg_temp', 'cpu-thermal', 'cpu_thermal', 'soc_thermal']);
const AMD_CHIPS = new Set(['k10temp', 'zenpower']);

/** Picks CPU package and core temperatures out of sensors by their chip names and labels. */
export function cpuTemperatures(sensors: GroupedSensor[]): CpuTemperatures {
  const packages: GroupedSensor[] = [];
  const packageIdByGroup = new Map<string, number>();
  const coreSensors: Array<{ s: GroupedSensor; core: number }> = [];
  for (const s of sensors) {
    const label = s.label ?? '';
    const pkg = /^Package id (\d+)$/.exec(label);
    const core = /^Core (\d+)$/.exec(label);
    if (s.chip === 'coretemp' && pkg) {
      packages.push(s);
      packageIdByGroup.set(s.group, Number(pkg[1]));
    } else if (s.chip === 'coretemp' && core) {
      coreSensors.push({ s, core: Number(core[1]) });
    } else if (AMD_CHIPS.has(s.chip) && (label === 'Tdie' || label === 'Tctl')) {
      packages.push(s);
    } else if (s.source === 'thermal' && PACKAGE_CHIPS.has(s.chip)) {
      packages.push(s);
    }
  }
  // k10temp reports Tctl (offset control value) beside Tdie on some parts: prefer Tdie there.
  const tdie = packages.filter((s) => s.label === 'Tdie').map((s) => s.group);
  const pkgs = packages.filter((s) => !(s.label === 'Tctl' && tdie.includes(s.group)));
  const cores = coreSensors.map(({ s, core }) => {
    const pkg = packageIdByGroup.get(s.group);
    return pkg === undefined ? { core, celsius: s.celsius } : { core, package: pkg, celsius: s.celsius };
  });
  const out: CpuTemperatures = { cores };
  const all = [...pkgs.map((s) => s.celsius), ...cores.map((c) => c.celsius)];
  if (pkgs.length > 0) out.packageCelsius = Math.max(...pkgs.map((s) => s.celsius));
  if (all.length > 0) out.maxCelsius = Math.max(...all);
  return out;
}
