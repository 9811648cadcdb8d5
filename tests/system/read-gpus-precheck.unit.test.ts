import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { readGpus } from '../../kernel/system/read-gpus.js';

/*
 * The gpu area spawns lspci, clinfo, xdpyinfo and xrandr through systeminformation. A host
 * whose sysfs lists PCI devices and no display controller or accelerator has no GPU it could
 * report: it answers "none" without calling it. Anything else still asks systeminformation.
 */

const roots: string[] = [];
afterEach(() => {
  for (const r of roots.splice(0)) rmSync(r, { recursive: true, force: true });
});

/** A /sys and /proc with PCI devices of the given classes (and a device tree when asked). */
function host(classes: string[], extra: { deviceTree?: boolean; noPci?: boolean } = {}) {
  const root = mkdtempSync(join(tmpdir(), 'omega-gpus-'));
  roots.push(root);
  const sys = join(root, 'sys');
  const proc = join(root, 'proc');
  mkdirSync(proc, { recursive: true });
  if (!extra.noPci) mkdirSync(join(sys, 'bus/pci/devices'), { recursive: true });
  classes.forEach((c, i) => {
    const dev = join(sys, 'bus/pci/devices', `0000:00:0${i}.0`);
    mkdirSync(dev, { recursive: true });
    writeFileSync(join(dev, 'class'), `${c}\n`);
  });
  if (extra.deviceTree) mkdirSync(join(proc, 'device-tree'));
  return { sysRoot: sys, procRoot: proc };
}

function counted() {
  const calls = { n: 0 };
  const graphics = async () => {
    calls.n++;
    return {
      controllers: [{ vendor: 'NVIDIA', model: 'T4', bus: 'PCIe', vram: 16384, vramDynamic: false }],
      displays: [],
    } as never;
  };
  return { calls, graphics };
}

describe('readGpus', () => {
  it('answers no GPUs without spawning anything when sysfs lists no display controller or accelerator', async () => {
    const { calls, graphics } = counted();
    const gpus = await readGpus({ ...host(['0x018000', '0x020000', '0x060000']), graphics });
    expect(gpus.available).toBe(false);
    expect(gpus.gpus).toEqual([]);
    expect(calls.n).toBe(0);
  });

  it.each([
    ['a VGA controller', ['0x020000', '0x030000'], {}],
    ['a 3D controller', ['0x030200'], {}],
    ['a processing accelerator', ['0x120000'], {}],
    ['a device tree (GPU off PCI)', ['0x020000'], { deviceTree: true }],
    ['no PCI bus in sysfs', [], { noPci: true }],
  ])('asks systeminformation when the host has %s', async (_what, classes, extra) => {
    const { calls, graphics } = counted();
    const gpus = await readGpus({ ...host(classes, extra), graphics });
    expect(calls.n).toBe(1);
    expect(gpus.gpus.map((g) => g.model)).toEqual(['T4']);
  });
});
