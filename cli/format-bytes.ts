/** Bytes for a person: `1.5 GiB`, `512 B`; `-` when unknown. */
export function bytes(n: number | null | undefined): string {
  if (n === undefined || n === null) return '-';
  const units = ['B', 'KiB', 'MiB', 'GiB', 'TiB'];
  let v = n;
  let u = 0;
  while (v >= 1024 && u < units.length - 1) {
    v /= 1024;
    u++;
  }
  return `${v >= 10 || u === 0 ? Math.round(v) : v.toFixed(1)} ${units[u]}`;
}
