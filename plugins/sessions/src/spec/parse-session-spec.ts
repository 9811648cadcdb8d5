import { type FieldError, invalid, parseSelector, unsatisfiable } from '@omega/sdk';
import type { PlacementStrategy, SessionResources, SessionSpec, SessionTarget } from '../contract.js';
import { parseDuration } from './parse-duration.js';
import { parseSize } from './parse-size.js';
import { selectorText } from './selector-text.js';

/** Bytes of command, arguments, script and environment one session may carry (a command frame to an agent holds 256 KiB). */
export const MAX_ARGV_ENV_BYTES = 192 * 1024;
/** Memory reserved per core when a spec names none (Slurm's usual DefMemPerCPU). */
export const DEFAULT_MEMORY_PER_CORE = 512 * 2 ** 20;
/** Smallest memory limit a node enforces. */
export const MIN_MEMORY = 4 * 2 ** 20;
/** The smallest and largest working-directory quota (an ext4 image needs a few MiB of its own). */
export const MIN_DISK = 4 * 2 ** 20;
export const MAX_DISK = 2 ** 50;
/** Longest time limit, seconds. */
export const MAX_TIME_LIMIT_SEC = 10 ** 8;

const FIELDS = new Set([
  'name',
  'command',
  'args',
  'script',
  'env',
  'cwd',
  'resources',
  'nodeSelector',
  'priority',
  'timeLimit',
  'placement',
  'target',
  'enforcement',
]);
const RESOURCE_FIELDS = new Set(['cores', 'millicores', 'memory', 'gpus', 'gpuModel', 'pids', 'disk']);
const NAME = /^[A-Za-z0-9][A-Za-z0-9 _.:-]{0,63}$/;
const ENV_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;
const PARTITION = /^[A-Za-z0-9._+@-]{1,64}$/;
const GPU_MODEL = /^[A-Za-z0-9][A-Za-z0-9 ._+-]{0,63}$/;

const isObject = (v: unknown): v is Record<string, unknown> =>
  v !== null && typeof v === 'object' && !Array.isArray(v);
const noNul = (s: string): boolean => !s.includes('\0');
const isInt = (v: unknown, lo: number, hi: number): v is number =>
  typeof v === 'number' && Number.isInteger(v) && v >= lo && v <= hi;
const utf8Bytes = (s: string): number => {
  let n = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c >= 0xd800 && c <= 0xdbff) {
      n += 4;
      i++;
    } else n += c < 0x80 ? 1 : c < 0x800 ? 2 : 3;
  }
  return n;
};

/** An absolute, normalised path without NUL (no `.`/`..` segments, no `//`, no trailing `/`). */
export function isAbsolutePath(p: unknown): p is string {
  if (typeof p !== 'string' || p.length === 0 || p.length > 4096 || !p.startsWith('/') || !noNul(p))
    return false;
  if (p === '/') return true;
  return (
    !p.endsWith('/') &&
    p
      .slice(1)
      .split('/')
      .every((s) => s !== '' && s !== '.' && s !== '..')
  );
}

function parseProgram(b: Record<string, unknown>, errors: FieldError[]) {
  const out: { command?: string; args: string[]; script?: string } = { args: [] };
  const { command, args, script } = b;
  if ((command === undefined) === (script === undefined))
    errors.push({ field: 'command', message: 'give exactly one of command (with args) or script' });
  if (command !== undefined) {
    if (typeof command !== 'string' || command.length === 0 || command.length > 4096 || !noNul(command))
      errors.push({
        field: 'command',
        message: 'must be a program name or path (1–4096 characters, no NUL)',
      });
    else out.command = command;
  }
  if (args !== undefined) {
    if (script !== undefined)
      errors.push({ field: 'args', message: 'args go with command; a script takes none' });
    else if (!Array.isArray(args) || args.length > 4000)
      errors.push({ field: 'args', message: 'must be an array of at most 4000 strings' });
    else
      args.forEach((a, i) => {
        if (typeof a !== 'string' || !noNul(a))
          errors.push({ field: `args[${i}]`, message: 'must be a string without NUL' });
      });
    if (Array.isArray(args) && errors.every((e) => !e.field.startsWith('args'))) out.args = args as string[];
  }
  if (script !== undefined) {
    if (typeof script !== 'string' || script.length === 0 || !noNul(script))
      errors.push({ field: 'script', message: 'must be a non-empty shell script without NUL' });
    else out.script = script;
  }
  return out;
}

function parseEnv(v: unknown, errors: FieldError[]): Record<string, string> {
  if (v === undefined) return {};
  if (!isObject(v)) {
    errors.push({ field: 'env', message: 'must be an object of NAME → string' });
    return {};
  }
  const entries = Object.entries(v);
  if (entries.length > 4000) errors.push({ field: 'env', message: 'at most 4000 variables' });
  const env: Record<string, string> = {};
  for (const [k, val] of entries.slice(0, 4001)) {
    if (!ENV_NAME.test(k))
      errors.push({ field: `env.${k.slice(0, 64)}`, message: 'names are [A-Za-z_][A-Za-z0-9_]*' });
    else if (typeof val !== 'string' || !noNul(val))
      errors.push({ field: `env.${k}`, message: 'must be a string without NUL' });
    else env[k] = val;
  }
  return env;
}

