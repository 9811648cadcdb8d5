import { type VerifiedRelease, verifyRelease } from '../metadata/index.js';
import { ownEntry } from '../metadata/own-entry.js';
import type { VerifiedMetadata } from './refresh-metadata.js';

/** One version of a plugin as a verified source offers it. */
export interface Offer {
  meta: VerifiedMetadata;
  release: VerifiedRelease;
}

/**
 * Every version of `name` that the first source listing it offers (sources in priority order),
 * each release statement verified; none when no source lists it.
 */
export async function findOffers(metas: VerifiedMetadata[], name: string): Promise<Offer[]> {
  const meta = metas.find((m) => ownEntry(m.index.plugins, name));
  if (!meta) return [];
  const versions = Object.keys(ownEntry(meta.index.plugins, name)?.versions ?? {});
  return Promise.all(
    versions.map(async (v) => ({ meta, release: await verifyRelease(meta.index, name, v, meta.source) })),
  );
}
