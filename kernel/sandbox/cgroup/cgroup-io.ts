import { readFile, writeFile } from 'node:fs/promises';

/** A cgroup file's text; `undefined` when it is absent or its cgroup is going away (ENOENT, ENODEV). */
export async function readCgroupText(path: string): Promise<string | undefined> {
  try {
    return await readFile(path, 'utf8');
  } catch {
    return undefined;
  }
}

/** Writes one value into a cgroup file, as `echo value > path` does; rejects with the errno. */
export async function writeCgroupValue(path: string, value: string): Promise<void> {
  await writeFile(path, value);
}

/** `key value` lines (cpu.stat, memory.events, cgroup.events, memory.oom_control) → numbers by key. */
export function parseFlatKeyed(text: string | undefined): Record<string, number> {
  const out: Record<string, number> = {};
  for (const line of (text ?? '').split('\n')) {
    const [key, value] = line.trim().split(/\s+/);
    if (key && value && /^\d+$/.test(value)) out[key] = Number(value);
  }
  return out;
}

/** The reason of a failed cgroup operation, in a few words (`EACCES`, `EROFS`, …). */
export const errnoOf = (err: unknown): string =>
  (err as NodeJS.ErrnoException | undefined)?.code ?? (err instanceof Error ? err.message : String(err));
