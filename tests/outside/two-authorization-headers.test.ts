import { request } from 'node:http';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { removeDir, startTempKernel, TEST_ADMIN_TOKEN, type TempKernel } from '../helpers/temp-kernel.js';

let k: TempKernel;
beforeAll(async () => {
  k = await startTempKernel();
});
afterAll(async () => {
  await k.stop();
  removeDir(k.dataDir);
});

it('two Authorization headers are refused with a detail that says to send one', async () => {
  const { status, body } = await new Promise<{ status: number; body: string }>((done, fail) => {
    const req = request(`${k.url}/api/v1/kernel`);
    req.setHeader('authorization', [`Bearer ${TEST_ADMIN_TOKEN}`, `Bearer ${TEST_ADMIN_TOKEN}`]);
    req.on('response', (res) => {
      let text = '';
      res.on('data', (d) => (text += d));
      res.on('end', () => done({ status: res.statusCode ?? 0, body: text }));
    });
    req.on('error', fail);
    req.end();
  });
  expect(status).toBe(401);
  const problem = JSON.parse(body) as { code: string; detail: string };
  expect(problem.code).toBe('OMEGA_ERR_UNAUTHENTICATED');
  expect(problem.detail).toMatch(/more than one Authorization header/);
});
