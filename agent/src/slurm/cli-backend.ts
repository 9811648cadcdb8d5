import { classifySlurmFailure } from './classify-slurm-failure.js';
import { parseJobRecord } from './parse-job-record.js';
import { parseNodeRecord } from './parse-node-record.js';
import { parseScontrolPartitions } from './parse-partition-record.js';
import { asRecord, asRecordList, readNumber, readString, type SlurmRecord } from './record-fields.js';
import type { SlurmBackend, Submission } from './slurm-backend.js';
import type { SlurmCli } from './slurm-cli.js';
import { SlurmError, slurmError } from './slurm-error.js';

/** How the CLI backend submits: as itself, or (when the agent is root) as another user. */
export interface CliBackendOptions {
  cli: SlurmCli;
  /** `--uid/--gid` for sbatch when the agent runs as root for another user; empty otherwise. */
  identityArgs: string[];
}

/**
 * The Slurm CLI backend: `sbatch` (script on stdin, environment on fd 3 via `--export-file`,
 * so nothing of the agent's own environment reaches the job and sbatch reads no option from
 * it), `squeue --json` and `sinfo --json` (22.05 ignores their filters with --json, so the job
 * is picked here), `scancel`, and `scontrol show partition` for partitions.
 */
export function createCliBackend({ cli, identityArgs }: CliBackendOptions): SlurmBackend {
  async function allJobs() {
    const out = await cli.run('read', 'squeue', ['--json']);
    return asRecordList(parseJson(out, 'squeue').jobs ?? [], 'jobs');
  }

  return {
    async submit({ spec, script, stdout, stderr }: Submission) {
      const args = [
        '--parsable',
        '--export-file=3',
        '--ignore-pbs',
        ...identityArgs,
        `--job-name=${spec.name}`,
        `--chdir=${spec.cwd}`,
        `--output=${stdout}`,
        `--error=${stderr}`,
        '--input=/dev/null',
        '--ntasks=1',
        `--cpus-per-task=${spec.cores}`,
        '--no-requeue',
      ];
      if (spec.memoryMiB !== null) args.push(`--mem=${spec.memoryMiB}M`);
      if (spec.gpus !== null) args.push(`--gres=gpu:${spec.gpus}`);
      if (spec.timeLimitMinutes !== null) args.push(`--time=${spec.timeLimitMinutes}`);
      if (spec.partition !== null) args.push(`--partition=${spec.partition}`);
      // sbatch drops its own environment with --export-file; SLURM_JOB_NAME is set as slurmrestd sets it
      const entries = [...Object.entries(spec.env), ['SLURM_JOB_NAME', spec.name]];
      const env = Buffer.from(entries.map(([k, v]) => `${k}=${v}\0`).join(''), 'utf8');
      const out = await cli.run('submit', 'sbatch', args, { input: script, fd3: env });
      const m = /^(\d+)(;.*)?$/.exec(out.trim());
      if (!m) throw slurmError('OMEGA_ERR_SLURM_PROTOCOL', 'sbatch accepted the job but printed no job id.');
      return m[1] as string;
    },
    async job(jobId) {
      const rec = (await allJobs()).find((j) => String(j.job_id) === jobId);
      return rec ? parseJobRecord(rec) : null;
    },
    async jobs() {
      return (await allJobs()).map(parseJobRecord);
    },
    async cancel(jobId) {
      await cli.run('job', 'scancel', [jobId]);
    },
    async nodes() {
      const out = await cli.run('read', 'sinfo', ['--json']);
      return asRecordList(parseJson(out, 'sinfo').nodes ?? [], 'nodes').map(parseNodeRecord);
    },
    async partitions() {
      return parseScontrolPartitions(await cli.run('read', 'scontrol', ['show', 'partition', '--oneliner']));
    },
  };
}

function parseJson(text: string, command: string) {
  let doc: SlurmRecord;
  try {
    doc = asRecord(JSON.parse(text), `${command} --json output`);
  } catch (e) {
    if (e instanceof SlurmError) throw e;
    throw slurmError('OMEGA_ERR_SLURM_PROTOCOL', `${command} --json printed something that is not JSON.`, {
      command,
    });
  }
  const first = asRecordList(doc.errors ?? [], 'errors')[0];
  if (first) {
    // 22.05 exits 0 and puts the failure here; -1 ("Unspecified error") is what an unreachable slurmctld gives
    const num = readNumber(first, 'error_number') ?? readNumber(first, 'errno');
    const message = [readString(first, 'error'), readString(first, 'description')]
      .filter((x) => x !== '')
      .join(': ');
    const code =
      num === -1 ? 'OMEGA_ERR_SLURM_UNAVAILABLE' : classifySlurmFailure('read', message, num ?? undefined);
    throw slurmError(
      code,
      num === -1
        ? `${command} --json reported "${message}" (Slurm error -1): usually slurmctld is unreachable; check \`scontrol ping\` on this host.`
        : `${command}: ${message}`,
      { command, slurmError: message, slurmErrorNumber: num },
    );
  }
  return doc;
}
