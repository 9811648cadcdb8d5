/** Parses a kernel CPU list such as `0-3,8-11` or `0` (sysfs `cpulist`, `online`) into CPU numbers. */
export function parseCpuList(text: string): number[] {
  const cpus: number[] = [];
  for (const part of text.trim().split(',')) {
    if (part === '') continue;
    const [a, b] = part.split('-').map(Number);
    if (!Number.isInteger(a)) continue;
    const end = b === undefined ? a! : b;
    for (let c = a!; c <= end; c++) cpus.push(c);
  }
  return cpus;
}
