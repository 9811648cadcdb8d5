/**
 * Parses a kernel CPU or memory-node list such as `0-3,8,10-11` (sysfs `cpulist`, `online`,
 * cgroup `cpuset.cpus`) into sorted, unique numbers; malformed parts are skipped.
 */
export function parseCpuList(text: string): number[] {
  const out = new Set<number>();
  for (const part of text.trim().split(',')) {
    if (part === '') continue;
    const [lo, hi] = part.split('-').map(Number);
    if (lo === undefined || !Number.isInteger(lo)) continue;
    const end = hi === undefined ? lo : hi;
    for (let i = lo; i <= end && Number.isInteger(end); i++) out.add(i);
  }
  return [...out].sort((a, b) => a - b);
}

/** Formats numbers as a kernel list (`[0,1,2,5]` → `0-2,5`), the inverse of {@link parseCpuList}. */
export function formatCpuList(values: readonly number[]): string {
  const sorted = [...new Set(values)].sort((a, b) => a - b);
  const parts: string[] = [];
  for (let i = 0; i < sorted.length; ) {
    let j = i;
    while (j + 1 < sorted.length && sorted[j + 1] === sorted[j]! + 1) j++;
    parts.push(i === j ? `${sorted[i]}` : `${sorted[i]}-${sorted[j]}`);
    i = j + 1;
  }
  return parts.join(',');
}
