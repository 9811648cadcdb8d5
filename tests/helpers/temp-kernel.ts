import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll } from 'vitest';
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

/** The kernels startTempKernel started in this test file, and the temp dirs to remove at its end. */
const started: Kernel[] = [];
const atFileEnd = new Set<string>();
/** How long the file's end waits for a kernel left running to stop before it keeps its dirs. */
const STOP_WAIT_MS = 20_000;

/**
 * Removes `dir` (as removeDir does) when the test file ends, after the file's own afterAll hooks
 * and once the kernels startTempKernel started in the file have stopped. startTempKernel does
 * so with the data dir it made.
 */
export function removeAtFileEnd(dir: string): void {
  atFileEnd.add(dir);
}

/** Stops a kernel (again: stop() answers the same promise); false when it has not stopped in time. */
async function stopped(kernel: Kernel): Promise<boolean> {
  let timer: NodeJS.Timeout | undefined;
  const gaveUp = new Promise<void>((r) => {
    timer = setTimeout(r, STOP_WAIT_MS);
  });
  await Promise.race([kernel.stop('test file done').catch(() => {}), gaveUp]);
  clearTimeout(timer);
  return kernel.state() === 'stopped';
}

/**
 * A kernel the file left running is stopped first (a test that started another one over it, or
 * never stopped it), so that nothing uses the dirs when they go. The dirs of one that does not
 * stop (its data dir, plugin dirs, grants file) are kept.
 */
async function removeLeftDirs(): Promise<void> {
  const kernels = started.splice(0);
  const done = await Promise.all(kernels.map(stopped));
  const inUse = kernels
    .filter((_, i) => !done[i])
    .flatMap(({ config: c }) => [c.dataDir, ...(c.plugins.dirs ?? []), c.plugins.grantsFile ?? '']);
  for (const dir of atFileEnd) {
    if (inUse.some((p) => p === dir || p.startsWith(`${dir}/`))) continue;
    atFileEnd.delete(dir);
    removeDir(dir);
  }
}

// Registered while the importing test file is collected (each integration file has its own copy
// of this module). A bench imports this module too: outside a test file there is no end to hook.
try {
  afterAll(removeLeftDirs);
} catch {}

/** Starts a kernel; reuse `dataDir` to restart on the same data. A data dir it made goes at the file's end. */
export async function startTempKernel(overrides: KernelConfigInput = {}): Promise<TempKernel> {
  const made = overrides.dataDir === undefined;
  const dataDir = overrides.dataDir ?? mkdtempSync(join(tmpdir(), 'omega-kernel-'));
  let kernel: Kernel;
  try {
    const config = parseConfig({
      port: 0,
      log: { level: 'silent' },
      auth: { adminToken: TEST_ADMIN_TOKEN },
      ...overrides,
      dataDir,
    });
    kernel = await startKernel(config, { logger: createLogger({ level: 'silent' }) });
  } catch (err) {
    if (made) removeDir(dataDir); // a refused config or a failed start: nothing runs on it
    throw err;
  }
  started.push(kernel);
  if (made) removeAtFileEnd(dataDir);
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

/**
 * Removes a temp data dir (after the kernel or agent on it stopped), and the sessions' working
 * directories an agent on it makes beside it: `<dir>-work` (the agent's default) and
 * `<dir>-sessions` (the local agent of `omega start`).
 */
export function removeDir(dir: string): void {
  for (const d of [dir, `${dir}-work`, `${dir}-sessions`]) rmSync(d, { recursive: true, force: true });
}
