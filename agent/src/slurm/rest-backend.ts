import { classifySlurmFailure, type SlurmOperation } from './classify-slurm-failure.js';
import { parseJobRecord } from './parse-job-record.js';
import { parseNodeRecord } from './parse-node-record.js';
import { parsePartitionRecord } from './parse-partition-record.js';
import { asRecord, asRecordList, readNumber, readString, type SlurmRecord } from './record-fields.js';
import type { SlurmBackend, Submission } from './slurm-backend.js';
import { SlurmError, slurmError } from './slurm-error.js';
import type { TokenSource } from './slurm-token-source.js';

/** How to reach slurmrestd. */
export interface RestBackendOptions {
  /** Base URL, e.g. `http://127.0.0.1:6820`. */
  url: string;
  user: string;
  tokens: TokenSource;
  timeoutMs: number;
  /** Largest answer read (a job list of a big cluster is large). */
  maxResponseBytes?: number;
}

const API = '/slurm/v0.0.38';

/**
 * The slurmrestd backend (openapi/v0.0.38, rest_auth/jwt): submit, job status, job list,
 * cancel, nodes, partitions. Each request carries `X-SLURM-USER-NAME`/`-TOKEN`; an answer's
 * `errors` decide the code (slurmrestd 22.05 answers a rejected token with 500 and error -1).
 */
