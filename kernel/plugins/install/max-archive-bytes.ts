/**
 * Largest packed plugin accepted anywhere (the install body, a marketplace artifact, a stored
 * copy): no valid archive exceeds it, because decodeArchive refuses more once unpacked.
 */
export const MAX_ARCHIVE_BYTES = 16 * 1024 * 1024;