function parseResources(v: unknown, errors: FieldError[]): SessionResources {
  const r = v === undefined ? {} : v;
  if (!isObject(r)) {
    errors.push({
      field: 'resources',
      message: 'must be an object {cores|millicores, memory, gpus, gpuModel, pids, disk}',
    });
    return { memoryBytes: DEFAULT_MEMORY_PER_CORE, gpus: 0, millicores: 1000 };
  }
  for (const k of Object.keys(r))
    if (!RESOURCE_FIELDS.has(k))
      errors.push({
        field: `resources.${k.slice(0, 64)}`,
        message: 'is not a resource (cores, millicores, memory, gpus, gpuModel, pids)',
      });
  const out: SessionResources = { memoryBytes: 0, gpus: 0 };
  if (r.cores !== undefined && r.millicores !== undefined)
    errors.push({
      field: 'resources.cores',
      message: 'give cores (whole, pinned) or millicores (a share), not both',
    });
  if (r.cores !== undefined) {
    if (!isInt(r.cores, 1, 4096))
      errors.push({ field: 'resources.cores', message: 'must be a whole number of cores, 1–4096' });
    else out.cores = r.cores;
  } else if (r.millicores !== undefined) {
    if (!isInt(r.millicores, 1, 4_096_000))
      errors.push({
        field: 'resources.millicores',
        message: 'must be an integer of thousandths of a core, 1–4096000',
      });
    else out.millicores = r.millicores;
  } else out.millicores = 1000;
  const cpus = out.cores ?? Math.ceil((out.millicores ?? 1000) / 1000);
  if (r.memory === undefined) out.memoryBytes = cpus * DEFAULT_MEMORY_PER_CORE;
  else {
    const m = parseSize(r.memory);
    if (m === undefined || m < MIN_MEMORY)
      errors.push({
        field: 'resources.memory',
        message: 'must be bytes or a size such as 512M or 2G, at least 4M',
      });
    else out.memoryBytes = m;
  }
  let gpus = r.gpus;
  if (isObject(gpus)) {
    if (gpus.model !== undefined && r.gpuModel === undefined) out.gpuModel = gpus.model as string;
    gpus = gpus.count;
  }
  if (gpus !== undefined && !isInt(gpus, 0, 64))
    errors.push({ field: 'resources.gpus', message: 'must be a GPU count 0–64 (or {count, model})' });
  else out.gpus = (gpus as number | undefined) ?? 0;
  const model = r.gpuModel ?? out.gpuModel;
  if (model !== undefined) {
    if (typeof model !== 'string' || !GPU_MODEL.test(model))
      errors.push({
        field: 'resources.gpuModel',
        message: 'must be a GPU model name (letters, digits, space . _ + -)',
      });
    else if (out.gpus === 0)
      errors.push({ field: 'resources.gpuModel', message: 'a GPU model needs gpus ≥ 1' });
    else out.gpuModel = model;
  }
  if (r.pids !== undefined) {
    if (!isInt(r.pids, 1, 4_194_304))
      errors.push({ field: 'resources.pids', message: 'must be a pids limit, 1–4194304' });
    else out.pidsMax = r.pids;
  }
  if (r.disk !== undefined) {
    const d = parseSize(r.disk);
    if (d === undefined || d < MIN_DISK || d > MAX_DISK)
      errors.push({
        field: 'resources.disk',
        message: 'must be bytes or a size such as 512M or 10G, 4M–1P (a quota on the working directory)',
      });
    else out.diskBytes = d;
  }
  return out;
}

function parseTarget(v: unknown, errors: FieldError[]): SessionTarget {
  if (v === undefined || v === 'agents') return { kind: 'agents' };
  if (v === 'slurm') return { kind: 'slurm' };
  if (isObject(v) && (v.kind === 'agents' || v.kind === 'slurm')) {
    if (v.kind === 'agents') return { kind: 'agents' };
    if (v.partition === undefined) return { kind: 'slurm' };
    if (typeof v.partition === 'string' && PARTITION.test(v.partition))
      return { kind: 'slurm', partition: v.partition };
    errors.push({
      field: 'target.partition',
      message: 'must be a Slurm partition name ([A-Za-z0-9._+@-], 1–64)',
    });
    return { kind: 'slurm' };
  }
  errors.push({ field: 'target', message: 'must be "agents", "slurm" or {kind: "slurm", partition}' });
  return { kind: 'agents' };
}

function checkSize(spec: SessionSpec, errors: FieldError[]): void {
  let n = utf8Bytes(spec.command ?? '') + utf8Bytes(spec.script ?? '');
  for (const a of spec.args) n += utf8Bytes(a) + 1;
  for (const [k, v] of Object.entries(spec.env)) n += k.length + utf8Bytes(v) + 2;
  if (n > MAX_ARGV_ENV_BYTES)
    errors.push({
      field: spec.script !== undefined ? 'script' : 'args',
      message: `command, arguments, script and environment take ${n} bytes, more than ${MAX_ARGV_ENV_BYTES}: pass large inputs in a file`,
    });
}

