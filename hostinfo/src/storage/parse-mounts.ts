/** One line of /proc/mounts. */
export interface MountEntry {
  device: string;
  mount: string;
  fstype: string;
  readOnly: boolean;
}

/**
 * Filesystem types that hold no disk data: kernel views (proc, sysfs, cgroup…), memory-backed
 * filesystems (their bytes are in the `memory` area) and read-only images (always full).
 * After node_exporter's default exclusions, plus tmpfs/ramfs.
 */
export const PSEUDO_FSTYPES = new Set([
  'autofs',
  'binfmt_misc',
  'bpf',
  'cgroup',
  'cgroup2',
  'configfs',
  'debugfs',
  'devpts',
  'devtmpfs',
  'efivarfs',
  'fusectl',
  'hugetlbfs',
  'iso9660',
  'mqueue',
  'nsfs',
  'overlay',
  'proc',
  'procfs',
  'pstore',
  'ramfs',
  'rpc_pipefs',
  'securityfs',
  'selinuxfs',
  'squashfs',
  'erofs',
  'sysfs',
  'tmpfs',
  'tracefs',
]);

/** Mount points under kernel or container-runtime trees, left out like node_exporter does. */
export const IGNORED_MOUNTS =
  /^\/(dev|proc|run\/credentials\/.+|sys|var\/lib\/docker\/.+|var\/lib\/containers\/storage\/.+)($|\/)/;

/** Undoes the octal escapes /proc/mounts uses for space, tab, newline and backslash. */
function unescapeOctal(field: string): string {
  return field.replace(/\\([0-7]{3})/g, (_, oct: string) => String.fromCharCode(Number.parseInt(oct, 8)));
}

/**
 * Parses /proc/mounts, keeping real filesystems only. When a mount point appears twice, the
 * later line wins (it is the mount on top).
 */
export function parseMounts(text: string): MountEntry[] {
  const byMount = new Map<string, MountEntry>();
  for (const line of text.split('\n')) {
    const [device, mountRaw, fstype, options] = line.split(' ');
    if (!device || !mountRaw || !fstype || options === undefined) continue;
    const mount = unescapeOctal(mountRaw);
    if (PSEUDO_FSTYPES.has(fstype) || IGNORED_MOUNTS.test(mount)) continue;
    byMount.delete(mount);
    byMount.set(mount, {
      device: unescapeOctal(device),
      mount,
      fstype,
      readOnly: options.split(',').includes('ro'),
    });
  }
  return [...byMount.values()];
}
