import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { createSystemInfo } from '../../kernel/system/index.js';
import { withFastSensorReads } from '../../kernel/system/with-fast-sensor-reads.js';

/** A sysfs tree: a coretemp chip (two inputs), an nvme chip (one), an x86_pkg_temp and an acpitz zone. */
const sys = mkdtempSync(join(tmpdir(), 'omega-fast-sensors-'));
const chip = (dir: string, name: string, temps: Record<string, number>) => {
  const d = join(sys, 'class/hwmon', dir);
  mkdirSync(d, { recursive: true });
  writeFileSync(join(d, 'name'), `${name}\n`);
  for (const [i, milli] of Object.entries(temps)) writeFileSync(join(d, `temp${i}_input`), `${milli}\n`);
};
chip('hwmon0', 'coretemp', { 1: 51000, 2: 48000 });
chip('hwmon1', 'nvme', { 1: 35000 });
const zone = (dir: string, type: string, milli: number) => {
  const d = join(sys, 'class/thermal', dir);
  mkdirSync(d, { recursive: true });
  writeFileSync(join(d, 'type'), `${type}\n`);
  writeFileSync(join(d, 'temp'), `${milli}\n`);
};
zone('thermal_zone0', 'x86_pkg_temp', 53000);
zone('thermal_zone1', 'acpitz', 27800);
afterAll(() => rmSync(sys, { recursive: true, force: true }));

describe('withFastSensorReads', () => {
  it('reads the inputs of fast hwmon drivers itself, in the turn; the rest through readText', async () => {
    const asked: string[] = [];
    const read = withFastSensorReads(sys, async (path) => {
      asked.push(path);
      return 'slow\n';
    });
    let got: string | undefined;
    void read(join(sys, 'class/hwmon/hwmon0/temp1_input')).then((v) => {
      got = v;
    });
    await Promise.resolve();
    await Promise.resolve();
    expect(got).toBe('51000\n');
    expect(await read(join(sys, 'class/hwmon/hwmon1/temp1_input'))).toBe('slow\n');
    // Not an input (labels, limits, names are read once at discovery): readText's as before.
    expect(await read(join(sys, 'class/hwmon/hwmon0/temp1_label'))).toBe('slow\n');
    // Thermal zones: x86_pkg_temp (the package's MSR) in the turn, acpitz (ACPI) through readText.
    got = undefined;
    void read(join(sys, 'class/thermal/thermal_zone0/temp')).then((v) => {
      got = v;
    });
    await Promise.resolve();
    await Promise.resolve();
    expect(got).toBe('53000\n');
    expect(await read(join(sys, 'class/thermal/thermal_zone1/temp'))).toBe('slow\n');
    expect(asked).toEqual([
      join(sys, 'class/hwmon/hwmon1/temp1_input'),
      join(sys, 'class/hwmon/hwmon0/temp1_label'),
      join(sys, 'class/thermal/thermal_zone1/temp'),
    ]);
  });

  it('judges a hwmon number anew when it links to another device (a driver reload renumbered it)', async () => {
    const device = (name: string) => {
      const d = join(sys, 'devices', name, 'hwmon');
      mkdirSync(d, { recursive: true });
      writeFileSync(join(d, 'name'), `${name}\n`);
      writeFileSync(join(d, 'temp1_input'), '40000\n');
      return d;
    };
    const link = join(sys, 'class/hwmon/hwmon7');
    symlinkSync(device('coretemp'), link);
    const asked: string[] = [];
    const read = withFastSensorReads(sys, async (path) => {
      asked.push(path);
      return 'slow\n';
    });
    try {
      expect(await read(join(link, 'temp1_input'))).toBe('40000\n');
      rmSync(link);
      symlinkSync(device('drivetemp'), link); // a disk's sensor: asking it may spin the disk up
      expect(await read(join(link, 'temp1_input'))).toBe('slow\n');
      expect(asked).toEqual([join(link, 'temp1_input')]);
    } finally {
      rmSync(link, { force: true }); // the other tests read the whole tree
    }
  });

  it('fails a vanished fast input as the asynchronous read would (rejects, never throws)', async () => {
    const read = withFastSensorReads(sys, async () => '');
    await expect(read(join(sys, 'class/hwmon/hwmon0/temp9_input'))).rejects.toMatchObject({ code: 'ENOENT' });
  });

  it('gives the same temperatures through createSystemInfo as before', async () => {
    const t = await createSystemInfo({ sysRoot: sys, cacheMs: 0 }).temperature();
    expect(t.sensors.map((s) => [s.chip, s.celsius])).toEqual([
      ['coretemp', 51],
      ['coretemp', 48],
      ['nvme', 35],
      ['x86_pkg_temp', 53],
      ['acpitz', 27.8],
    ]);
  });
});
