import { execFile } from 'node:child_process';
import { posix } from 'node:path';
import { promisify } from 'node:util';
import { buildBatchScript } from './build-batch-script.js';
import { createCliBackend } from './cli-backend.js';
import { JobMemory, vanishedStatus } from './job-memory.js';
import { isTerminalState } from './job-state-table.js';
import type { ParsedJob } from './parse-job-record.js';
import { readLogWindow } from './read-log-window.js';
import { createRestBackend } from './rest-backend.js';
import type { SlurmBackend } from './slurm-backend.js';
import { createSlurmCli } from './slurm-cli.js';
import type { LogStream, SlurmDriver } from './slurm-driver.js';
import {
  type ResolvedDriverOptions,
  resolveDriverOptions,
  type SlurmDriverOptions,
} from './slurm-driver-options.js';
import { SlurmError, slurmError } from './slurm-error.js';
import { createTokenSource } from './slurm-token-source.js';
import { validateJobSpec } from './validate-job-spec.js';
import { watchJobs } from './watch-jobs.js';

/** Largest window `logs` returns at once. */
export const MAX_LOG_WINDOW = 8 * 1024 * 1024;
const JOB_ID = /^[1-9][0-9]{0,9}$/;

/**
 * Creates the agent's driver for one Slurm cluster and one Slurm user.
 *
 * ```ts
 * const slurm = createSlurmDriver({ mode: 'rest', restUrl: 'http://head:6820',
 *   jwtKeyFile: '/etc/slurm/jwt_hs256.key', user: 'omega', partition: 'batch' });
 * const { jobId } = await slurm.submit({ command: '/usr/bin/hostname', cwd: '/shared/omega' });
 * (await slurm.status(jobId)).state; // 'pending' | 'running' | … | 'completed'
 * ```
 *
 * rest mode submits, reads and cancels through slurmrestd (openapi/v0.0.38); cli mode uses
 * sbatch, squeue --json, sinfo --json and scancel. Both pause and resume with `scontrol
 * suspend|resume` (slurmrestd 22.05 has no suspend), which needs root or the SlurmUser.
 */
export function createSlurmDriver(options: SlurmDriverOptions): SlurmDriver {
  const o = resolveDriverOptions(options);
  const cli = createSlurmCli({
    env: o.commandEnv,
    timeoutMs: o.timeoutMs,
    ...(o.binDir === undefined ? {} : { binDir: o.binDir }),
  });
  const backend = o.mode === 'rest' ? restBackend(o) : lazyCliBackend(o, cli);
  const memory = new JobMemory();
  const log = o.logger ?? {};
  if (o.mode === 'rest' && isPlainHttpToAnotherHost(o.restUrl as string)) {
    log.warn?.(
      { restUrl: o.restUrl },
      'slurmrestd is reached over plain http on another host: its JWTs cross the network in clear text; use https',
    );
  }

  async function lookup(jobId: unknown): Promise<ParsedJob> {
    const id = checkJobId(jobId);
    const found = (await backend.job(id)) ?? memory.forgotten(id, o.user);
    if (!found) throw slurmError('OMEGA_ERR_SLURM_JOB_NOT_FOUND', `Slurm knows no job ${id}.`, { jobId: id });
    if (found.status.user !== o.user) {
      throw slurmError(
        'OMEGA_ERR_SLURM_NOT_OWNER',
        `Job ${id} belongs to ${found.status.user}, not ${o.user}.`,
        {
          jobId: id,
        },
      );
    }
    memory.saw(found);
    return found;
  }

  async function control(verb: 'suspend' | 'resume', jobId: unknown) {
    const { status } = await lookup(jobId);
    await cli.run('control', 'scontrol', [verb, status.jobId]);
    log.info?.({ jobId: status.jobId }, `slurm job ${verb === 'suspend' ? 'suspended' : 'resumed'}`);
  }

  return {
    mode: o.mode,
    user: o.user,
    async submit(spec) {
      const valid = validateJobSpec(spec, o.partition ?? null);
      const dir = o.logDir ?? valid.cwd;
      const id = await backend.submit({
        spec: valid,
        script: buildBatchScript(valid),
        stdout: posix.join(dir, 'omega-%j.out'),
        stderr: posix.join(dir, 'omega-%j.err'),
      });
      memory.submitted(id);
      log.info?.(
        {
          jobId: id,
          partition: valid.partition,
          name: valid.name,
          cores: valid.cores,
          memoryMiB: valid.memoryMiB,
        },
        'slurm job submitted',
      );
      return { jobId: id };
    },
    async status(jobId) {
      return (await lookup(jobId)).status;
    },
    suspend: (jobId) => control('suspend', jobId),
    resume: (jobId) => control('resume', jobId),
    async cancel(jobId) {
      const { status } = await lookup(jobId);
      if (isTerminalState(status.state)) return;
      try {
        await backend.cancel(status.jobId);
      } catch (e) {
        if (!(e instanceof SlurmError && e.code === 'OMEGA_ERR_SLURM_JOB_STATE')) throw e;
      }
      log.info?.({ jobId: status.jobId }, 'slurm job cancelled');
    },
    async logs(jobId, opts = {}) {
      const stream: LogStream = opts.stream ?? 'stdout';
      if (stream !== 'stdout' && stream !== 'stderr') throw invalid('stream', 'must be stdout or stderr');
      const offset = opts.offset ?? 0;
      if (!Number.isSafeInteger(offset) || offset < 0) throw invalid('offset', 'must be a whole number ≥ 0');
      const limit = opts.limit ?? 1024 * 1024;
      if (!Number.isSafeInteger(limit) || limit < 1 || limit > MAX_LOG_WINDOW) {
        throw invalid('limit', `must be a whole number from 1 to ${MAX_LOG_WINDOW}`);
      }
      const { status, userId } = await lookup(jobId);
      const path = stream === 'stdout' ? status.stdoutPath : status.stderrPath;
      if (path === null) {
        throw slurmError(
          'OMEGA_ERR_SLURM_LOG_UNAVAILABLE',
          `Job ${status.jobId}'s ${stream} uses a filename pattern the driver cannot resolve.`,
          { jobId: status.jobId },
        );
      }
      const { data, size } = await readLogWindow(path, offset, limit, userId);
      const nextOffset = offset + data.length;
      return {
        stream,
        offset,
        nextOffset,
        size,
        data,
        eof: isTerminalState(status.state) && nextOffset >= size,
      };
    },
    nodes: () => backend.nodes(),
    partitions: () => backend.partitions(),
    watch(onChange, watchOptions) {
      const list = async () => {
        const jobs = (await backend.jobs()).filter((j) => j.status.user === o.user);
        for (const j of jobs) memory.saw(j);
        return jobs.map((j) => j.status);
      };
      return watchJobs(list, (last) => vanishedStatus(last.jobId, o.user, last), onChange, watchOptions);
    },
  };
}

