import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { rawRequest } from '../helpers/raw-request.js';
import { removeDir, startTempKernel, type TempKernel } from '../helpers/temp-kernel.js';

describe('requests Node would refuse with an empty body', () => {
  let k: TempKernel;
  beforeAll(async () => {
    k = await startTempKernel();
  });
  afterAll(async () => {
    await k.stop();
    removeDir(k.dataDir);
  });

  it.each([
    ['HTTP/1.1 without a Host header', 'GET /api/v1/health HTTP/1.1\r\nConnection: close\r\n\r\n'],
    ['OPTIONS *', 'OPTIONS * HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n'],
    ['an authority-form target', 'GET example.com:80 HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n'],
    // Found by review: an empty Host is no Host; @hono/node-server put the kernel's own address in.
    [
      'HTTP/1.1 with an empty Host header',
      'GET /./api/v1/health HTTP/1.1\r\nHost:\r\nConnection: close\r\n\r\n',
    ],
    // Found by review: @hono/node-server tests the scheme in lower case and answered plain text.
    [
      'an absolute-form target in capitals',
      'GET HTTP://x/api/v1/health HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n',
    ],
  ])('%s gets 400 problem+json', async (_what, request) => {
    const r = await rawRequest(k.url, request);
    expect(r.status).toBe(400);
    expect(r.type).toBe('application/problem+json');
    expect(JSON.parse(r.body)).toMatchObject({ status: 400, code: 'OMEGA_ERR_BAD_REQUEST' });
  });

  it('HTTP/1.0 without a Host header is still answered', async () => {
    const r = await rawRequest(k.url, 'GET /api/v1/health HTTP/1.0\r\n\r\n');
    expect(r.status).toBe(200);
  });

  it('an absolute-form target is still answered', async () => {
    const r = await rawRequest(
      k.url,
      'GET http://x/api/v1/health HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n',
    );
    expect(r.status).toBe(200);
  });
});
