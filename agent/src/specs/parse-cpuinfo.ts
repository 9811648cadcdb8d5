/** The CPU model and vendor from /proc/cpuinfo (x86: `model name`, `vendor_id`; Arm: `Model`, `CPU implementer`). */
export function parseCpuinfo(text: string): { model?: string; vendor?: string } {
  const first = new Map<string, string>();
  for (const line of text.split('\n')) {
    const i = line.indexOf(':');
    if (i < 0) continue;
    const key = line.slice(0, i).trim();
    if (!first.has(key)) first.set(key, line.slice(i + 1).trim());
  }
  const out: { model?: string; vendor?: string } = {};
  const model = first.get('model name') || first.get('Model') || first.get('cpu model') || first.get('cpu');
  if (model) out.model = model.replace(/\s+/g, ' ');
  const vendor = first.get('vendor_id') || first.get('vendor') || implementer(first.get('CPU implementer'));
  if (vendor) out.vendor = vendor;
  return out;
}

/** Arm's implementer codes that appear in /proc/cpuinfo (the common ones). */
function implementer(code: string | undefined): string | undefined {
  if (!code) return undefined;
  const known: Record<string, string> = {
    '0x41': 'ARM',
    '0x42': 'Broadcom',
    '0x43': 'Cavium',
    '0x46': 'Fujitsu',
    '0x48': 'HiSilicon',
    '0x4e': 'NVIDIA',
    '0x50': 'APM',
    '0x51': 'Qualcomm',
    '0x61': 'Apple',
    '0xc0': 'Ampere',
  };
  return known[code.toLowerCase()] ?? code;
}
