import { describe, expect, it } from 'vitest';
import { toGpuStats } from '../../kernel/system/index.js';

describe('toGpuStats', () => {
  it('keeps only figures the source reported; NaN ("[N/A]") and missing stay absent', () => {
    const stats = toGpuStats(
      {
        controllers: [
          {
            vendor: 'NVIDIA Corporation',
            model: 'Tesla T4',
            bus: 'PCI',
            busAddress: '00000000:00:1E.0',
            vram: 15360,
            vramDynamic: false,
            driverVersion: '535.104.05',
            memoryTotal: 15360,
            memoryUsed: 512,
            utilizationGpu: Number.NaN,
            temperatureGpu: 41,
          },
          { vendor: 'Cirrus Logic', model: 'GD 5446', bus: 'PCI', vram: null, vramDynamic: false },
        ],
        displays: [],
      },
      7,
    );
    expect(stats).toStrictEqual({
      at: 7,
      available: true,
      gpus: [
        {
          index: 0,
          vendor: 'NVIDIA Corporation',
          model: 'Tesla T4',
          busAddress: '00000000:00:1E.0',
          driverVersion: '535.104.05',
          memoryTotalBytes: 15360 * 1024 * 1024,
          memoryUsedBytes: 512 * 1024 * 1024,
          temperatureCelsius: 41,
        },
        { index: 1, vendor: 'Cirrus Logic', model: 'GD 5446' },
      ],
    });
  });

  it('no controllers: available false and an empty list', () => {
    expect(toGpuStats({ controllers: [], displays: [] }, 1)).toStrictEqual({
      at: 1,
      available: false,
      gpus: [],
    });
  });
});
