import { readFile, stat, writeFile } from 'node:fs/promises';
import { execError } from '../errors/index.js';

/** Reads a cgroup (or /proc) file as text; `null` when it does not exist (ENODEV: its cgroup is being removed). */
export async function readText(path: string): Promise<string | null> {
  try {
    return await readFile(path, 'utf8');
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' || code === 'ENODEV') return null;
    throw err;
  }
}

/** Writes one value to a cgroup file (as the shell's `echo v > file` does); a failure is a coded error naming the file. */
export async function writeText(path: string, value: string): Promise<void> {
  try {
    await writeFile(path, value);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    throw execError(
      'OMEGA_ERR_EXEC_CGROUP',
      `Cannot write "${value}" to ${path}: ${code ?? String(err)}.`,
      { file: path, errno: code },
      err,
    );
  }
}

/** Writes an optional knob: missing files (older kernels) are skipped; returns whether it was written. */
export async function writeOptional(path: string, value: string): Promise<boolean> {
  try {
    await writeFile(path, value);
    return true;
  } catch {
    return false;
  }
}

/** Parses flat-keyed files such as cpu.stat, memory.events, cgroup.events, cpuacct.stat. */
export function parseKeyValues(text: string | null): Record<string, number> {
  const out: Record<string, number> = {};
  if (!text) return out;
  for (const line of text.split('\n')) {
    const [key, value] = line.trim().split(/\s+/);
    if (key && value !== undefined && /^-?\d+$/.test(value)) out[key] = Number(value);
  }
  return out;
}

/** Reads a file holding one integer (`max` reads as Infinity); `null` when absent or unparsable. */
export async function readNumber(path: string): Promise<number | null> {
  const text = (await readText(path))?.trim();
  if (text === undefined || text === '') return null;
  if (text === 'max') return Number.POSITIVE_INFINITY;
  const n = Number(text);
  return Number.isFinite(n) ? n : null;
}

/** The pids listed in a cgroup.procs file (empty when the cgroup is gone). */
export async function readPids(path: string): Promise<number[]> {
  const text = await readText(path);
  if (!text) return [];
  return text
    .split('\n')
    .filter((l) => l.trim() !== '')
    .map(Number)
    .filter((n) => Number.isInteger(n) && n > 0);
}

/** Whether a file exists (write-only cgroup files such as cgroup.kill cannot be read to find out). */
export async function exists(path: string): Promise<boolean> {
  return stat(path).then(
    () => true,
    () => false,
  );
}
