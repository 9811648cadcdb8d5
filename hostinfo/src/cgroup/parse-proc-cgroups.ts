/** One cgroup hierarchy from /proc/self/mounts: where it is mounted, v1 or v2, its options. */
export interface CgroupMount {
  point: string;
  type: 'cgroup' | 'cgroup2';
  /** Mount options; on v1 they name the hierarchy's controllers (`cpu`, `cpuacct`, …). */
  options: string[];
}

/** Undoes the octal escapes /proc/self/mounts uses for spaces and tabs in mount points. */
const unescapeOctal = (s: string): string =>
  s.replace(/\\([0-7]{3})/g, (_, o: string) => String.fromCharCode(Number.parseInt(o, 8)));

/** The cgroup and cgroup2 mounts of a /proc/self/mounts text, in order. */
export function parseCgroupMounts(text: string): CgroupMount[] {
  const out: CgroupMount[] = [];
  for (const line of text.split('\n')) {
    const [, point, type, options] = line.split(' ');
    if (point && options && (type === 'cgroup' || type === 'cgroup2'))
      out.push({ point: unescapeOctal(point), type, options: options.split(',') });
  }
  return out;
}

/**
 * /proc/self/cgroup → this process's path per controller: each v1 line under its controller
 * list and under each controller of it; the cgroup2 line under `''`.
 */
export function parseOwnCgroups(text: string): Map<string, string> {
  const own = new Map<string, string>();
  for (const line of text.split('\n')) {
    const m = /^\d+:([^:]*):(.*)$/.exec(line.trim());
    if (!m) continue;
    own.set(m[1]!, m[2]!);
    for (const c of m[1]!.split(',')) if (c) own.set(c, m[2]!);
  }
  return own;
}
