import { readFile } from 'node:fs/promises';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { detectQuotaMechanism } from '../../agent/src/exec/quota/work-dir-quota.js';
import { isRoot } from '../../agent/test/exec/exec-harness.js';
import type { NodesKernel } from '../../plugins/nodes/test/helpers/nodes-kernel.js';
import {
  api,
  cancelAll,
  createSession,
  type Doc,
  readLogs,
  skipReason,
  startNode,
  startSessionsKernel,
  stopNode,
  type TestNode,
  waitSession,
} from './helpers/sessions-cluster.js';

const reason = await skipReason();
const mechanism = isRoot ? await detectQuotaMechanism(true) : null;
const why =
  reason ?? (mechanism ? null : 'no disk-quota mechanism here (needs root, and a loop device or tmpfs)');
if (why) console.warn(`[tests/sessions/disk-quota] SKIPPED: ${why}`);

const mounts = async () =>
  (await readFile('/proc/self/mounts', 'utf8')).split('\n').map((l) => l.split(' ')[1] ?? '');

/** `resources.disk` through the API on a real agent: the session's working directory is really limited, nothing else is. */
describe.skipIf(why !== null)(`working-directory disk quota${why ? ` (skipped: ${why})` : ''}`, () => {
  let k: NodesKernel;
  let node: TestNode;
  beforeAll(async () => {
    k = await startSessionsKernel();
    node = await startNode(k, 'h1');
  }, 180_000);
  afterEach(async () => {
    if (k) await cancelAll(k);
  });
  afterAll(async () => {
    if (node) await stopNode(node);
    await k?.close();
  });

  it('the node says how it enforces a disk quota', async () => {
    const view = (await api<Doc>(k, '/api/v1/nodes/h1')).body;
    expect(view.status.cgroup.features.diskQuota.level).toBe('enforced');
    expect(view.status.cgroup.features.diskQuota.text).toMatch(
      mechanism === 'loop' ? /loop device/ : /tmpfs/,
    );
  });

  it('writing past the quota fails for that session only: a neighbour, the agent and the node are unharmed', async () => {
    const quota = 8 << 20;
    const limited = await createSession(k, {
      name: 'limited',
      script:
        'pwd; dd if=/dev/zero of=big bs=1M count=32 2>&1 | grep -c "No space left"; du -sk big | cut -f1; sleep 1',
      resources: { disk: '8M', memory: '128M' },
    });
    expect(limited.status).toBe(201);
    expect(limited.body.spec.resources.diskBytes).toBe(quota);
    const free = await createSession(k, {
      name: 'neighbour',
      script: 'dd if=/dev/zero of=big bs=1M count=32 2>/dev/null; du -sk big | cut -f1',
      resources: { memory: '128M' },
    });
    const a = await waitSession(k, limited.body.id, (s) => s.status.state === 'completed', 60_000);
    const b = await waitSession(k, free.body.id, (s) => s.status.state === 'completed', 60_000);
    expect([a.status.reason, b.status.reason]).toEqual(['exited with code 0', 'exited with code 0']);
    const [cwd, enospc, kib] = (await readLogs(k, limited.body.id)).toString().trim().split('\n');
    expect(enospc).toBe('1'); // dd: No space left on device
    expect(Number(kib) * 1024).toBeLessThanOrEqual(quota);
    expect(Number(kib) * 1024).toBeGreaterThan(quota / 2);
    expect(Number((await readLogs(k, free.body.id)).toString().trim())).toBe(32 * 1024); // the neighbour wrote all of it
    expect(await mounts()).not.toContain(cwd); // the quota went with the session
    expect(node.agent.child.exitCode).toBeNull();
    expect((await api<Doc>(k, '/api/v1/nodes/h1')).body.status.state).toBe('ready');
  });

  it('refuses a disk quota with a cwd of the caller’s, or for Slurm, naming the field', async () => {
    for (const extra of [{ cwd: '/tmp' }, { target: 'slurm' }, {}]) {
      const r = await createSession(k, {
        command: '/bin/true',
        resources: { disk: extra.cwd || extra.target ? '1G' : '1K' },
        ...extra,
      });
      expect(r.status).toBe(400);
      expect(r.body.errors.map((e: Doc) => e.field)).toEqual(['resources.disk']);
    }
  });
});
