/** The start form's values, as typed (strings; empty means "not given"). */
export interface StartFormValues {
  name: string;
  mode: 'command' | 'script';
  command: string;
  args: string;
  script: string;
  cpuKind: 'cores' | 'millicores';
  cpu: string;
  memory: string;
  gpus: string;
  nodeSelector: string;
  priority: string;
  timeLimit: string;
}

/** A blank start form: a command, nothing else given. */
export const EMPTY_START_FORM: Readonly<StartFormValues> = {
  name: '',
  mode: 'command',
  command: '',
  args: '',
  script: '',
  cpuKind: 'millicores',
  cpu: '',
  memory: '',
  gpus: '',
  nodeSelector: '',
  priority: '',
  timeLimit: '',
};

/**
 * Splits an argument line as a POSIX shell would without expanding anything: whitespace
 * separates, '…' is literal, "…" keeps spaces (\" and \\ escaped inside), \ escapes one
 * character outside quotes. An unterminated quote is an error (undefined), not a guess.
 */
export function splitArgs(line: string): string[] | undefined {
  const out: string[] = [];
  let cur = '';
  let has = false;
  let i = 0;
  while (i < line.length) {
    const c = line[i] as string;
    if (c === "'") {
      const end = line.indexOf("'", i + 1);
      if (end === -1) return undefined;
      cur += line.slice(i + 1, end);
      has = true;
      i = end + 1;
    } else if (c === '"') {
      i++;
      for (;;) {
        if (i >= line.length) return undefined;
        const d = line[i] as string;
        if (d === '"') break;
        if (d === '\\' && (line[i + 1] === '"' || line[i + 1] === '\\')) {
          cur += line[i + 1];
          i += 2;
        } else {
          cur += d;
          i++;
        }
      }
      has = true;
      i++;
    } else if (c === '\\' && i + 1 < line.length) {
      cur += line[i + 1];
      has = true;
      i += 2;
    } else if (/\s/.test(c)) {
      if (has) out.push(cur);
      cur = '';
      has = false;
      i++;
    } else {
      cur += c;
      has = true;
      i++;
    }
  }
  if (has) out.push(cur);
  return out;
}

/** A number as typed, or the text itself when it is not one (so the server names the field). */
const numberOr = (s: string): number | string =>
  s.trim() !== '' && Number.isFinite(Number(s)) ? Number(s) : s.trim();

/**
 * The sessions API's spec (POST /api/v1/sessions) from the form: only what was given, so the
 * server's defaults apply; anything malformed is sent as typed and the server's 400 names the
 * field. `copy` (bulk) suffixes the name. `args` that do not split give a local `args` error.
 */
export function buildSpec(
  v: StartFormValues,
  copy?: number,
): { spec: Record<string, unknown>; errors: Record<string, string> } {
  const errors: Record<string, string> = {};
  const spec: Record<string, unknown> = {};
  const name = v.name.trim();
  if (name) spec.name = copy === undefined ? name : `${name}-${copy}`;
  if (v.mode === 'script') spec.script = v.script;
  else {
    spec.command = v.command.trim();
    const args = splitArgs(v.args);
    if (args === undefined) errors.args = 'unterminated quote';
    else if (args.length > 0) spec.args = args;
  }
  const resources: Record<string, unknown> = {};
  if (v.cpu.trim()) resources[v.cpuKind] = numberOr(v.cpu);
  if (v.memory.trim()) resources.memory = numberOr(v.memory);
  if (v.gpus.trim()) resources.gpus = numberOr(v.gpus);
  if (Object.keys(resources).length > 0) spec.resources = resources;
  if (v.nodeSelector.trim()) spec.nodeSelector = v.nodeSelector.trim();
  if (v.priority.trim()) spec.priority = numberOr(v.priority);
  if (v.timeLimit.trim()) spec.timeLimit = numberOr(v.timeLimit);
  return { spec, errors };
}

/**
 * The form field a problem's `errors[].field` belongs to (`resources.cores` → `cpu`, `args[3]` and
 * the kernel's `args.3` → `args`; a plan's `spec.timeLimit` → `timeLimit`).
 */
export function formFieldOf(field: string): keyof StartFormValues | 'count' | 'form' {
  const f = field.replace(/^spec\./, '').replace(/(\[|\.\d).*$/, '');
  if (f === 'resources.cores' || f === 'resources.millicores') return 'cpu';
  if (f === 'resources.memory') return 'memory';
  if (f === 'resources.gpus' || f === 'resources.gpuModel') return 'gpus';
  if (f === 'name' || f === 'command' || f === 'args' || f === 'script') return f;
  if (f === 'nodeSelector' || f === 'priority' || f === 'timeLimit' || f === 'count') return f;
  return 'form';
}

/** Field errors of a problem+json (`errors: [{field, message}]`), keyed by form field (several joined). */
export function problemFieldErrors(problem: Record<string, unknown> | undefined): Record<string, string> {
  const out: Record<string, string> = {};
  const list = Array.isArray(problem?.errors) ? (problem.errors as unknown[]) : [];
  for (const e of list) {
    if (!e || typeof e !== 'object') continue;
    const { field, message } = e as { field?: unknown; message?: unknown };
    if (typeof field !== 'string' || typeof message !== 'string') continue;
    const k = formFieldOf(field);
    const text = k === 'form' ? `${field}: ${message}` : message;
    out[k] = out[k] ? `${out[k]}; ${text}` : text;
  }
  return out;
}
