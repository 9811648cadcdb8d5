import { type ChildProcess, type SpawnOptions, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { type ClaimedSubnet, claimSubnet, LAB_LOCK_DIR } from './claim-subnet.js';
import { ensureCommand } from './ensure-command.js';
import { type ShResult, sh, shOk, shSyncQuiet, waitUntil } from './sh.js';

/** One simulated machine: a network namespace with one veth on the lab's bridge. */
export interface LabHost {
  /** `h1`, `h2`, … (also its hostname inside {@link NetnsLab.spawn}). */
  name: string;
  /** The namespace (`ip netns exec <netns> …`). */
  netns: string;
  /** Its address on the bridge (`<prefix>.<10 + n>`). */
  address: string;
  /** The veth end on the bridge side (in the host's namespace). */
  hostVeth: string;
  /** The interface inside the namespace. */
  device: 'eth0';
}

/** How to degrade one host's link: loss in both directions, delay in both directions. */
export interface LinkDegradation {
  /** Share of packets dropped where they enter each side, 0–100. */
  lossPercent?: number;
  /** Added one-way delay in each direction (an NFQUEUE user-space delayer holds each packet). */
  delayMs?: number;
  /** Up to this much more delay per packet, never reordering. */
  jitterMs?: number;
}

/** A bridge, its /24 and its hosts; everything it made goes away in {@link NetnsLab.destroy}. */
export interface NetnsLab {
  id: string;
  /** `10.203.7.0/24`. */
  subnet: string;
  bridge: string;
  /** The host's address on the bridge (`<prefix>.1`): where a kernel listens for the lab. */
  bridgeAddress: string;
  hosts: LabHost[];
  addHost(): Promise<LabHost>;
  /** Starts `command` inside the host's namespace with its own UTS namespace and hostname. */
  spawn(host: LabHost, command: string, args: readonly string[], options?: SpawnOptions): ChildProcess;
  /** Runs a command inside the host's namespace, bounded in time. */
  exec(host: LabHost, command: string, args: readonly string[], timeoutMs?: number): Promise<ShResult>;
  /** Cuts the host's link (its bridge-side veth goes down): silence both ways, no FIN, no RST. */
  cut(host: LabHost): Promise<void>;
  /** Brings the link back and flushes neighbour caches on both sides (else the first connect fails). */
  heal(host: LabHost): Promise<void>;
  /** Degrades the host's link; answers the undo. */
  degrade(host: LabHost, how: LinkDegradation): Promise<() => Promise<void>>;
  /** Kills what runs in the namespaces, removes them, the bridge, the firewall rules, the delayers. */
  destroy(): Promise<void>;
}

/** Options of {@link createNetnsLab}. */
export interface NetnsLabOptions {
  /** Hosts created at once (more with addHost). */
  hosts?: number;
  /** A /24 prefix to use (`10.203.9`); by default the first free one under 10.203.0.0/16. */
  prefix?: string;
  /** Progress lines (package installs). */
  progress?: (line: string) => void;
}

const DELAYER = join(import.meta.dirname, 'nfqueue-delayer.py');

/**
 * Why network-namespace labs cannot run here (not root, no `ip`, no netns support), or null.
 * Tests skip with this reason; they never pass silently.
 */
export async function netnsUnavailableReason(): Promise<string | null> {
  if (process.platform !== 'linux') return `network namespaces need Linux (this is ${process.platform})`;
  if (process.getuid?.() !== 0) return 'network namespaces need root (run the tests as root)';
  const ip = await sh('ip', ['-V'], { timeoutMs: 5000 }).then(
    (r) => r.code === 0,
    () => false,
  );
  if (!ip) return 'the ip command (iproute2) is not installed';
  const probe = `omega-probe-${process.pid}`;
  const add = await sh('ip', ['netns', 'add', probe], { timeoutMs: 5000 });
  shSyncQuiet('ip', ['netns', 'del', probe]);
  if (add.code !== 0) return `cannot create a network namespace: ${add.stderr.trim()}`;
  return null;
}

/** Removes labs left by processes that died without cleaning up (their lock's pid is gone). */
export function sweepStaleLabs(): void {
  let locks: string[] = [];
  try {
    locks = readdirSync(LAB_LOCK_DIR).filter((f) => f.endsWith('.lock'));
  } catch {
    return;
  }
  for (const file of locks) {
    let holder: { pid: number; lab: string };
    try {
      holder = JSON.parse(readFileSync(join(LAB_LOCK_DIR, file), 'utf8')) as { pid: number; lab: string };
    } catch {
      continue;
    }
    try {
      process.kill(holder.pid, 0);
      continue;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'EPERM') continue;
    }
    removeLabSync(holder.lab, 32);
    shSyncQuiet('rm', ['-f', join(LAB_LOCK_DIR, file)]);
  }
}

