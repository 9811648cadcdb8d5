import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { createResourceMonitor, type ResourceDetail } from '../../src/resources/index.js';
import { laptopFiles } from './helpers/laptop-tree.js';
import {
  HOSTINFO_FIXTURES,
  printed,
  procStat,
  removeTrees,
  replay,
  tree,
  writeFiles,
} from './helpers/trees.js';

afterAll(removeTrees);

const GHZ = 1_000_000;
/** Hand-written nvidia-smi output (hostinfo/test/fixtures/README.md): an A100 under power and thermal capping, an idle T4. */
const NVIDIA = replay({
  'nvidia-smi --query-gpu': printed(
    readFileSync(join(HOSTINFO_FIXTURES, 'hand-written/nvidia-smi-query.csv'), 'utf8'),
  ),
  'nvidia-smi -q': printed(readFileSync(join(HOSTINFO_FIXTURES, 'hand-written/nvidia-smi-q.xml'), 'utf8')),
});

describe('thermal: a throttling laptop (hand-written sysfs) and a GPU node (hand-written nvidia-smi)', () => {
  it('"throttled N times in the last hour, last at T" from the counters, held-down busy CPUs from cpufreq, every sensor, GPU reasons', async () => {
    const root = tree(
      laptopFiles({ cores: [0, 0, 0, 0], pkg: 0, curKhz: [4.2 * GHZ, 4.2 * GHZ, 4.2 * GHZ, 4.2 * GHZ] }),
    );
    writeFiles(root, {
      'proc/stat': procStat([
        [0, 0, 0],
        [0, 0, 0],
        [0, 0, 0],
        [0, 0, 0],
      ]),
    });
    const monitor = createResourceMonitor({ root, run: NVIDIA });
    monitor.second();
    await monitor.slow();
    // CPUs 2 and 3 work hard (90 % busy) while their clocks drop to 1.2 GHz of 4.2; the package
    // throttles twice, cores 0 and 1 three times each.
    writeFiles(root, {
      'proc/stat': procStat([
        [5, 0, 95],
        [5, 0, 95],
        [90, 0, 10],
        [90, 0, 10],
      ]),
    });
    monitor.second();
    writeFiles(
      root,
      laptopFiles({ cores: [3, 3, 0, 0], pkg: 2, curKhz: [4.2 * GHZ, 4.2 * GHZ, 1.2 * GHZ, 1.2 * GHZ] }),
    );
    const before = Date.now();
    await monitor.slow();
    const { summary } = await monitor.report();
    const th = summary.thermal;
    expect(th.throttle).toEqual({ available: true, count: 2, throttledMs: 100, lastAt: expect.any(Number) });
    if (!th.throttle.available) throw new Error('absent');
    expect(th.throttle.lastAt).toBeGreaterThanOrEqual(before);
    expect(th.frequency).toMatchObject({
      available: true,
      ratioMin: 0.286,
      capped: 0,
      heldDown: { count: 1 },
    });
    expect(th.sensors).toEqual({
      available: true,
      count: 4,
      hottest: {
        chip: 'coretemp',
        label: 'Package id 0',
        celsius: 99,
        maxCelsius: 100,
        criticalCelsius: 100,
      },
    });
    expect(th.gpus).toEqual({
      available: true,
      gpus: [
        {
          index: 0,
          name: 'NVIDIA A100-SXM4-40GB',
          temperatureCelsius: 84,
          slowdownCelsius: 89,
          throttleReasons: ['sw_power_cap', 'sw_thermal_slowdown'],
        },
        {
          index: 1,
          name: 'Tesla T4',
          temperatureCelsius: 35,
          slowdownCelsius: 93,
          throttleReasons: ['gpu_idle'],
        },
      ],
    });

    const d = (await monitor.detail(['thermal'])).thermal as NonNullable<ResourceDetail['thermal']>;
    if (!d.throttle.available || !d.frequency.available) throw new Error('absent');
    expect(d.throttle).toMatchObject({
      count: 2,
      coreEvents: 6,
      packageEvents: 2,
      counters: { cores: 6, packages: [{ package: 0, count: 2, totalMs: 100 }] },
    });
    expect(d.throttle.events.map((e) => [e.scope, e.id, e.count])).toEqual([
      ['core', 0, 3],
      ['core', 1, 3],
      ['package', 0, 2],
    ]);
    expect(d.frequency.heldDown.episodes).toEqual([
      { from: expect.any(Number), to: expect.any(Number), cpus: [2, 3], ratioMin: 0.286 },
    ]);
    if (!d.sensors.available) throw new Error(d.sensors.reason);
    expect(d.sensors.sensors.find((s) => s.chip === 'x86_pkg_temp')).toMatchObject({
      maxCelsius: 95,
      criticalCelsius: 105,
    });

    // Cooler and idle again: no new events; the hour still holds the two, the next reading adds none.
    writeFiles(root, {
      'proc/stat': procStat([
        [5, 0, 195],
        [5, 0, 195],
        [90, 0, 110],
        [90, 0, 110],
      ]),
    });
    monitor.second();
    writeFiles(
      root,
      laptopFiles({ cores: [3, 3, 0, 0], pkg: 2, curKhz: [4.2 * GHZ, 4.2 * GHZ, 1.2 * GHZ, 1.2 * GHZ] }),
    );
    await monitor.slow();
    const later = (await monitor.report()).summary.thermal;
    expect(later.throttle).toMatchObject({ count: 2 });
    // Slow but idle CPUs are not held down (an idle CPU clocks down by design): still the one episode.
    expect(later.frequency).toMatchObject({ heldDown: { count: 1 } });
  });

  it('a CPU without package counters counts by its busiest core; absent GPUs say nvidia-smi is missing', async () => {
    const files = laptopFiles({
      cores: [0, 0, 0, 0],
      pkg: 0,
      curKhz: [4.2 * GHZ, 4.2 * GHZ, 4.2 * GHZ, 4.2 * GHZ],
    });
    for (const k of Object.keys(files)) if (k.includes('package_throttle')) delete files[k];
    const root = tree(files);
    const monitor = createResourceMonitor({ root, run: replay({}) });
    await monitor.slow();
    const next = laptopFiles({
      cores: [1, 4, 0, 0],
      pkg: 0,
      curKhz: [4.2 * GHZ, 4.2 * GHZ, 4.2 * GHZ, 4.2 * GHZ],
    });
    for (const k of Object.keys(next)) if (k.includes('package_throttle')) delete next[k];
    writeFiles(root, next);
    await monitor.slow();
    const { summary } = await monitor.report();
    expect(summary.thermal.throttle).toMatchObject({ available: true, count: 4, throttledMs: 80 });
    expect(summary.thermal.gpus).toEqual({ available: false, reason: 'nvidia-smi not installed' });
  });
});
