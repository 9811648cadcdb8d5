/**
 * Floats per slab: 1 MiB. An allocation this large is mmapped by glibc's calloc (above its
 * mmap threshold), so its pages come from the kernel zeroed and untouched and count in the
 * process's RSS only once written; a smaller one is carved from the malloc heap and zeroed by
 * a memset that touches every page at once.
 */
const SLAB_FLOATS = 256 * 1024;

let slab: Float32Array | undefined;
let used = 0;

/** A zeroed region of a shared Float32Array: `length` floats from `offset`. */
export interface FloatRegion {
  data: Float32Array;
  offset: number;
}

/**
 * Hands out `length` zeroed floats from a shared 1 MiB slab (a region larger than a slab gets
 * an array of its own). Regions are never given back: this is for histories kept for the life
 * of the process (the local series of {@link SeriesHistory}, which the store never drops). Its
 * point is memory: a series' 41 KB of rings stay unresident until their buckets are written.
 */
export function takeFloats(length: number): FloatRegion {
  if (length > SLAB_FLOATS) return { data: new Float32Array(length), offset: 0 };
  if (!slab || used + length > SLAB_FLOATS) {
    slab = new Float32Array(SLAB_FLOATS);
    used = 0;
  }
  const region = { data: slab, offset: used };
  used += length;
  return region;
}