const names = (id: string) => ({
  bridge: `omb-${id}`,
  chainIn: `OMEGA-IN-${id}`,
  chainOut: `OMEGA-OUT-${id}`,
  netns: (n: number) => `omega-${id}-h${n}`,
  hostVeth: (n: number) => `omv${id}h${n}`,
});

/** Synchronous removal of everything a lab may have made (exit handlers and stale sweeps). */
function removeLabSync(id: string, maxHosts: number): void {
  const n = names(id);
  for (let i = 1; i <= maxHosts; i++) {
    const ns = n.netns(i);
    if (!existsSync(`/run/netns/${ns}`)) continue;
    shSyncQuiet('sh', ['-c', `ip netns pids ${ns} | xargs -r kill -9`]);
    shSyncQuiet('ip', ['netns', 'del', ns]);
  }
  shSyncQuiet('ip', ['link', 'del', n.bridge]);
  for (const [hook, chain] of [
    ['INPUT', n.chainIn],
    ['OUTPUT', n.chainOut],
  ] as const) {
    shSyncQuiet('iptables', ['-w', '5', '-D', hook, hook === 'INPUT' ? '-i' : '-o', n.bridge, '-j', chain]);
    shSyncQuiet('iptables', ['-w', '5', '-F', chain]);
    shSyncQuiet('iptables', ['-w', '5', '-X', chain]);
  }
}

/**
 * Creates a lab: one bridge on a free /24 with the host at `.1`, and `hosts` namespaces each
 * linked to it by a veth pair (`.11`, `.12`, …). IPv6 is off on the lab's links (no DAD
 * delays, no stray traffic); multicast (mDNS) floods the bridge. Cleans up what it made when
 * it fails half-way, and on process exit.
 */
