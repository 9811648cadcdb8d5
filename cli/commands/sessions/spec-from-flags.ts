import { UsageError } from '../../command.js';
import { decimalFlag } from '../../decimal-flag.js';
import { intFlag } from '../../int-flag.js';
import { LIST_SEPARATOR } from '../../parse-flags.js';
import { uniquePairs } from '../../unique-pairs.js';
import { type Obj, str, type Values } from './flags.js';

/** Where a new `NAME=` pair starts in `--env`'s text (after a comma). */
const PAIR_START = /^[A-Za-z_][A-Za-z0-9_]*=/;

/**
 * `k=v,k2=v2` → env, naming the flag on a bad entry; each `--env` given starts a pair of its own
 * (repeats arrive joined by LIST_SEPARATOR). Within one, a comma starts a new pair only before
 * `NAME=`: `A=x,y` is one value; `\,` is a comma that never does. A name given twice (in one
 * `--env` or two) is a usage error naming it.
 */
export function parseEnvFlag(text: string): Record<string, string> {
  const pairs: string[] = [];
  for (const flag of text.split(LIST_SEPARATOR)) {
    const first = pairs.length;
    for (const part of flag.split(/(?<!\\),/)) {
      if (part === '') continue;
      if (pairs.length > first && !PAIR_START.test(part)) pairs[pairs.length - 1] += `,${part}`;
      else pairs.push(part);
    }
  }
  return uniquePairs(
    pairs.map((pair): [string, string] => {
      const eq = pair.indexOf('=');
      if (eq <= 0) throw new UsageError(`--env takes NAME=value pairs separated by commas (got "${pair}")`);
      return [pair.slice(0, eq), pair.slice(eq + 1).replaceAll('\\,', ',')];
    }),
    '--env',
  );
}

/** The session spec `run` sends, from its flags and the command after `--`. */
export function specFromFlags(values: Values, command: string[]): Obj {
  const script = str(values.script);
  if (script !== undefined && command.length > 0)
    throw new UsageError('sessions run takes a command after -- or --script, not both');
  if (script === undefined && command.length === 0)
    throw new UsageError('sessions run needs a command: omega sessions run [flags] -- cmd args');
  const spec: Obj = script !== undefined ? { script } : { command: command[0], args: command.slice(1) };
  const resources: Obj = {};
  // A share is sent in millicores: below 0.001 core it would round to 0, and above 4096 cores
  // past the kernel's 4,096,000; the API would refuse either as `resources.millicores`, a field
  // the user never typed.
  const cores = decimalFlag(values, 'cores', {
    min: 0.001,
    max: 4096,
    hint: 'whole cores such as 2 are pinned, a fraction such as 0.5 is a share',
  });
  if (cores !== undefined) {
    if (Number.isInteger(cores)) resources.cores = cores;
    else resources.millicores = Math.round(cores * 1000);
  }
  const milli = intFlag(values, 'millicores', { min: 1, max: 4_096_000 });
  if (milli !== undefined) {
    if (cores !== undefined) throw new UsageError('give --cores or --millicores, not both');
    resources.millicores = milli;
  }
  if (str(values.memory)) resources.memory = values.memory;
  const gpus = intFlag(values, 'gpus', { min: 0, max: 64 });
  if (gpus !== undefined) resources.gpus = gpus;
  if (str(values['gpu-model'])) resources.gpuModel = values['gpu-model'];
  const pids = intFlag(values, 'pids', { min: 1, max: 4_194_304 });
  if (pids !== undefined) resources.pids = pids;
  if (str(values.disk)) resources.disk = values.disk;
  if (Object.keys(resources).length) spec.resources = resources;
  if (str(values.name)) spec.name = values.name;
  if (str(values.env)) spec.env = parseEnvFlag(values.env as string);
  if (str(values.cwd)) spec.cwd = values.cwd;
  const selector = str(values['node-selector']);
  if (selector) spec.nodeSelector = selector.replaceAll(LIST_SEPARATOR, ',');
  const priority = intFlag(values, 'priority', { min: -1000, max: 1000 });
  if (priority !== undefined) spec.priority = priority;
  if (str(values['time-limit'])) spec.timeLimit = values['time-limit'];
  if (values.spread === true) spec.placement = 'spread';
  if (values['best-effort'] === true) spec.enforcement = 'best-effort';
  const partition = str(values.partition);
  if (values.slurm === true || partition !== undefined)
    spec.target = partition !== undefined ? { kind: 'slurm', partition } : 'slurm';
  return spec;
}
