import type { TemperatureStats } from './host-data.js';

/** Label of each temperature sensor: its sysfs label, else `temp<n>` within its chip; unique per chip. */
export function sensorLabels(t: TemperatureStats): string[] {
  const used = new Set<string>();
  const unnamed = new Map<string, number>();
  return t.sensors.map((s) => {
    let label = s.label;
    if (label === undefined) {
      const n = (unnamed.get(s.chip) ?? 0) + 1;
      unnamed.set(s.chip, n);
      label = `temp${n}`;
    }
    let unique = label;
    for (let i = 2; used.has(`${s.chip}\0${unique}`); i++) unique = `${label}_${i}`;
    used.add(`${s.chip}\0${unique}`);
    return unique;
  });
}