export async function createNetnsLab(options: NetnsLabOptions = {}): Promise<NetnsLab> {
  sweepStaleLabs();
  const id = randomBytes(3).toString('hex').slice(0, 5);
  const n = names(id);
  const subnet: ClaimedSubnet = await claimSubnet(id, options.prefix);
  const hosts: LabHost[] = [];
  const children = new Set<ChildProcess>();
  const delayers = new Map<string, ChildProcess>();
  let firewall = false;
  let destroyed = false;
  const onExit = () => {
    for (const c of children) c.kill('SIGKILL');
    for (const d of delayers.values()) d.kill('SIGKILL');
    removeLabSync(id, hosts.length + 1);
    subnet.release();
  };
  process.on('exit', onExit);
  const bridgeAddress = `${subnet.prefix}.1`;

  const ipns = (ns: string, args: string[]) => shOk('ip', ['netns', 'exec', ns, ...args]);
  const sysctl = (key: string, value: string) =>
    sh('sysctl', ['-q', '-w', `${key}=${value}`], { timeoutMs: 5000 });

  const setupFirewall = async () => {
    if (firewall) return;
    const missing = await ensureCommand('iptables', ['--version'], 'iptables', options.progress);
    if (missing) throw new Error(missing);
    for (const [hook, chain] of [
      ['INPUT', n.chainIn],
      ['OUTPUT', n.chainOut],
    ] as const) {
      await shOk('iptables', ['-w', '10', '-N', chain]);
      await shOk('iptables', ['-w', '10', '-I', hook, hook === 'INPUT' ? '-i' : '-o', n.bridge, '-j', chain]);
    }
    firewall = true;
  };

  const lab: NetnsLab = {
    id,
    subnet: subnet.cidr,
    bridge: n.bridge,
    bridgeAddress,
    hosts,
    async addHost() {
      const i = hosts.length + 1;
      if (i > 200) throw new Error('a lab holds at most 200 hosts');
      const host: LabHost = {
        name: `h${i}`,
        netns: n.netns(i),
        address: `${subnet.prefix}.${10 + i}`,
        hostVeth: n.hostVeth(i),
        device: 'eth0',
      };
      hosts.push(host);
      const peer = `omp${id}h${i}`;
      await shOk('ip', ['netns', 'add', host.netns]);
      await shOk('ip', ['link', 'add', host.hostVeth, 'type', 'veth', 'peer', 'name', peer]);
      await shOk('ip', ['link', 'set', peer, 'netns', host.netns]);
      await ipns(host.netns, ['ip', 'link', 'set', peer, 'name', 'eth0']);
      await ipns(host.netns, ['sysctl', '-q', '-w', 'net.ipv6.conf.all.disable_ipv6=1']);
      await ipns(host.netns, ['ip', 'addr', 'add', `${host.address}/24`, 'dev', 'eth0']);
      await ipns(host.netns, ['ip', 'link', 'set', 'lo', 'up']);
      await ipns(host.netns, ['ip', 'link', 'set', 'eth0', 'up']);
      await sysctl(`net.ipv6.conf.${host.hostVeth}.disable_ipv6`, '1');
      await shOk('ip', ['link', 'set', host.hostVeth, 'master', n.bridge]);
      await shOk('ip', ['link', 'set', host.hostVeth, 'up']);
      return host;
    },
    spawn(host, command, args, spawnOptions = {}) {
      const child = spawn(
        'ip',
        [
          'netns',
          'exec',
          host.netns,
          'unshare',
          '--uts',
          'sh',
          '-c',
          `hostname ${host.name} && exec "$@"`,
          'sh',
          command,
          ...args,
        ],
        spawnOptions,
      );
      children.add(child);
      child.on('exit', () => children.delete(child));
      return child;
    },
    exec(host, command, args, timeoutMs = 20_000) {
      return sh('ip', ['netns', 'exec', host.netns, command, ...args], { timeoutMs });
    },
    async cut(host) {
      await shOk('ip', ['link', 'set', host.hostVeth, 'down']);
    },
    async heal(host) {
      await shOk('ip', ['link', 'set', host.hostVeth, 'up']);
      await sh('ip', ['neigh', 'flush', 'dev', n.bridge]);
      await lab.exec(host, 'ip', ['neigh', 'flush', 'dev', 'eth0']);
      // The bridge port forwards again once it is up (no STP on lab bridges); wait for it.
      await waitUntil(
        `${host.hostVeth} forwarding`,
        async () =>
          (await sh('bridge', ['-j', 'link', 'show', 'dev', host.hostVeth])).stdout.includes('forwarding'),
        10_000,
        50,
      );
    },
    async degrade(host, how) {
      await setupFirewall();
      const undo: Array<() => Promise<unknown>> = [];
      const hostRule = async (args: string[]) => {
        await shOk('iptables', ['-w', '10', '-A', ...args]);
        undo.push(() => sh('iptables', ['-w', '10', '-D', ...args]));
      };
      const loss = how.lossPercent ?? 0;
      if (loss < 0 || loss > 100) throw new Error(`lossPercent must be 0–100, got ${loss}`);
      if (loss > 0) {
        const p = String(loss / 100);
        const drop = ['-m', 'statistic', '--mode', 'random', '--probability', p, '-j', 'DROP'];
        // Where traffic enters each side: the host's INPUT for the agent's packets, the
        // namespace's INPUT for the kernel's (a drop on OUTPUT fails sendmsg with EPERM: not loss).
        await hostRule([n.chainIn, '-s', host.address, ...drop]);
        await shOk('ip', ['netns', 'exec', host.netns, 'iptables', '-w', '10', '-A', 'INPUT', ...drop]);
        undo.push(() => lab.exec(host, 'iptables', ['-w', '10', '-D', 'INPUT', ...drop]));
      }
      if ((how.delayMs ?? 0) > 0 || (how.jitterMs ?? 0) > 0) {
        const { queue, child } = await startDelayer(how.delayMs ?? 0, how.jitterMs ?? 0);
        delayers.set(host.name, child);
        const q = ['-j', 'NFQUEUE', '--queue-num', String(queue), '--queue-bypass'];
        await hostRule([n.chainIn, '-s', host.address, ...q]);
        await hostRule([n.chainOut, '-d', host.address, ...q]);
        undo.push(async () => {
          child.kill('SIGKILL');
          delayers.delete(host.name);
        });
      }
      return async () => {
        for (const u of undo.reverse()) await u();
      };
    },
    async destroy() {
      if (destroyed) return;
      destroyed = true;
      process.off('exit', onExit);
      for (const c of children) c.kill('SIGKILL');
      for (const d of delayers.values()) d.kill('SIGKILL');
      for (const host of hosts) {
        await sh('sh', ['-c', `ip netns pids ${host.netns} | xargs -r kill -9`]);
        await sh('ip', ['netns', 'del', host.netns]);
      }
      await sh('ip', ['link', 'del', n.bridge]);
      if (firewall) {
        for (const [hook, chain] of [
          ['INPUT', n.chainIn],
          ['OUTPUT', n.chainOut],
        ] as const) {
          await sh('iptables', [
            '-w',
            '10',
            '-D',
            hook,
            hook === 'INPUT' ? '-i' : '-o',
            n.bridge,
            '-j',
            chain,
          ]);
          await sh('iptables', ['-w', '10', '-F', chain]);
          await sh('iptables', ['-w', '10', '-X', chain]);
        }
      }
      subnet.release();
    },
  };

  try {
    await shOk('ip', ['link', 'add', n.bridge, 'type', 'bridge', 'mcast_snooping', '0', 'stp_state', '0']);
    await sysctl(`net.ipv6.conf.${n.bridge}.disable_ipv6`, '1');
    await shOk('ip', ['addr', 'add', `${bridgeAddress}/24`, 'dev', n.bridge]);
    await shOk('ip', ['link', 'set', n.bridge, 'up']);
    for (let i = 0; i < (options.hosts ?? 0); i++) await lab.addHost();
    return lab;
  } catch (err) {
    await lab.destroy();
    throw err;
  }
}

