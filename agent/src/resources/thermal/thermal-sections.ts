import {
  absent,
  type FrequencyReading,
  type GpuThermalReading,
  present,
  type ThermalReading,
  type ThrottleEvent,
  type ThrottleLog,
  type ThrottleReading,
} from '@omega/hostinfo';
import type { ResourceDetail, ResourceSummary } from '../resource-report.js';
import type { HeldDownLog } from './held-down-log.js';

/** What the thermal readers hold between reports. */
export interface ThermalState {
  sensors: ThermalReading;
  /** The newest throttle counters (absent with why when the CPU has none). */
  throttle: ThrottleReading;
  throttleLog: ThrottleLog;
  frequency: FrequencyReading;
  heldDown: HeldDownLog;
  gpus: GpuThermalReading;
}

const r3 = (n: number) => Math.round(n * 1000) / 1000;
/** Events kept in a detail answer (newest). */
const MAX_EVENTS = 100;

/** The thermal part of the detail: every sensor, the throttle log, frequencies, GPUs. */
export function thermalDetail(
  s: ThermalState,
  now: number,
  windowMs: number,
): NonNullable<ResourceDetail['thermal']> {
  const t = s.throttle;
  const log = s.throttleLog.summary(now, windowMs);
  // A package's counter rises once per package throttle (all its cores at once); cores count
  // their own. "Throttled N times" is the packages' count where the CPU has package counters,
  // else the most any one core counted.
  const byPackage = t.available && t.packages.length > 0;
  const sum = (scope: 'core' | 'package', f: (e: ThrottleEvent) => number | undefined) =>
    log.events.filter((e) => e.scope === scope).reduce((a, e) => a + (f(e) ?? 0), 0);
  const perCore = (f: (e: ThrottleEvent) => number | undefined) => {
    const m = new Map<number, number>();
    for (const e of log.events) if (e.scope === 'core') m.set(e.id, (m.get(e.id) ?? 0) + (f(e) ?? 0));
    return Math.max(0, ...m.values());
  };
  const pkg = sum('package', (e) => e.count);
  const count = byPackage ? pkg : perCore((e) => e.count);
  const timed = log.events.some((e) => e.ms !== undefined);
  const throttledMs = byPackage ? sum('package', (e) => e.ms) : perCore((e) => e.ms);
  const throttle: NonNullable<ResourceDetail['thermal']>['throttle'] = t.available
    ? present({
        windowMs,
        count,
        coreEvents: log.events.filter((e) => e.scope === 'core').reduce((a, e) => a + e.count, 0),
        packageEvents: pkg,
        ...(timed ? { throttledMs } : {}),
        ...(log.lastAt !== undefined ? { lastAt: log.lastAt } : {}),
        events: log.events.slice(-MAX_EVENTS),
        counters: { packages: t.packages, cores: t.cores.reduce((a, c) => a + c.count, 0) },
      })
    : t;
  const f = s.frequency;
  const frequency: NonNullable<ResourceDetail['thermal']>['frequency'] = f.available
    ? present({
        cpus: f.cpus,
        ratioMin: r3(Math.min(...f.cpus.map((c) => c.ratio))),
        ratioMean: r3(f.cpus.reduce((a, c) => a + c.ratio, 0) / f.cpus.length),
        capped: f.cpus.filter((c) => c.capped).map((c) => c.cpu),
        heldDown: s.heldDown.summary(now, windowMs),
      })
    : f;
  return { sensors: s.sensors, throttle, frequency, gpus: s.gpus };
}

/** The thermal part of the summary: the hottest sensor, throttling and frequency over the window, GPUs. */
export function thermalSummary(s: ThermalState, now: number, windowMs: number): ResourceSummary['thermal'] {
  const d = thermalDetail(s, now, windowMs);
  const sensors: ResourceSummary['thermal']['sensors'] = d.sensors.available
    ? (() => {
        const hot = [...d.sensors.sensors].sort((a, b) => b.celsius - a.celsius)[0]!;
        return present({
          count: d.sensors.sensors.length,
          hottest: {
            chip: hot.chip,
            ...(hot.label !== undefined ? { label: hot.label } : {}),
            celsius: hot.celsius,
            ...(hot.maxCelsius !== undefined ? { maxCelsius: hot.maxCelsius } : {}),
            ...(hot.criticalCelsius !== undefined ? { criticalCelsius: hot.criticalCelsius } : {}),
          },
        });
      })()
    : d.sensors;
  const throttle: ResourceSummary['thermal']['throttle'] = d.throttle.available
    ? present({
        count: d.throttle.count,
        ...(d.throttle.throttledMs !== undefined ? { throttledMs: d.throttle.throttledMs } : {}),
        ...(d.throttle.lastAt !== undefined ? { lastAt: d.throttle.lastAt } : {}),
      })
    : d.throttle;
  const frequency: ResourceSummary['thermal']['frequency'] = d.frequency.available
    ? present({
        ratioMin: d.frequency.ratioMin,
        ratioMean: d.frequency.ratioMean,
        capped: d.frequency.capped.length,
        heldDown: {
          count: d.frequency.heldDown.count,
          ...(d.frequency.heldDown.lastAt !== undefined ? { lastAt: d.frequency.heldDown.lastAt } : {}),
        },
      })
    : d.frequency;
  const gpus: ResourceSummary['thermal']['gpus'] = d.gpus.available
    ? present({
        gpus: d.gpus.gpus.map((g) => ({
          index: g.index,
          ...(g.name !== undefined ? { name: g.name } : {}),
          ...(g.temperatureCelsius !== undefined ? { temperatureCelsius: g.temperatureCelsius } : {}),
          ...(g.slowdownCelsius !== undefined ? { slowdownCelsius: g.slowdownCelsius } : {}),
          throttleReasons: g.throttleReasons,
        })),
      })
    : d.gpus;
  return { sensors, throttle, frequency, gpus };
}

/** The state before the first reading of each source. */
export function initialThermal(throttleLog: ThrottleLog, heldDown: HeldDownLog): ThermalState {
  const pending = absent('not read yet: the first reading comes within the slow cadence');
  return { sensors: pending, throttle: pending, throttleLog, frequency: pending, heldDown, gpus: pending };
}
