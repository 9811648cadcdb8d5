import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type KernelConfigInput, parseConfig } from '../../kernel/config/index.js';
import { type Kernel, startKernel } from '../../kernel/kernel.js';
import { createLogger } from '../../kernel/log/index.js';

/** A real kernel on an ephemeral port with a temp data dir, for integration tests. */
export interface TempKernel {
  kernel: Kernel;
  url: string;
  token: string;
  dataDir: string;
  /** fetch against the kernel; `token: false` sends no Authorization header. */
  api(path: string, init?: RequestInit & { token?: string | false }): Promise<Response>;
  stop(): Promise<void>;
}

export const TEST_ADMIN_TOKEN = 'omega-test-admin-token-0123456789';

/** Starts a kernel; reuse `dataDir` to restart on the same data. */
export async function startTempKernel(overrides: KernelConfigInput = {}): Promise<TempKernel> {
  const dataDir = overrides.dataDir ?? mkdtempSync(join(tmpdir(), 'omega-kernel-'));
  const config = parseConfig({
    port: 0,
    log: { level: 'silent' },
    auth: { adminToken: TEST_ADMIN_TOKEN },
    ...overrides,
    dataDir,
  });
  const kernel = await startKernel(config, { logger: createLogger({ level: 'silent' }) });
  return {
    kernel,
    url: kernel.url,
    token: TEST_ADMIN_TOKEN,
    dataDir,
    api(path, init = {}) {
      const headers = new Headers(init.headers);
      const token = init.token === undefined ? TEST_ADMIN_TOKEN : init.token;
      if (token) headers.set('authorization', `Bearer ${token}`);
      return fetch(`${kernel.url}${path}`, { ...init, headers });
    },
    stop: () => kernel.stop('test done'),
  };
}

/** Removes a temp data dir (after the kernel stopped). */
export function removeDir(dir: string): void {
  rmSync(dir, { recursive: true, force: true });
}
