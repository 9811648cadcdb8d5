import { absent, type Detected, present } from '../detected.js';
import type { SmartDevice } from './raid-types.js';

interface SmartctlJson {
  smartctl?: { exit_status?: number; messages?: Array<{ string?: string; severity?: string }> };
  device?: { name?: string; protocol?: string };
  model_name?: string;
  serial_number?: string;
  smart_status?: { passed?: boolean };
  temperature?: { current?: number };
  power_on_time?: { hours?: number };
  ata_smart_attributes?: { table?: Array<{ id?: number; raw?: { value?: number } }> };
  nvme_smart_health_information_log?: {
    critical_warning?: number;
    percentage_used?: number;
    media_errors?: number;
  };
  devices?: Array<{ name?: string; type?: string; protocol?: string }>;
}

const parse = (text: string): SmartctlJson | undefined => {
  try {
    const v = JSON.parse(text) as unknown;
    return typeof v === 'object' && v !== null ? (v as SmartctlJson) : undefined;
  } catch {
    return undefined;
  }
};

/** Device names and `-d` types from `smartctl -j --scan` (empty when it finds none). */
export function parseSmartctlScan(text: string): Array<{ name: string; type?: string }> {
  return (parse(text)?.devices ?? []).flatMap((d) =>
    d.name ? [d.type ? { name: d.name, type: d.type } : { name: d.name }] : [],
  );
}

/**
 * Parses `smartctl -j -H -A -i <device>` (smartmontools 7+ JSON). Absent, with smartctl's own
 * error message as the reason, when the device gives no SMART health (virtual disks, USB bridges).
 */
export function parseSmartctl(device: string, text: string): Detected<SmartDevice> {
  const doc = parse(text);
  if (!doc) return absent(`smartctl printed no JSON for ${device}`);
  const exitStatus = doc.smartctl?.exit_status ?? 0;
  if (
    doc.smart_status?.passed === undefined &&
    !doc.ata_smart_attributes &&
    !doc.nvme_smart_health_information_log
  ) {
    const msg = doc.smartctl?.messages?.find((m) => m.severity === 'error')?.string;
    return absent(msg ?? `${device} reports no SMART health`);
  }
  const out: SmartDevice = { device, exitStatus };
  const set = <K extends keyof SmartDevice>(k: K, v: SmartDevice[K] | undefined) => {
    if (v !== undefined) out[k] = v;
  };
  set('protocol', doc.device?.protocol);
  set('model', doc.model_name);
  set('serial', doc.serial_number);
  set('passed', doc.smart_status?.passed);
  set('temperatureCelsius', doc.temperature?.current);
  set('powerOnHours', doc.power_on_time?.hours);
  const attr = (id: number) => doc.ata_smart_attributes?.table?.find((a) => a.id === id)?.raw?.value;
  set('reallocatedSectors', attr(5));
  set('pendingSectors', attr(197));
  set('offlineUncorrectable', attr(198));
  const nvme = doc.nvme_smart_health_information_log;
  if (nvme) {
    set('enduranceUsed', nvme.percentage_used === undefined ? undefined : nvme.percentage_used / 100);
    set('mediaErrors', nvme.media_errors);
    set('criticalWarning', nvme.critical_warning);
  }
  return present(out);
}
