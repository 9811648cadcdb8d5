import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ReporterHost, startResourceReporters } from '../../agent/src/resources/index.js';
import {
  copyTree,
  HOSTINFO_FIXTURES,
  removeTrees,
  replay,
  writeFiles,
} from '../../agent/test/resources/helpers/trees.js';
import {
  api,
  type Doc,
  type NodesKernel,
  startNodesKernel,
  until,
} from '../../plugins/nodes/test/helpers/nodes-kernel.js';
import { newIdentity, type Ops, ProtocolAgent } from '../../plugins/nodes/test/helpers/protocol-agent.js';

const RESOURCES_DIR = join(import.meta.dirname, '..', '..', 'plugins', 'resources');
const MDSTAT = (stage: string) =>
  readFileSync(join(HOSTINFO_FIXTURES, `qemu-2node/mdstat/${stage}.txt`), 'utf8');

/**
 * Recorded machines through the agent's real reporters and the plugin's API: the real capture of
 * a 2-NUMA-node qemu VM with its md RAID 1 going degraded (hostinfo/test/fixtures), reported by
 * startResourceReporters over a real gateway connection (a protocol peer with real keys and
 * MACs) to a real kernel with the nodes and resources plugins.
 */
describe('recorded trees through the reporters and the API', () => {
  let k: NodesKernel;
  let agent: ProtocolAgent;
  let stop: () => void = () => {};
  let reportNow: () => Promise<void> = async () => {};
  let root: string;

  beforeAll(async () => {
    k = await startNodesKernel({ with: [RESOURCES_DIR] });
    const minted = await api<Doc>(k, '/api/v1/nodes/tokens', {
      method: 'POST',
      body: { ttl: '10m', uses: 1 },
    });
    const ops: Ops = {};
    agent = new ProtocolAgent({
      url: k.url,
      identity: newIdentity(),
      name: 'qemu2',
      token: minted.body.token,
      ops,
    });
    const joined = await agent.connect();
    expect(joined.ok).toBe(true);
    agent.startHeartbeats(1000);
    root = copyTree(join(HOSTINFO_FIXTURES, 'qemu-2node/numa-2node'));
    writeFiles(root, { 'proc/mdstat': MDSTAT('2-healthy') });
    const host: ReporterHost = {
      report: (topic, data) => agent.send({ k: 'report', topic, data }),
      connected: () => true,
      ops: {
        register(op, handler) {
          ops[op] = (args) => handler(args, { id: 'x', op, signal: new AbortController().signal });
          return () => delete ops[op];
        },
      },
      log: { debug() {}, info() {}, warn() {}, error() {} },
    };
    const r = startResourceReporters(host, { root, run: replay({}), reportEveryMs: 3_600_000 });
    stop = r.stop;
    reportNow = r.reportNow;
  }, 120_000);

  afterAll(async () => {
    stop();
    agent?.close();
    await k?.close();
    removeTrees();
  }, 60_000);

  const summaryOf = async (pred: (s: Doc) => boolean) =>
    until(async () => {
      const r = await api<Doc>(k, '/api/v1/resources/nodes/qemu2');
      return r.status === 200 && 'v' in r.body.summary && pred(r.body) ? r.body : undefined;
    }, 20_000);

  it('shows the capture: 2 NUMA nodes with their CPUs, a healthy md RAID 1, absent parts with reasons', async () => {
    await reportNow();
    const n = await summaryOf((b) => b.summary.health.md.available === true);
    expect(n.summary.numa.available).toBe(true);
    expect(n.summary.numa.nodes.map((x: Doc) => x.node)).toEqual([0, 1]);
    expect(n.summary.health.md.arrays).toEqual([
      expect.objectContaining({ name: 'md0', level: 'raid1', health: 'clean', degraded: false }),
    ]);
    // nvidia-smi, zpool and smartctl are not installed in the replay: absent with why.
    expect(n.summary.thermal.gpus).toEqual({ available: false, reason: expect.stringMatching(/nvidia-smi/) });
    expect(n.summary.health.zfs.available).toBe(false);
    expect(n.problems.filter((p: Doc) => p.kind === 'md-degraded')).toEqual([]);
  }, 60_000);

  it('a member fails: the next report gives a critical md-degraded problem in the API and on the event stream', async () => {
    writeFiles(root, { 'proc/mdstat': MDSTAT('3-degraded') });
    await reportNow();
    const n = await summaryOf((b) => b.problems.some((p: Doc) => p.kind === 'md-degraded'));
    const p = n.problems.find((x: Doc) => x.kind === 'md-degraded');
    expect(p.severity).toBe('critical');
    expect(JSON.stringify(p)).toContain('md0');
    const all = (await api<Doc>(k, '/api/v1/resources/problems')).body.items as Doc[];
    expect(all.some((x) => x.kind === 'md-degraded' && x.name === 'qemu2')).toBe(true);
    const raised = k.events(['resources.problem.raised']).map((e) => e.data as Doc);
    expect(raised.some((d) => d.kind === 'md-degraded' && d.name === 'qemu2')).toBe(true);
  }, 60_000);

  it('the detail comes from the agent on demand: NUMA distances of the capture', async () => {
    const d = await api<Doc>(k, '/api/v1/resources/nodes/qemu2/detail?sections=numa');
    expect(d.status).toBe(200);
    const numa = JSON.stringify(d.body);
    expect(numa).toContain('distances');
    expect(numa).toContain('[10,21]');
  }, 60_000);
});
