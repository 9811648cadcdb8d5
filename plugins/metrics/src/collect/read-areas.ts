import type { MetricsHost, SystemReading } from '../metrics-host.js';
import type { SystemArea } from './host-data.js';

/** A failed area of a `system.sample` answer, as an Error carrying the kernel's code. */
class AreaReadError extends Error {
  readonly code: string;
  constructor(code: string, message: string) {
    super(message);
    this.name = 'AreaReadError';
    this.code = code;
  }
}

/** True when `reading` answers `area` (a reading or an error). */
const answers = (reading: SystemReading, area: SystemArea): boolean =>
  Object.hasOwn(reading.data, area) || Object.hasOwn(reading.errors, area);

/**
 * Reads `areas`: those `given` already answers (the reading a timer tick carried) are taken from
 * it; the rest in one host call when the host offers `sampleSystem` (one crossing per
 * collection), else one `readSystem` per area. Either way the answer is one settled result per
 * area, in order: one failing area never fails the others.
 */
export async function readAreas(
  host: Pick<MetricsHost, 'readSystem' | 'sampleSystem'>,
  areas: readonly SystemArea[],
  given?: SystemReading,
): Promise<PromiseSettledResult<unknown>[]> {
  const missing = given === undefined ? areas : areas.filter((a) => !answers(given, a));
  if (given !== undefined && missing.length === 0) return settledFrom(given, areas);
  if (!host.sampleSystem) {
    const read = await Promise.allSettled(missing.map((a) => host.readSystem(a)));
    if (given === undefined) return read;
    const byArea = new Map(missing.map((a, i) => [a, read[i] as PromiseSettledResult<unknown>]));
    const fromGiven = settledFrom(given, areas);
    return areas.map((a, i) => byArea.get(a) ?? (fromGiven[i] as PromiseSettledResult<unknown>));
  }
  let answer: SystemReading;
  try {
    answer = await host.sampleSystem(missing);
  } catch (reason) {
    if (given === undefined) return areas.map(() => ({ status: 'rejected', reason }));
    return settledFrom(given, areas).map((r, i) =>
      answers(given, areas[i] as SystemArea) ? r : { status: 'rejected', reason },
    );
  }
  if (given === undefined) return settledFrom(answer, areas);
  return settledFrom(
    {
      data: { ...answer.data, ...given.data },
      errors: { ...answer.errors, ...given.errors },
    },
    areas,
  );
}

function settledFrom(answer: SystemReading, areas: readonly SystemArea[]): PromiseSettledResult<unknown>[] {
  return areas.map((a): PromiseSettledResult<unknown> => {
    const err = answer.errors[a];
    if (err) return { status: 'rejected', reason: new AreaReadError(err.code, err.message) };
    if (a in answer.data) return { status: 'fulfilled', value: answer.data[a] };
    return {
      status: 'rejected',
      reason: new AreaReadError('OMEGA_ERR_SYSTEM_READ', `No reading of "${a}" in the answer.`),
    };
  });
}
