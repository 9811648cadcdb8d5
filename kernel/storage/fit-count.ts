/**
 * How many of the first `count` items fit in `max` (sizes from `sizeOf(i)`, in any one unit): a
 * list page ends before the item that would pass its bound, but always holds the first item (so
 * a reader following the cursor makes progress even past an oversized record).
 */
export function fitCount(count: number, sizeOf: (i: number) => number, max: number): number {
  let total = 0;
  for (let i = 0; i < count; i++) {
    total += sizeOf(i);
    if (i > 0 && total > max) return i;
  }
  return count;
}