function restBackend(o: ResolvedDriverOptions): SlurmBackend {
  return createRestBackend({
    url: o.restUrl as string,
    user: o.user,
    timeoutMs: o.timeoutMs,
    tokens: createTokenSource({
      user: o.user,
      ...(o.jwtKeyFile === undefined ? {} : { jwtKeyFile: o.jwtKeyFile }),
      ...(o.token === undefined ? {} : { token: o.token }),
      ...(o.tokenLifetimeSeconds === undefined ? {} : { lifetimeSeconds: o.tokenLifetimeSeconds }),
    }),
  });
}

/**
 * The CLI backend, created on first use: when the agent runs as root for another user, sbatch
 * needs `--uid`/`--gid`, and the gid is looked up once; as any other user, it submits only as
 * itself.
 */
function lazyCliBackend(o: ResolvedDriverOptions, cli: ReturnType<typeof createSlurmCli>): SlurmBackend {
  let ready: Promise<SlurmBackend> | undefined;
  const get = () => {
    ready ??= identityArgs(o.user).then((args) => createCliBackend({ cli, identityArgs: args }));
    ready.catch(() => {
      ready = undefined;
    });
    return ready;
  };
  return {
    submit: async (s) => (await get()).submit(s),
    job: async (id) => (await get()).job(id),
    jobs: async () => (await get()).jobs(),
    cancel: async (id) => (await get()).cancel(id),
    nodes: async () => (await get()).nodes(),
    partitions: async () => (await get()).partitions(),
  };
}

async function identityArgs(user: string): Promise<string[]> {
  const me = process.getuid?.() ?? -1;
  const run = promisify(execFile);
  let uid: string;
  let gid: string;
  try {
    uid = (await run('id', ['-u', '--', user], { timeout: 10_000 })).stdout.trim();
    gid = (await run('id', ['-g', '--', user], { timeout: 10_000 })).stdout.trim();
  } catch {
    throw slurmError(
      'OMEGA_ERR_SLURM_CONFIG',
      `Slurm driver user "${user}" does not exist on this submit host.`,
      {
        field: 'user',
      },
    );
  }
  if (String(me) === uid) return [];
  if (me !== 0) {
    throw slurmError(
      'OMEGA_ERR_SLURM_CONFIG',
      `In cli mode the agent submits as "${user}" only when it runs as that user or as root.`,
      { field: 'user' },
    );
  }
  return [`--uid=${uid}`, `--gid=${gid}`];
}

function isPlainHttpToAnotherHost(url: string): boolean {
  const u = new URL(url);
  return u.protocol === 'http:' && !['127.0.0.1', 'localhost', '[::1]'].includes(u.hostname);
}

function checkJobId(jobId: unknown): string {
  if (typeof jobId !== 'string' || !JOB_ID.test(jobId))
    throw invalid('jobId', 'must be a Slurm job id (digits)');
  return jobId;
}

function invalid(field: string, why: string) {
  return slurmError('OMEGA_ERR_VALIDATION', `"${field}" ${why}.`, { field });
}
