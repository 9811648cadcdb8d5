import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

/** PCI base classes of devices systeminformation reports as GPUs: display controllers and accelerators. */
const GPU_CLASSES = new Set(['03', '12']);

/**
 * False only when sysfs shows for certain that the host has no GPU systeminformation could
 * report: it lists PCI devices, none of them a display controller or processing accelerator
 * (what `lspci` and `clinfo` would find), and there is no device tree (SoC boards such as the
 * Raspberry Pi have GPUs off PCI). Anything unreadable answers true, so the full read decides.
 * A few sysfs reads instead of spawning lspci, clinfo, xdpyinfo and xrandr (~14 ms of CPU and
 * four processes) on the many hosts with no GPU at all.
 */
export function mayHaveGpus(sysRoot: string, procRoot: string): boolean {
  try {
    if (existsSync(join(procRoot, 'device-tree')) || existsSync(join(procRoot, 'driver/nvidia'))) return true;
    const dir = join(sysRoot, 'bus/pci/devices');
    for (const dev of readdirSync(dir)) {
      const cls = readFileSync(join(dir, dev, 'class'), 'utf8').trim(); // e.g. 0x030000
      if (GPU_CLASSES.has(cls.slice(2, 4))) return true;
    }
    return false;
  } catch {
    return true;
  }
}
