import { slurmError } from './slurm-error.js';

/** More names than any real cluster has: a hostile or corrupt host list stops here. */
export const MAX_HOSTLIST_NAMES = 100_000;

/**
 * Expands a Slurm host list (`n[1-3,07-08]`, `rack[1-2]-gpu[1-2]`, `a,b[1-2]`) into names,
 * keeping zero padding. Refuses (OMEGA_ERR_SLURM_PROTOCOL) malformed input and lists longer
 * than `MAX_HOSTLIST_NAMES`.
 */
export function expandHostlist(list: string): string[] {
  const out: string[] = [];
  for (const item of splitTopLevel(list.trim())) {
    if (item === '') continue;
    let names = [''];
    const re = /\[([^\]]*)\]|([^[\]]+)/g;
    let consumed = 0;
    for (let m = re.exec(item); m !== null; m = re.exec(item)) {
      if (m.index !== consumed) throw bad(list);
      consumed = m.index + m[0].length;
      const parts = m[1] !== undefined ? expandRanges(m[1], list) : [m[2] as string];
      if (names.length * parts.length + out.length > MAX_HOSTLIST_NAMES) throw tooMany(list);
      names = names.flatMap((prefix) => parts.map((p) => prefix + p));
    }
    if (consumed !== item.length) throw bad(list);
    out.push(...names);
  }
  return out;
}

function splitTopLevel(list: string): string[] {
  const items: string[] = [];
  let depth = 0;
  let start = 0;
  for (let i = 0; i < list.length; i++) {
    const c = list[i];
    if (c === '[') depth++;
    else if (c === ']') depth--;
    if (depth < 0 || depth > 1) throw bad(list);
    if (c === ',' && depth === 0) {
      items.push(list.slice(start, i));
      start = i + 1;
    }
  }
  if (depth !== 0) throw bad(list);
  items.push(list.slice(start));
  return items;
}

function expandRanges(body: string, list: string): string[] {
  const out: string[] = [];
  for (const range of body.split(',')) {
    const m = /^(\d+)(?:-(\d+))?$/.exec(range);
    if (!m) throw bad(list);
    const from = m[1] as string;
    const to = m[2] ?? from;
    const a = Number(from);
    const b = Number(to);
    if (b < a) throw bad(list);
    if (b - a + 1 + out.length > MAX_HOSTLIST_NAMES) throw tooMany(list);
    for (let n = a; n <= b; n++) out.push(String(n).padStart(from.length, '0'));
  }
  return out;
}

function bad(list: string) {
  return slurmError('OMEGA_ERR_SLURM_PROTOCOL', `Slurm sent a malformed host list "${list.slice(0, 200)}".`);
}

function tooMany(list: string) {
  return slurmError(
    'OMEGA_ERR_SLURM_PROTOCOL',
    `Slurm host list "${list.slice(0, 200)}" expands to more than ${MAX_HOSTLIST_NAMES} names.`,
  );
}