/**
 * Validates a session spec from a client (hostile input): every problem is a 400
 * OMEGA_ERR_VALIDATION naming its field (after `fieldPrefix`, e.g. `spec.` where the spec is a
 * field of the body); defaults are applied (1000 millicores, 512 MiB per core, priority 0,
 * bin-pack, Omega's agents, limits required). The kernel has checked each field against the
 * route's schema first; this also checks what a schema cannot say (one of command and script,
 * cores or millicores, a size text's minimum, the total size, rules of a Slurm target).
 */
export function parseSessionSpec(
  body: unknown,
  defaults: { placement: PlacementStrategy; fieldPrefix?: string },
): SessionSpec {
  const prefix = defaults.fieldPrefix ?? '';
  if (!isObject(body))
    throw invalid([
      { field: prefix ? prefix.slice(0, -1) : 'body', message: 'must be a JSON object (the session spec)' },
    ]);
  const errors: FieldError[] = [];
  for (const k of Object.keys(body))
    if (!FIELDS.has(k)) errors.push({ field: k.slice(0, 64), message: 'is not a field of a session spec' });
  const program = parseProgram(body, errors);
  const resources = parseResources(body.resources, errors);
  const selector = selectorText(body.nodeSelector);
  if (selector === undefined)
    errors.push({
      field: 'nodeSelector',
      message: 'must be a selector "k=v,k!=v,k,!k" or an object of k: v',
    });
  else {
    // A selector no node can ever match would leave the session pending for good: refused here.
    const parsed = parseSelector(selector);
    const error = 'error' in parsed ? parsed.error : unsatisfiable(parsed.terms);
    if (error !== undefined) errors.push({ field: 'nodeSelector', message: error });
  }
  const spec: SessionSpec = {
    name: '',
    ...program,
    env: parseEnv(body.env, errors),
    resources,
    nodeSelector: selector ?? '',
    priority: 0,
    placement: defaults.placement,
    target: parseTarget(body.target, errors),
    enforcement: 'required',
  };
  if (body.name !== undefined) {
    if (typeof body.name !== 'string' || !NAME.test(body.name))
      errors.push({
        field: 'name',
        message: 'must be 1–64 of letters, digits, space . _ : - (starting alphanumeric)',
      });
    else spec.name = body.name;
  }
  if (spec.name === '') spec.name = (program.command?.split('/').pop() || 'script').slice(0, 64);
  if (body.cwd !== undefined) {
    if (!isAbsolutePath(body.cwd))
      errors.push({ field: 'cwd', message: 'must be an absolute, normalised path' });
    else spec.cwd = body.cwd;
  }
  if (body.priority !== undefined) {
    if (!isInt(body.priority, -1000, 1000))
      errors.push({ field: 'priority', message: 'must be an integer −1000…1000' });
    else spec.priority = body.priority;
  }
  if (body.timeLimit !== undefined) {
    const s = parseDuration(body.timeLimit);
    if (s === undefined || s > MAX_TIME_LIMIT_SEC)
      errors.push({ field: 'timeLimit', message: 'must be seconds or a duration such as 90s, 30m, 2h, 1d' });
    else spec.timeLimitSec = s;
  }
  if (body.placement !== undefined) {
    if (body.placement !== 'binpack' && body.placement !== 'spread')
      errors.push({ field: 'placement', message: 'must be "binpack" or "spread"' });
    else spec.placement = body.placement;
  }
  if (body.enforcement !== undefined) {
    if (body.enforcement !== 'required' && body.enforcement !== 'best-effort')
      errors.push({ field: 'enforcement', message: 'must be "required" or "best-effort"' });
    else spec.enforcement = body.enforcement;
  }
  if (resources.diskBytes !== undefined && spec.cwd !== undefined)
    errors.push({
      field: 'resources.disk',
      message: 'limits the session’s own working directory: drop cwd (or the disk quota)',
    });
  if (spec.target.kind === 'slurm') {
    if (resources.diskBytes !== undefined)
      errors.push({ field: 'resources.disk', message: 'Slurm sessions take no disk quota from Omega' });
    if (
      resources.millicores !== undefined &&
      body.resources !== undefined &&
      (body.resources as Record<string, unknown>).millicores !== undefined
    )
      errors.push({
        field: 'resources.millicores',
        message: 'Slurm allocates whole cores: give resources.cores',
      });
    for (const k of Object.keys(spec.env))
      if (/^(SLURM|SBATCH|SALLOC|SRUN|SPANK)_/.test(k))
        errors.push({ field: `env.${k}`, message: 'is reserved: Slurm would read it as an option' });
  }
  if (errors.length === 0) checkSize(spec, errors);
  if (errors.length > 0) throw invalid(errors.slice(0, 50).map((e) => ({ ...e, field: prefix + e.field })));
  return spec;
}
