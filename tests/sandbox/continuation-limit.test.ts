import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLogger } from '../../kernel/log/index.js';
import { callRoute, createSandbox, type PluginInstance, type Sandbox } from '../../kernel/sandbox/index.js';
import { childPids, quietLogger, req } from './helpers.js';
import { startInline } from './start-inline.js';

/**
 * A host-call continuation (the plugin code a REPLY runs) is held to the same rule as a call:
 * spinMs inside the isolate, watched by the kernel, and the deadline of any call still waiting
 * on it. It no longer also runs under an isolated-vm timeout of callTimeoutMs, which cost every
 * REPLY entry a timer record kept until it would have fired (laverdet/isolated-vm#572, as calls'
 * did before 5dd698b) and ended a continuation no call was waiting for (issue #13, host-cpu).
 */
const CODE = `
let done = false;
export const plugin = { routes: {
  // Answers at once; the continuation of its host call then works for 600 ms, after the answer.
  later(_req, ctx) {
    ctx.timers.after(60000, () => {}).then(() => {
      const end = Date.now() + 600;
      while (Date.now() < end) {}
      done = true;
      ctx.log.info('continuation ended');
    });
    return { status: 200, body: 'answered' };
  },
  done() { return { status: 200, body: done }; },
} };
`;

describe('a host-call continuation', () => {
  let sb: Sandbox;
  let p: PluginInstance;
  // The plugin's log says when its continuation ended: no call is sent while it works (one would
  // wait behind it past its 300 ms deadline), and no sleep guesses how long it takes.
  let ended!: () => void;
  const endedSeen = new Promise<void>((r) => {
    ended = r;
  });
  const log = createLogger({
    level: 'info',
    destination: {
      write: (line: string) => {
        if (line.includes('continuation ended')) ended();
      },
    },
  });

  beforeAll(async () => {
    sb = createSandbox({ logger: quietLogger(), restart: { baseDelayMs: 10 } });
    p = await startInline(sb, {
      name: 'continuation-limit',
      code: CODE,
      permissions: ['http:routes', 'timers', 'log'],
      services: { log },
      // A call deadline shorter than the continuation, a spin limit longer; CPU is not what is tested.
      limits: {
        callTimeoutMs: 300,
        spinMs: 5000,
        cpuMillicores: 2000,
        cpuRefillPerSec: 2000,
        cpuBurstMs: 60_000,
      },
    });
  });

  afterAll(async () => {
    await sb.close();
    expect(await childPids()).toEqual([]);
  });

  it('no call waits for runs up to spinMs, past callTimeoutMs, and the host keeps serving', async () => {
    const pid = p.status().pid;
    expect((await callRoute(p, 'later', req())).body).toBe('answered');
    await endedSeen;
    expect((await callRoute(p, 'done', req())).body).toBe(true);
    expect(p.status()).toMatchObject({ state: 'running', pid, restarts: 0 });
  });
});
