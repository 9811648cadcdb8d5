import type { MetricsHost } from '../metrics-host.js';
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

/**
 * Reads `areas` in one host call when the host offers `sampleSystem` (one crossing per
 * collection), else one `readSystem` per area. Either way the answer is one settled result per
 * area, in order: one failing area never fails the others.
 */
export async function readAreas(
  host: Pick<MetricsHost, 'readSystem' | 'sampleSystem'>,
  areas: readonly SystemArea[],
): Promise<PromiseSettledResult<unknown>[]> {
  if (!host.sampleSystem) return Promise.allSettled(areas.map((a) => host.readSystem(a)));
  let answer: Awaited<ReturnType<NonNullable<MetricsHost['sampleSystem']>>>;
  try {
    answer = await host.sampleSystem(areas);
  } catch (reason) {
    return areas.map(() => ({ status: 'rejected', reason }));
  }
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
