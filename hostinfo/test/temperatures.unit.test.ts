import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import { dirname, join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { createTemperatureReader } from '../src/index.js';

/**
 * This machine has no /sys/class/hwmon, so the hwmon reader runs on a temp sysfs tree laid
 * out as the kernel's hwmon ABI (Documentation/hwmon/sysfs-interface.rst) and the coretemp
 * and thermal-zone drivers name their files. Values are millidegrees, as the kernel writes them.
 */
const tree: Record<string, string> = {
  'class/hwmon/hwmon0/name': 'acpitz\n',
  'class/hwmon/hwmon0/temp1_input': '27800\n',
  'class/hwmon/hwmon0/temp1_crit': '105000\n',
  'class/hwmon/hwmon1/name': 'coretemp\n',
  'class/hwmon/hwmon1/temp1_label': 'Package id 0\n',
  'class/hwmon/hwmon1/temp1_input': '45000\n',
  'class/hwmon/hwmon1/temp1_max': '80000\n',
  'class/hwmon/hwmon1/temp1_crit': '100000\n',
  'class/hwmon/hwmon1/temp2_label': 'Core 0\n',
  'class/hwmon/hwmon1/temp2_input': '43000\n',
  'class/hwmon/hwmon1/temp3_label': 'Core 4\n',
  'class/hwmon/hwmon1/temp3_input': '47000\n',
  'class/hwmon/hwmon2/name': 'nvme\n',
  'class/hwmon/hwmon2/temp1_label': 'Composite\n',
  'class/hwmon/hwmon2/temp1_input/.keep': '', // a sensor that cannot be read (EISDIR) is left out
  'class/thermal/thermal_zone0/type': 'acpitz\n', // also exported by hwmon0: not counted twice
  'class/thermal/thermal_zone0/temp': '27800\n',
  'class/thermal/thermal_zone1/type': 'x86_pkg_temp\n',
  'class/thermal/thermal_zone1/temp': '46000\n',
};

const dirs: string[] = [];
afterAll(async () => {
  for (const d of dirs) await rm(d, { recursive: true, force: true });
});

async function sysTree(files: Record<string, string>): Promise<string> {
  const root = await mkdtemp(join(os.tmpdir(), 'omega-sys-'));
  dirs.push(root);
  for (const [rel, text] of Object.entries(files)) {
    await mkdir(dirname(join(root, rel)), { recursive: true });
    await writeFile(join(root, rel), text);
  }
  return root;
}

const readText = (p: string) => readFile(p, 'utf8');

describe('temperature reader (sysfs tree)', () => {
  it('reads hwmon and thermal sensors with labels and limits, in °C', async () => {
    const read = createTemperatureReader(await sysTree(tree), readText);
    const t = await read();
    expect(t.available).toBe(true);
    expect(t.sensors).toEqual([
      { chip: 'acpitz', source: 'hwmon', criticalCelsius: 105, celsius: 27.8 },
      {
        chip: 'coretemp',
        source: 'hwmon',
        label: 'Package id 0',
        maxCelsius: 80,
        criticalCelsius: 100,
        celsius: 45,
      },
      { chip: 'coretemp', source: 'hwmon', label: 'Core 0', celsius: 43 },
      { chip: 'coretemp', source: 'hwmon', label: 'Core 4', celsius: 47 },
      { chip: 'x86_pkg_temp', source: 'thermal', celsius: 46 },
    ]);
    expect(t.cpu).toEqual({
      packageCelsius: 46,
      cores: [
        { core: 0, package: 0, celsius: 43 },
        { core: 4, package: 0, celsius: 47 },
      ],
      maxCelsius: 47,
    });
  });

  it('re-reads only the inputs on later calls (values change, labels stay)', async () => {
    const root = await sysTree(tree);
    const reads: string[] = [];
    const read = createTemperatureReader(root, (p) => {
      reads.push(p);
      return readText(p);
    });
    await read();
    reads.length = 0;
    await writeFile(join(root, 'class/hwmon/hwmon1/temp2_input'), '51000\n');
    const t = await read();
    expect(t.cpu.cores[0]).toEqual({ core: 0, package: 0, celsius: 51 });
    expect(reads.every((p) => p.endsWith('_input') || p.endsWith('/temp'))).toBe(true);
  });

  it('no sensors: available false, no values at all (not zeros)', async () => {
    const read = createTemperatureReader(await sysTree({ 'class/.keep': '' }), readText);
    const t = await read();
    expect(t.available).toBe(false);
    expect(t.sensors).toEqual([]);
    expect(t.cpu).toStrictEqual({ cores: [] });
  });
});
