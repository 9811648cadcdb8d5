import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import type { ReadText } from '../io/host-roots.js';
import type { HostinfoLogger as Logger } from '../io/logger.js';
import type { TemperatureStats } from '../types.js';
import { cpuTemperatures, type GroupedSensor } from './cpu-temperatures.js';

/** A sensor found once: its static label and limits, and the file to read each time. */
export interface DiscoveredSensor {
  base: Omit<GroupedSensor, 'celsius'>;
  input: string;
}

/** How long a discovered sensor list is reused before the directories are listed again. */
const REDISCOVER_MS = 60_000;

/** A sysfs temperature in millidegrees as °C, or undefined when unreadable or not a number. */
export const readMillidegrees = async (readText: ReadText, path: string): Promise<number | undefined> => {
  try {
    const n = Number((await readText(path)).trim());
    return Number.isFinite(n) ? n / 1000 : undefined;
  } catch {
    return undefined;
  }
};

const text = async (readText: ReadText, path: string): Promise<string | undefined> => {
  try {
    return (await readText(path)).trim() || undefined;
  } catch {
    return undefined;
  }
};

const list = async (dir: string): Promise<string[]> => {
  try {
    return await readdir(dir);
  } catch {
    return [];
  }
};

/**
 * Lists temperature sensors: hwmon `temp*_input` with label, max and crit, then thermal zones
 * whose type hwmon does not already export. With `tripPoints`, a zone's `critical` trip point
 * becomes its critical threshold and its `hot` (else lowest `passive`) trip point its max.
 */
export async function discoverSensors(
  sysRoot: string,
  readText: ReadText,
  tripPoints = false,
): Promise<DiscoveredSensor[]> {
  const found: DiscoveredSensor[] = [];
  const hwmonDir = join(sysRoot, 'class/hwmon');
  const chips = new Set<string>();
  for (const hw of (await list(hwmonDir)).sort()) {
    const dir = join(hwmonDir, hw);
    const chip = (await text(readText, join(dir, 'name'))) ?? hw;
    chips.add(chip);
    const inputs = (await list(dir)).filter((f) => /^temp\d+_input$/.test(f)).sort();
    for (const input of inputs) {
      const stem = join(dir, input.replace(/_input$/, ''));
      const base: DiscoveredSensor['base'] = { chip, source: 'hwmon', group: dir };
      const label = await text(readText, `${stem}_label`);
      const max = await readMillidegrees(readText, `${stem}_max`);
      const crit = await readMillidegrees(readText, `${stem}_crit`);
      if (label !== undefined) base.label = label;
      if (max !== undefined) base.maxCelsius = max;
      if (crit !== undefined) base.criticalCelsius = crit;
      found.push({ base, input: `${stem}_input` });
    }
  }
  const thermalDir = join(sysRoot, 'class/thermal');
  for (const zone of (await list(thermalDir)).filter((z) => z.startsWith('thermal_zone')).sort()) {
    const dir = join(thermalDir, zone);
    const type = await text(readText, join(dir, 'type'));
    // Zones that hwmon already exports under the same name (acpitz…) would be counted twice.
    if (type === undefined || chips.has(type)) continue;
    const base: DiscoveredSensor['base'] = { chip: type, source: 'thermal', group: dir };
    if (tripPoints) await addTripPoints(readText, dir, base);
    found.push({ base, input: join(dir, 'temp') });
  }
  return found;
}

async function addTripPoints(readText: ReadText, dir: string, base: DiscoveredSensor['base']): Promise<void> {
  const passive: number[] = [];
  for (const f of (await list(dir)).filter((x) => /^trip_point_\d+_type$/.test(x))) {
    const kind = await text(readText, join(dir, f));
    const celsius = await readMillidegrees(readText, join(dir, f.replace(/_type$/, '_temp')));
    if (celsius === undefined || celsius <= 0) continue;
    if (kind === 'critical') base.criticalCelsius = celsius;
    else if (kind === 'hot') base.maxCelsius = celsius;
    else if (kind === 'passive') passive.push(celsius);
  }
  if (base.maxCelsius === undefined && passive.length > 0) base.maxCelsius = Math.min(...passive);
}

/** Reads temperatures from sysfs (hwmon, then thermal zones); sensors that fail to read are left out. */
export function createTemperatureReader(
  sysRoot: string,
  readText: ReadText,
  logger?: Logger,
): () => Promise<TemperatureStats> {
  let found: DiscoveredSensor[] | undefined;
  let foundAt = 0;
  return async () => {
    const at = Date.now();
    if (!found || at - foundAt > REDISCOVER_MS) {
      found = await discoverSensors(sysRoot, readText);
      foundAt = at;
      logger?.debug({ sensors: found.length }, 'temperature sensors discovered');
    }
    const values = await Promise.all(found.map((f) => readMillidegrees(readText, f.input)));
    const sensors: GroupedSensor[] = [];
    found.forEach((f, i) => {
      const celsius = values[i];
      if (celsius !== undefined) sensors.push({ ...f.base, celsius });
    });
    return {
      at,
      available: sensors.length > 0,
      sensors: sensors.map(({ group: _group, ...s }) => s),
      cpu: cpuTemperatures(sensors),
    };
  };
}
