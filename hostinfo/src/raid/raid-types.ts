import type { Detected } from '../detected.js';

/** One member device of an md array, as /proc/mdstat lists it (`loop1[1](F)`). */
export interface MdMember {
  device: string;
  /** The member's role number in brackets. */
  slot: number;
  /** in-sync unless flagged: (F) faulty, (S) spare, (R) replacement, (J) journal. */
  role: 'active' | 'faulty' | 'spare' | 'replacement' | 'journal';
  /** (W): writes go here, reads avoid it. */
  writeMostly: boolean;
}

/** A resync, recovery, reshape, check or repair: running with progress, or waiting. */
export interface MdSync {
  action: 'resync' | 'recovery' | 'reshape' | 'check' | 'repair';
  /** `running`, or DELAYED (waits for another array on the same disks) / PENDING (array read-only). */
  state: 'running' | 'delayed' | 'pending';
  /** Done share in [0, 1]. */
  fraction?: number;
  doneBlocks?: number;
  totalBlocks?: number;
  /** The kernel's estimate of seconds left. */
  etaSeconds?: number;
  speedBytesPerSecond?: number;
}

/** One md array from /proc/mdstat. */
export interface MdArray {
  name: string;
  /** `inactive` arrays are assembled but not started (all members show as spares). */
  active: boolean;
  readOnly?: 'read-only' | 'auto-read-only';
  /** raid0, raid1, raid10, raid4/5/6, linear… (absent while inactive). */
  level?: string;
  members: MdMember[];
  /** Array size in 1 KiB blocks. */
  blocks?: number;
  /** `[n/m]`: devices the array should have, and how many are working. Absent for raid0/linear. */
  raidDisks?: number;
  workingDisks?: number;
  /** `[UU_]` as given: U up, _ down, one character per slot. */
  slotStatus?: string;
  /** Working below expected (a slot is down). */
  degraded: boolean;
  /** Members flagged faulty. */
  failedMembers: string[];
  sync?: MdSync;
  /** One word for dashboards: inactive, resyncing/recovering/reshaping/checking/repairing, degraded or clean. */
  health:
    | 'inactive'
    | 'clean'
    | 'degraded'
    | 'resyncing'
    | 'recovering'
    | 'reshaping'
    | 'checking'
    | 'repairing';
}

/** /proc/mdstat: the personalities the kernel has loaded and the arrays. */
export interface MdStatus {
  personalities: string[];
  arrays: MdArray[];
}

/** Error counters btrfs keeps per device (persisted on disk; reset only by `btrfs device stats -z`). */
export interface BtrfsDeviceErrors {
  devid: number;
  /** Block device name, when sysfs or the tool says it. */
  device?: string;
  writeErrors: number;
  readErrors: number;
  flushErrors: number;
  /** Checksum mismatches (bad data or metadata found on read or scrub). */
  corruptionErrors: number;
  /** Blocks with an unexpected generation (lost writes). */
  generationErrors: number;
}

/** One mounted btrfs filesystem and its devices' error counters. */
export interface BtrfsFilesystem {
  uuid: string;
  label?: string;
  devices: BtrfsDeviceErrors[];
  /** Sum of every counter of every device: 0 for a healthy filesystem. */
  totalErrors: number;
}

/** One vdev line of `zpool status` (pool, mirror, raidz, or disk). */
export interface ZpoolVdev {
  name: string;
  /** Indentation depth below the pool (0 = the pool itself). */
  depth: number;
  state: string;
  readErrors: number;
  writeErrors: number;
  checksumErrors: number;
}

/** One ZFS pool. */
export interface Zpool {
  name: string;
  /** ONLINE, DEGRADED, FAULTED, OFFLINE, REMOVED, UNAVAIL. */
  health: string;
  sizeBytes?: number;
  allocatedBytes?: number;
  freeBytes?: number;
  /** Fragmentation share in [0, 1], when reported. */
  fragmentation?: number;
  vdevs: ZpoolVdev[];
  /** The `scan:` line (scrub or resilver progress), as given. */
  scan?: string;
  /** The `errors:` line, as given. */
  errors?: string;
}

/** SMART health of one device from `smartctl -j`. */
export interface SmartDevice {
  device: string;
  /** ata, nvme, scsi… as smartctl says. */
  protocol?: string;
  model?: string;
  serial?: string;
  /** The overall self-assessment (`smart_status.passed`); absent when the device gives none. */
  passed?: boolean;
  temperatureCelsius?: number;
  powerOnHours?: number;
  /** ATA: reallocated sectors (attribute 5) raw value. */
  reallocatedSectors?: number;
  /** ATA: pending sectors (197) raw value. */
  pendingSectors?: number;
  /** ATA: offline uncorrectable sectors (198) raw value. */
  offlineUncorrectable?: number;
  /** NVMe: percentage of rated endurance used, as a share (may pass 1). */
  enduranceUsed?: number;
  /** NVMe: media and data integrity errors. */
  mediaErrors?: number;
  /** NVMe: the critical warning bit field (0 = none). */
  criticalWarning?: number;
  /** smartctl's exit status bit mask (bit 3: disk failing; bit 4: prefail attribute at threshold). */
  exitStatus: number;
}

/** Health of md arrays, absent with why. */
export type MdHealth = Detected<MdStatus>;
/** Btrfs filesystems' error counters, absent with why. */
export type BtrfsHealth = Detected<{ filesystems: BtrfsFilesystem[] }>;
/** ZFS pools, absent with why (typically "zpool not installed"). */
export type ZfsHealth = Detected<{ pools: Zpool[] }>;
/** SMART per device, each absent with why when the device has none. */
export type SmartHealth = Detected<{ devices: Array<Detected<SmartDevice> & { device: string }> }>;
