import { afterAll, beforeAll, type TestContext } from 'vitest';
import { createNetnsLab, type NetnsLab, type NetnsLabOptions, netnsUnavailableReason } from './netns.js';

/** Time allowed for creating a lab (an iptables install may wait for apt). */
export const LAB_START_TIMEOUT_MS = 4 * 60_000;

/**
 * A network-namespace lab for the enclosing suite, removed after it. Returns a getter to call
 * at the top of each test: it hands back the lab, or skips the test with the reason (not root,
 * no netns), which is also printed once. A lab that fails to start for another reason fails
 * the suite.
 */
export function useNetnsLab(
  options: NetnsLabOptions & {
    /** Runs once the lab is up (start a kernel on it…), inside the same beforeAll. */
    onReady?: (lab: NetnsLab) => Promise<void>;
  } = {},
): (ctx: TestContext) => NetnsLab {
  let lab: NetnsLab | undefined;
  let skipped: string | null = null;
  beforeAll(async () => {
    skipped = await netnsUnavailableReason();
    if (skipped !== null) {
      process.stderr.write(`[netns] SKIPPED: ${skipped}\n`);
      return;
    }
    lab = await createNetnsLab({ progress: (l) => process.stderr.write(`[netns] ${l}\n`), ...options });
    await options.onReady?.(lab);
  }, LAB_START_TIMEOUT_MS);
  afterAll(async () => {
    await lab?.destroy();
  }, 60_000);
  return (ctx) => {
    if (!lab) return ctx.skip(`network namespaces unavailable: ${skipped ?? 'lab not created'}`);
    return lab;
  };
}
