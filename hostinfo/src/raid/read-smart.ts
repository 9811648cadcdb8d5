import { absent, present } from '../detected.js';
import { createCommandRunner, type RunCommand } from '../io/run-command.js';
import { parseSmartctl, parseSmartctlScan } from './parse-smartctl.js';
import type { SmartHealth } from './raid-types.js';

/**
 * SMART health of every device `smartctl --scan` finds (one spawn per device plus the scan:
 * slow cadence, every few minutes). Absent when smartctl is not installed or finds no device;
 * each device is absent with smartctl's reason when it has no SMART (e.g. a virtio disk).
 * `devices` adds names to probe beyond the scan (virtio disks are not in it).
 */
export async function readSmart(
  run: RunCommand = createCommandRunner(),
  devices: readonly string[] = [],
): Promise<SmartHealth> {
  const scan = await run('smartctl', ['-j', '--scan']);
  if (!scan.ok) return absent(scan.missing ? 'smartctl not installed' : scan.reason);
  const found = parseSmartctlScan(scan.stdout);
  for (const name of devices) if (!found.some((d) => d.name === name)) found.push({ name });
  if (found.length === 0) return absent('smartctl --scan found no device with SMART');
  const out = [];
  for (const d of found) {
    const args = ['-j', '-H', '-A', '-i', ...(d.type ? ['-d', d.type] : []), d.name];
    const r = await run('smartctl', args);
    const one = r.ok ? parseSmartctl(d.name, r.stdout) : absent(r.reason);
    out.push({ ...one, device: d.name });
  }
  return present({ devices: out });
}