/** Starts the NFQUEUE delayer on a free queue number; resolves once it is bound. */
async function startDelayer(
  delayMs: number,
  jitterMs: number,
): Promise<{ queue: number; child: ChildProcess }> {
  let lastError = '';
  for (let attempt = 0; attempt < 8; attempt++) {
    const queue = 20_000 + Math.floor(Math.random() * 40_000);
    const child = spawn('python3', [DELAYER, String(queue), String(delayMs), String(jitterMs)], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const ok = await new Promise<boolean>((resolve) => {
      let err = '';
      const timer = setTimeout(() => resolve(false), 10_000);
      child.stdout?.on('data', (d: Buffer) => {
        if (d.toString().includes('ready')) {
          clearTimeout(timer);
          resolve(true);
        }
      });
      child.stderr?.on('data', (d: Buffer) => {
        err += d.toString();
      });
      child.on('exit', () => {
        clearTimeout(timer);
        lastError = err.trim().split('\n').pop() ?? 'exited';
        resolve(false);
      });
      child.on('error', (e) => {
        lastError = e.message;
        resolve(false);
      });
    });
    if (ok) return { queue, child };
    child.kill('SIGKILL');
  }
  throw new Error(`the NFQUEUE delayer could not bind a queue: ${lastError}`);
}
