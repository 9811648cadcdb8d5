import { absent, present } from '../detected.js';
import { hostRoots, type RootOptions } from '../io/host-roots.js';
import { cpuTemperatures, type GroupedSensor } from './cpu-temperatures.js';
import { discoverSensors, readMillidegrees } from './read-temperatures.js';
import type { ThermalReading } from './thermal-types.js';

/**
 * Every temperature sensor (hwmon, then thermal zones not already in hwmon) with its label and
 * its max and critical thresholds (hwmon `temp*_max`/`_crit`; zone trip points `hot`/`passive`
 * and `critical`). Absent when the host exposes none. Lists directories on each call: for a
 * per-second path use `createTemperatureReader`, which lists once a minute.
 */
export async function readThermal(options: RootOptions = {}): Promise<ThermalReading> {
  const r = hostRoots(options);
  const found = await discoverSensors(r.sys, r.readText, true);
  const at = Date.now();
  if (found.length === 0) {
    return absent('no thermal sensors exposed: no hwmon temperature inputs and no thermal zones in sysfs');
  }
  const values = await Promise.all(found.map((f) => readMillidegrees(r.readText, f.input)));
  const sensors: GroupedSensor[] = [];
  found.forEach((f, i) => {
    const celsius = values[i];
    if (celsius !== undefined) sensors.push({ ...f.base, celsius });
  });
  if (sensors.length === 0) return absent(`${found.length} sensors listed, none readable`);
  return present({ at, sensors: sensors.map(({ group: _g, ...s }) => s), cpu: cpuTemperatures(sensors) });
}
