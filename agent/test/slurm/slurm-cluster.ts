import { randomBytes, randomInt } from 'node:crypto';
import { existsSync } from 'node:fs';
import { chmod, chown, mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import { type Daemon, startDaemon } from './cluster/daemon.js';
import { ensureSystemUser } from './cluster/ensure-system-user.js';
import { freePorts } from './cluster/free-ports.js';
import { installSlurmPackages } from './cluster/install-slurm-packages.js';
import { CLUSTER_MARKER, isAlive, markedProcesses } from './cluster/marked-processes.js';
import { type RunResult, run } from './cluster/run.js';
import {
  type ClusterLayout,
  parseSlurmdC,
  renderCgroupConf,
  renderGresConf,
  renderSlurmConf,
} from './cluster/slurm-config.js';
import { stopCluster } from './cluster/stop-cluster.js';
import { tcpOpen, untilReady } from './cluster/until-ready.js';

/** The system user slurmrestd runs as (it refuses root). */
export const RESTD_USER = 'omega-slurmrestd';
/** The unprivileged user test jobs run as. */
export const JOB_USER = 'omega-slurm-job';

/** A partition of the test cluster: a name and the indexes of its nodes. */
export interface TestPartition {
  name: string;
  nodes: number[];
  maxTimeMinutes?: number;
  isDefault?: boolean;
}

/** What to start. */
export interface SlurmClusterOptions {
  /** slurmd daemons (nodes) on this machine, each with its own name, port and spool (default 1). */
  nodes?: number;
  /** Default: one partition `debug` with every node, MaxTime 60 min. */
  partitions?: TestPartition[];
  /** RealMemory per node in MiB (default min(4096, detected)). */
  memoryMiB?: number;
  /** Fake GPUs per node (a counted gres, no device files); default 0. */
  gpusPerNode?: number;
  /** Start slurmrestd (default true). */
  rest?: boolean;
  /** Progress lines (default: stderr). */
  onProgress?: (line: string) => void;
}

/** A running private Slurm cluster. */
export interface SlurmCluster {
  readonly id: string;
  readonly dir: string;
  readonly confPath: string;
  /** Environment for Slurm commands against this cluster (`SLURM_CONF`, PATH). */
  readonly env: Record<string, string>;
  readonly nodeNames: string[];
  readonly partitions: string[];
  readonly restUrl: string;
  readonly jwtKeyFile: string;
  readonly jobUser: string;
  readonly jobUid: number;
  /** A directory the job user owns, for job working directories and output. */
  readonly jobDir: string;
  /** First job id of this cluster's private range. */
  readonly firstJobId: number;
  readonly daemons: readonly Daemon[];
  /** Runs a Slurm command against this cluster (as root). */
  slurm(command: string, args: readonly string[], input?: string): Promise<RunResult>;
  /**
   * Stops slurmctld and starts it again, with its StateSaveLocation emptied when `wipeState`
   * (it then forgets every job, as after losing its state disk); resolves when the nodes are
   * idle again.
   */
  restartController(options?: { wipeState?: boolean }): Promise<void>;
  /** Pids of every process that carries this cluster's marker. */
  processes(): number[];
  /** Cancels every job, stops every daemon and helper, removes the directory. Idempotent. */
  stop(): Promise<void>;
}

/** Why this machine cannot run the cluster, or null when it can (installs packages if needed). */
export async function slurmUnavailableReason(
  progress: (line: string) => void = defaultProgress('probe'),
): Promise<string | null> {
  if (process.platform !== 'linux') return 'Slurm tests need Linux';
  if (process.getuid?.() !== 0)
    return 'Slurm tests need root (munged, slurmd and job cgroups); run the suite as root to include them';
  if (cgroupVersion() === null) return 'Slurm tests need writable cgroups (none found under /sys/fs/cgroup)';
  return installSlurmPackages(progress);
}

/**
 * Starts a private single-machine Slurm: munged on its own socket, slurmctld, `nodes` slurmd
 * daemons and slurmrestd (as RESTD_USER, JWT), all on free loopback ports, with state, spool,
 * logs and keys in a new temp directory; resolves when every node is idle. Every daemon
 * carries `OMEGA_SLURM_CLUSTER=<id>` in its environment, so `stop()` (and a test) can find
 * everything it started. Two clusters run side by side without sharing a name, port, file
 * or job id. Call `slurmUnavailableReason()` first.
 */
export async function startSlurmCluster(options: SlurmClusterOptions = {}): Promise<SlurmCluster> {
  const id = randomBytes(3).toString('hex');
  const progress = options.onProgress ?? defaultProgress(id);
  const t0 = Date.now();
  const step = (line: string) => progress(`${line} (+${Date.now() - t0} ms)`);
  const cg = cgroupVersion();
  if (cg === null) throw new Error('No writable cgroups: call slurmUnavailableReason() first.');
  const restd = await ensureSystemUser(RESTD_USER);
  const job = await ensureSystemUser(JOB_USER);
  const munge = await ensureSystemUser('munge');

  const dir = await mkdtemp(join(tmpdir(), 'omega-slurm-'));
  const daemons: Daemon[] = [];
  const host = hostname().split('.')[0] as string;
  const commandEnv = {
    PATH: '/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin',
    LANG: 'C',
    SLURM_CONF: join(dir, 'slurm.conf'),
  };
  const env = { ...commandEnv, [CLUSTER_MARKER]: id };
  let stopped = false;
  const emergencyKill = () => {
    for (const d of daemons) if (isAlive(d.pid)) process.kill(d.pid, 'SIGKILL');
  };
  process.once('exit', emergencyKill);

  const cluster: SlurmCluster = {
    id,
    dir,
    confPath: env.SLURM_CONF,
    env: commandEnv,
    nodeNames: [],
    partitions: [],
    restUrl: '',
    jwtKeyFile: join(dir, 'jwt.key'),
    jobUser: JOB_USER,
    jobUid: job.uid,
    jobDir: join(dir, 'jobs'),
    firstJobId: 0,
    daemons,
    slurm: (command, args, input) =>
      run(command, args, { env: commandEnv, timeoutMs: 30_000, ...(input === undefined ? {} : { input }) }),
    processes: () => markedProcesses(id),
    restartController: () => Promise.reject(new Error('cluster not started yet')),
    async stop() {
      if (stopped) return;
      stopped = true;
      await stopCluster(cluster, daemons, step);
      process.removeListener('exit', emergencyKill);
    },
  };

  try {
    await chmod(dir, 0o755);
    for (const sub of ['state', 'log', 'run']) await mkdir(join(dir, sub), { mode: 0o700 });
    await mkdir(join(dir, 'spool'), { mode: 0o755 }); // jobs exec their script from it
    await mkdir(join(dir, 'munge'), { mode: 0o755 });
    await mkdir(join(dir, 'jobs'), { mode: 0o755 });
    await chown(join(dir, 'jobs'), job.uid, job.gid);

    const hardware = parseSlurmdC((await run('slurmd', ['-C'], { env: commandEnv })).stdout);
    const nodeCount = options.nodes ?? 1;
    const ports = await freePorts(2 + nodeCount);
    const nodeNames = Array.from({ length: nodeCount }, (_, i) => `o${id}n${i + 1}`);
    const partitions = (
      options.partitions ?? [{ name: 'debug', nodes: nodeNames.map((_, i) => i), isDefault: true }]
    ).map((p, i) => ({
      name: p.name,
      nodes: p.nodes.map((n) => nodeNames[n] as string),
      maxTimeMinutes: p.maxTimeMinutes ?? 60,
      isDefault: p.isDefault ?? i === 0,
    }));
    const layout: ClusterLayout = {
      id,
      dir,
      hostname: host,
      ctldPort: ports[0] as number,
      nodes: nodeNames.map((name, i) => ({ name, port: ports[2 + i] as number })),
      partitions,
      hardware,
      memoryMiB: Math.min(options.memoryMiB ?? 4096, hardware.realMemory),
      gpusPerNode: options.gpusPerNode ?? 0,
      firstJobId: randomInt(1, 600) * 100_000,
    };
    Object.assign(cluster, {
      nodeNames,
      partitions: partitions.map((p) => p.name),
      restUrl: `http://127.0.0.1:${ports[1]}`,
      firstJobId: layout.firstJobId,
    });
    for (const n of nodeNames) await mkdir(join(dir, 'spool', n), { mode: 0o755 });
    await writeFile(join(dir, 'slurm.conf'), renderSlurmConf(layout), { mode: 0o644 });
    await writeFile(join(dir, 'cgroup.conf'), renderCgroupConf(cg), { mode: 0o644 });
    await writeFile(join(dir, 'plugstack.conf'), '', { mode: 0o644 });
    if (layout.gpusPerNode > 0) {
      await writeFile(join(dir, 'gres.conf'), renderGresConf(layout), { mode: 0o644 });
      await mkdir(join(dir, 'gpu'), { mode: 0o755 });
      for (const n of nodeNames) {
        for (let g = 0; g < layout.gpusPerNode; g++) {
          // a character device with /dev/null's numbers: Slurm checks the type, never opens it
          const r = await run('mknod', ['-m', '0666', join(dir, 'gpu', `${n}-gpu${g}`), 'c', '1', '3']);
          if (r.code !== 0) throw new Error(`mknod for a placeholder GPU failed: ${r.stderr.trim()}`);
        }
      }
    }
    await writeFile(join(dir, 'jwt.key'), randomBytes(32), { mode: 0o600 });
    const mungeKey = join(dir, 'munge', 'munge.key');
    await writeFile(mungeKey, randomBytes(1024), { mode: 0o400 });
    await chown(join(dir, 'munge'), munge.uid, munge.gid);
    await chown(mungeKey, munge.uid, munge.gid);
    step(`config written in ${dir} (nodes ${nodeNames.join(', ')}, job ids from ${layout.firstJobId})`);

    const m = join(dir, 'munge');
    daemons.push(
      startDaemon(
        'munged',
        'setpriv',
        [
          '--reuid=munge',
          '--regid=munge',
          '--init-groups',
          '--',
          'munged',
          '--foreground',
          `--socket=${m}/munge.sock`,
          `--key-file=${mungeKey}`,
          `--pid-file=${m}/munged.pid`,
          `--seed-file=${m}/munged.seed`,
          `--log-file=${m}/munged.log`,
        ],
        env,
        join(dir, 'log', 'munged.out'),
        join(m, 'munged.log'),
      ),
    );
    await untilReady(daemons, 'munged socket', () => existsSync(join(m, 'munge.sock')), 15_000);
    step('munged up');

    const conf = env.SLURM_CONF;
    const startController = async () => {
      const ctld = startDaemon(
        'slurmctld',
        'slurmctld',
        ['-D', '-f', conf],
        env,
        join(dir, 'log', 'slurmctld.out'),
        join(dir, 'log', 'slurmctld.log'),
      );
      const at = daemons.findIndex((d) => d.name === 'slurmctld');
      if (at >= 0) daemons[at] = ctld;
      else daemons.push(ctld);
      await untilReady(
        daemons,
        'slurmctld to answer',
        async () =>
          (await run('scontrol', ['ping'], { env: commandEnv, timeoutMs: 10_000 })).stdout.includes('is UP'),
        30_000,
        250,
      );
      step('slurmctld up');
    };
    const nodesIdle = () =>
      untilReady(
        daemons,
        `nodes ${cluster.nodeNames.join(', ')} idle`,
        async () => {
          const r = await run('sinfo', ['-h', '-N', '-o', '%N %T'], { env: commandEnv, timeoutMs: 10_000 });
          const idle = new Set(
            r.stdout
              .split('\n')
              .filter((l) => l.endsWith(' idle'))
              .map((l) => l.split(' ')[0]),
          );
          return cluster.nodeNames.every((n) => idle.has(n));
        },
        45_000,
        250,
      );
    cluster.restartController = async ({ wipeState = false } = {}) => {
      await daemons.find((d) => d.name === 'slurmctld')?.stop();
      if (wipeState) {
        await rm(join(dir, 'state'), { recursive: true, force: true });
        await mkdir(join(dir, 'state'), { mode: 0o700 });
      }
      step(`slurmctld stopped${wipeState ? ', its state wiped' : ''}`);
      await startController();
      await nodesIdle();
      step('nodes idle again');
    };
    await startController();
    for (const n of nodeNames) {
      daemons.push(
        startDaemon(
          `slurmd ${n}`,
          'slurmd',
          ['-D', '-N', n, '-f', conf],
          env,
          join(dir, 'log', `slurmd-${n}.out`),
          join(dir, 'log', `slurmd-${n}.log`),
        ),
      );
    }
    await nodesIdle();
    step('nodes idle');

    if (options.rest !== false) {
      daemons.push(
        startDaemon(
          'slurmrestd',
          'setpriv',
          [
            `--reuid=${restd.uid}`,
            `--regid=${restd.gid}`,
            '--clear-groups',
            '--',
            'slurmrestd',
            '-a',
            'rest_auth/jwt',
            '-s',
            'openapi/v0.0.38',
            `127.0.0.1:${ports[1]}`,
          ],
          { ...env, SLURM_JWT: 'daemon' },
          join(dir, 'log', 'slurmrestd.out'),
        ),
      );
      await untilReady(daemons, 'slurmrestd to listen', () => tcpOpen(ports[1] as number), 20_000, 100);
      step(`slurmrestd on ${cluster.restUrl}`);
    }
    return cluster;
  } catch (e) {
    await cluster.stop().catch(() => {});
    throw e;
  }
}

/** Which cgroup plugin this machine needs: 1 (v1 or hybrid), 2 (pure v2), null (none writable). */
export function cgroupVersion(): 1 | 2 | null {
  if (existsSync('/sys/fs/cgroup/freezer') && existsSync('/sys/fs/cgroup/memory')) return 1;
  if (existsSync('/sys/fs/cgroup/cgroup.controllers')) return 2;
  return null;
}

function defaultProgress(id: string) {
  return (line: string) => process.stderr.write(`[slurm-cluster ${id}] ${line}\n`);
}
