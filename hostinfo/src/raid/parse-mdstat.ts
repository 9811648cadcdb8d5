import type { MdArray, MdMember, MdStatus, MdSync } from './raid-types.js';

const ROLE: Record<string, MdMember['role']> = { F: 'faulty', S: 'spare', R: 'replacement', J: 'journal' };
const HEALTH: Record<MdSync['action'], MdArray['health']> = {
  resync: 'resyncing',
  recovery: 'recovering',
  reshape: 'reshaping',
  check: 'checking',
  repair: 'repairing',
};

function parseMember(token: string): MdMember | undefined {
  const m = /^(.+?)\[(\d+)\]((?:\([A-Z]\))*)$/.exec(token);
  if (!m) return undefined;
  const flags = [...(m[3] ?? '').matchAll(/\(([A-Z])\)/g)].map((f) => f[1]!);
  const role = flags.map((f) => ROLE[f]).find((r) => r !== undefined) ?? 'active';
  return { device: m[1]!, slot: Number(m[2]), role, writeMostly: flags.includes('W') };
}

/** `[==>....]  recovery = 12.6% (8192/65472) finish=0.4min speed=2048K/sec`, or `resync=DELAYED`. */
function parseSync(line: string): MdSync | undefined {
  const waiting = /\b(resync|recovery|reshape|check|repair)\s*=\s*(DELAYED|PENDING)\b/.exec(line);
  if (waiting) {
    return {
      action: waiting[1] as MdSync['action'],
      state: waiting[2] === 'DELAYED' ? 'delayed' : 'pending',
    };
  }
  const m = /\b(resync|recovery|reshape|check|repair)\s*=\s*([\d.]+)%/.exec(line);
  if (!m) return undefined;
  const sync: MdSync = { action: m[1] as MdSync['action'], state: 'running', fraction: Number(m[2]) / 100 };
  const blocks = /\((\d+)\/(\d+)\)/.exec(line);
  if (blocks) {
    sync.doneBlocks = Number(blocks[1]);
    sync.totalBlocks = Number(blocks[2]);
  }
  const finish = /finish=([\d.]+)min/.exec(line);
  if (finish) sync.etaSeconds = Number(finish[1]) * 60;
  const speed = /speed=(\d+)K\/sec/.exec(line);
  if (speed) sync.speedBytesPerSecond = Number(speed[1]) * 1024;
  return sync;
}

function parseHeader(line: string): MdArray | undefined {
  const m = /^(md\w*)\s*:\s*(active|inactive)\s*(.*)$/.exec(line);
  if (!m) return undefined;
  let rest = m[3]!.trim();
  const array: MdArray = {
    name: m[1]!,
    active: m[2] === 'active',
    members: [],
    degraded: false,
    failedMembers: [],
    health: m[2] === 'active' ? 'clean' : 'inactive',
  };
  const ro = /^\((read-only|auto-read-only)\)\s*/.exec(rest);
  if (ro) {
    array.readOnly = ro[1] as MdArray['readOnly'];
    rest = rest.slice(ro[0].length);
  }
  for (const token of rest.split(/\s+/).filter(Boolean)) {
    const member = parseMember(token);
    if (member) array.members.push(member);
    else if (array.level === undefined && array.members.length === 0) array.level = token;
  }
  array.failedMembers = array.members.filter((x) => x.role === 'faulty').map((x) => x.device);
  return array;
}

function parseStatusLine(array: MdArray, line: string): void {
  const blocks = /^(\d+)\s+blocks\b/.exec(line);
  if (blocks) array.blocks = Number(blocks[1]);
  const disks = /\[(\d+)\/(\d+)\]\s*\[([U_]+)\]/.exec(line);
  if (disks) {
    array.raidDisks = Number(disks[1]);
    array.workingDisks = Number(disks[2]);
    array.slotStatus = disks[3]!;
  }
}

/**
 * Parses /proc/mdstat (drivers/md/md.c `md_seq_show`): personalities, then per array its state,
 * level, members with their flags, size, `[n/m] [UU_]` slot status, and any resync, recovery,
 * reshape, check or repair with progress, speed and the kernel's ETA. Slow cadence (10 s+).
 */
export function parseMdstat(text: string): MdStatus {
  const status: MdStatus = { personalities: [], arrays: [] };
  let current: MdArray | undefined;
  for (const raw of text.split('\n')) {
    const line = raw.trim();
    if (line.startsWith('Personalities')) {
      status.personalities = [...line.matchAll(/\[([^\]]+)\]/g)].map((p) => p[1]!);
      continue;
    }
    const header = parseHeader(line);
    if (header) {
      current = header;
      status.arrays.push(header);
      continue;
    }
    if (!current || line === '' || line.startsWith('unused devices')) continue;
    const sync = parseSync(line);
    if (sync) current.sync = sync;
    else if (!line.startsWith('bitmap:')) parseStatusLine(current, line);
  }
  for (const a of status.arrays) {
    a.degraded = a.raidDisks !== undefined && a.workingDisks !== undefined && a.workingDisks < a.raidDisks;
    if (!a.active) a.health = 'inactive';
    else if (a.sync?.state === 'running') a.health = HEALTH[a.sync.action];
    else if (a.degraded) a.health = 'degraded';
  }
  return status;
}
