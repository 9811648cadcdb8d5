import type { Sensor } from './resources-model.js';

/** How close a sensor is to its limits: `crit` within 5 °C of critical, `hot` past max. */
export function sensorLevel(
  s: Pick<Sensor, 'celsius' | 'maxCelsius' | 'criticalCelsius'>,
): 'ok' | 'hot' | 'crit' {
  if (s.criticalCelsius !== undefined && s.celsius >= s.criticalCelsius - 5) return 'crit';
  if (s.maxCelsius !== undefined && s.celsius >= s.maxCelsius) return 'hot';
  return 'ok';
}
