import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { ApiError, callApi } from '../../cli/api-client.js';
import { tempDirForFile } from '../helpers/temp-dir.js';

describe('callApi against a server that never answers', () => {
  let server: Server;
  let url: string;
  // In the describe body: the helper registers the directory's removal with this block's afterAll.
  const configDir = tempDirForFile('omega-cli-timeout-');
  beforeAll(async () => {
    vi.stubEnv('OMEGA_CONFIG', join(configDir, 'config.json'));
    server = createServer(() => {}); // takes the request, never answers
    await new Promise<void>((ok) => server.listen(0, '127.0.0.1', ok));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(async () => {
    vi.unstubAllEnvs();
    server.closeAllConnections();
    await new Promise((ok) => server.close(ok));
  });

  it('names the path without its query (a cursor or a search text stays out of the error)', async () => {
    const err = await callApi(
      { url, token: '' },
      'GET',
      '/api/v1/sessions?cursor=c-secret&q=who',
      undefined,
      {
        timeoutMs: 1000,
      },
    ).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(err).toBeInstanceOf(ApiError);
    expect((err as ApiError).code).toBe('TIMEOUT');
    expect((err as ApiError).message).toBe(
      `${url} did not answer GET /api/v1/sessions within 1 s; retry, or check the kernel's log`,
    );
  });
});
