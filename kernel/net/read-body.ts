import type { IncomingMessage } from 'node:http';
import { Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { createBrotliDecompress, createGunzip, createInflate } from 'node:zlib';
import { omegaError } from '../errors/index.js';
import { type BodyBudget, FETCH_BODY_BUDGET } from './body-budget.js';

/** The decoded body and whether a content-encoding was removed. */
export interface ReadBody {
  bytes: Buffer;
  decoded: boolean;
}

const DECODERS: Record<string, () => NodeJS.ReadWriteStream> = {
  gzip: () => createGunzip(),
  'x-gzip': () => createGunzip(),
  deflate: () => createInflate(),
  br: () => createBrotliDecompress(),
};

/**
 * Reads a response body, decoding gzip/deflate/br as it streams, and stops with
 * OMEGA_ERR_PLUGIN_LIMIT as soon as the *decoded* size passes `maxBytes` (compression bombs,
 * endless responses) or the bodies being read at once pass `budget` (kernel-wide by
 * default). An unknown encoding is passed through undecoded (and still capped).
 */
export async function readBody(
  res: IncomingMessage,
  maxBytes: number,
  signal: AbortSignal,
  budget: BodyBudget = FETCH_BODY_BUDGET,
): Promise<ReadBody> {
  const codings = String(res.headers['content-encoding'] ?? '')
    .split(',')
    .map((c) => c.trim().toLowerCase())
    .filter((c) => c !== '' && c !== 'identity');
  const decodable =
    codings.length > 0 && codings.length <= 2 && codings.every((c) => Object.hasOwn(DECODERS, c));
  const declared = Number(res.headers['content-length']);
  if (codings.length === 0 && Number.isFinite(declared) && declared > maxBytes) {
    res.destroy();
    throw tooLarge(maxBytes);
  }
  const chunks: Buffer[] = [];
  let total = 0;
  const sink = new Writable({
    write(chunk: Buffer, _enc, done) {
      if (total + chunk.length > maxBytes) return done(tooLarge(maxBytes));
      if (!budget.take(chunk.length)) return done(overBudget());
      total += chunk.length;
      chunks.push(chunk);
      done();
    },
  });
  // Codings are listed in the order they were applied; undo them last-first.
  const decoders = decodable ? codings.reverse().map((c) => DECODERS[c]!()) : [];
  try {
    await pipeline([res, ...decoders, sink], { signal });
    return { bytes: Buffer.concat(chunks, total), decoded: decodable };
  } finally {
    budget.give(total);
  }
}

function overBudget() {
  return omegaError(
    'OMEGA_ERR_PLUGIN_LIMIT',
    'The kernel is holding as many fetched bodies as it allows; try again later.',
    { limit: 'fetchBodyBudget' },
  );
}

function tooLarge(maxBytes: number) {
  return omegaError(
    'OMEGA_ERR_PLUGIN_LIMIT',
    `The response body is larger than ${maxBytes} bytes (decoded).`,
    {
      limit: 'maxBytes',
      maxBytes,
    },
  );
}