export function createRestBackend(options: RestBackendOptions): SlurmBackend {
  const base = options.url.replace(/\/+$/, '');
  const max = options.maxResponseBytes ?? 256 * 1024 * 1024;

  /** One request; resolves with the answer and its `errors` (which the caller judges), rejects when unusable. */
  async function request(method: string, path: string, body?: unknown) {
    const token = await options.tokens.get();
    let res: Response;
    try {
      res = await fetch(`${base}${API}${path}`, {
        method,
        headers: {
          'X-SLURM-USER-NAME': options.user,
          'X-SLURM-USER-TOKEN': token,
          ...(body === undefined ? {} : { 'Content-Type': 'application/json' }),
        },
        ...(body === undefined ? {} : { body: JSON.stringify(body) }),
        signal: AbortSignal.timeout(options.timeoutMs),
        redirect: 'error',
      });
    } catch (e) {
      const cause = (e as { cause?: { code?: string } }).cause?.code ?? (e as Error).name;
      throw slurmError('OMEGA_ERR_SLURM_UNAVAILABLE', `slurmrestd at ${base} did not answer (${cause}).`, {
        url: base,
      });
    }
    const text = await readCapped(res, max);
    if (res.status === 401 || res.status === 403) {
      throw slurmError('OMEGA_ERR_SLURM_AUTH', `slurmrestd refused the credentials (HTTP ${res.status}).`, {
        httpStatus: res.status,
      });
    }
    let doc: SlurmRecord;
    try {
      doc = asRecord(JSON.parse(text), 'an answer');
    } catch {
      throw slurmError(
        'OMEGA_ERR_SLURM_PROTOCOL',
        `slurmrestd answered HTTP ${res.status} with a body that is not a JSON object.`,
        { httpStatus: res.status },
      );
    }
    const errors = doc.errors === undefined ? [] : asRecordList(doc.errors, 'errors');
    return { doc, errors, status: res.status };
  }

  /** A request whose answer must carry no error. */
  async function call(
    op: SlurmOperation,
    method: string,
    path: string,
    body?: unknown,
  ): Promise<SlurmRecord> {
    const { doc, errors, status } = await request(method, path, body);
    const first = errors[0];
    if (first) throw failure(op, first, status);
    if (status >= 300) {
      throw slurmError('OMEGA_ERR_SLURM_PROTOCOL', `slurmrestd answered HTTP ${status} without an error.`, {
        httpStatus: status,
      });
    }
    return doc;
  }

  function failure(op: SlurmOperation, e: SlurmRecord, httpStatus: number): SlurmError {
    const num =
      readNumber(e, 'error_number') ?? readNumber(e, 'error_code') ?? readNumber(e, 'errno') ?? undefined;
    const message = options.tokens.redact(
      [readString(e, 'error'), readString(e, 'description')].filter((s) => s !== '').join(': ') ||
        'unknown error',
    );
    const extras = { slurmError: message, slurmErrorNumber: num ?? null, httpStatus };
    if (num === -1 || /Zero Bytes were transmitted/i.test(message)) {
      return slurmError(
        'OMEGA_ERR_SLURM_AUTH',
        `slurmrestd answered "${message}": the usual cause is a token slurmctld rejected (expired, signed with another key, or for another user than ${options.user}); slurmrestd 22.05 reports it as an unspecified error or a dropped connection.`,
        extras,
      );
    }
    const code = classifySlurmFailure(op, message, num ?? undefined);
    return slurmError(code, `Slurm: ${message}.`, extras);
  }

  return {
    async submit({ spec, script, stdout, stderr }: Submission) {
      const job: Record<string, unknown> = {
        name: spec.name,
        current_working_directory: spec.cwd,
        environment: spec.env,
        standard_output: stdout,
        standard_error: stderr,
        standard_input: '/dev/null',
        tasks: 1,
        cpus_per_task: spec.cores,
        // "requeue": false would *set* requeue in 22.05 (any value does); no_requeue is the switch that works
        no_requeue: true,
      };
      if (spec.memoryMiB !== null) job.memory_per_node = spec.memoryMiB;
      if (spec.gpus !== null) job.gres = `gpu:${spec.gpus}`;
      if (spec.timeLimitMinutes !== null) job.time_limit = spec.timeLimitMinutes;
      if (spec.partition !== null) job.partition = spec.partition;
      const { doc, errors, status } = await request('POST', '/job/submit', { script, job });
      const id = readNumber(doc, 'job_id');
      // a job id means the job exists: an error beside it (e.g. "Required node not available") only
      // says why it will pend, as sbatch treats it
      if (id !== null && Number.isInteger(id) && id > 0) return String(id);
      const first = errors[0];
      if (first) throw failure('submit', first, status);
      throw slurmError(
        'OMEGA_ERR_SLURM_PROTOCOL',
        `slurmrestd answered HTTP ${status} to a submission without a job id.`,
      );
    },
    async job(jobId) {
      try {
        const doc = await call('job', 'GET', `/job/${jobId}`);
        const list = asRecordList(doc.jobs ?? [], 'jobs');
        const rec = list.find((j) => String(readNumber(j, 'job_id')) === jobId);
        return rec ? parseJobRecord(rec) : null;
      } catch (e) {
        if (e instanceof SlurmError && e.code === 'OMEGA_ERR_SLURM_JOB_NOT_FOUND') return null;
        throw e;
      }
    },
    async jobs() {
      const doc = await call('read', 'GET', '/jobs');
      return asRecordList(doc.jobs ?? [], 'jobs').map(parseJobRecord);
    },
    async cancel(jobId) {
      await call('job', 'DELETE', `/job/${jobId}`);
    },
    async nodes() {
      const doc = await call('read', 'GET', '/nodes');
      return asRecordList(doc.nodes ?? [], 'nodes').map(parseNodeRecord);
    },
    async partitions() {
      const doc = await call('read', 'GET', '/partitions');
      return asRecordList(doc.partitions ?? [], 'partitions').map(parsePartitionRecord);
    },
  };
}

async function readCapped(res: Response, max: number): Promise<string> {
  if (!res.body) return '';
  const chunks: Uint8Array[] = [];
  let total = 0;
  for await (const chunk of res.body as unknown as AsyncIterable<Uint8Array>) {
    total += chunk.length;
    if (total > max) {
      throw slurmError('OMEGA_ERR_SLURM_PROTOCOL', `slurmrestd sent more than ${max} bytes in one answer.`);
    }
    chunks.push(chunk);
  }
  return Buffer.concat(chunks).toString('utf8');
}
