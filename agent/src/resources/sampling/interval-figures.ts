/** CPU busy share over an interval: the mean of the per-second readings, and the highest one. */
export interface BusyFigure {
  busy: number;
  max: number;
}

/**
 * One whole disk over a report interval, as `iostat -x <interval>` would print it (the
 * per-second figures folded exactly: IOs and ticks summed, not rates averaged), plus the worst
 * second.
 */
export interface DiskFigures {
  name: string;
  seconds: number;
  readsPerSecond: number;
  writesPerSecond: number;
  readBytesPerSecond: number;
  writeBytesPerSecond: number;
  /** r_await: mean ms a read took, queue included (absent when there was no read). */
  readAwaitMs?: number;
  /** w_await (absent when there was no write). */
  writeAwaitMs?: number;
  /** aqu-sz */
  queueSize: number;
  /** %util / 100 */
  utilization: number;
  /** The busiest second of the interval. */
  peak: { utilization: number; iops: number; readAwaitMs?: number; writeAwaitMs?: number };
}

/** One interface over a report interval: rates (means) and the busiest second. */
export interface InterfaceFigures {
  name: string;
  seconds: number;
  rxBytesPerSecond: number;
  txBytesPerSecond: number;
  rxPacketsPerSecond: number;
  txPacketsPerSecond: number;
  rxErrorsPerSecond: number;
  txErrorsPerSecond: number;
  rxDroppedPerSecond: number;
  txDroppedPerSecond: number;
  peak: { rxBytesPerSecond: number; txBytesPerSecond: number };
}

/** What the per-second readings of one report interval add up to. */
export interface IntervalFigures {
  /** Epoch ms of the interval's first and last reading. */
  from: number;
  to: number;
  /** Readings folded in. */
  readings: number;
  /** Absent when /proc/stat gave nothing in the interval. */
  cpu?: { total: BusyFigure; cores: Array<{ cpu: number } & BusyFigure> };
  /** Absent when /proc/diskstats was unreadable throughout. */
  disks?: DiskFigures[];
  /** Absent when /proc/net/dev was unreadable throughout. */
  interfaces?: InterfaceFigures[];
  /** Sources unreadable during the interval, with the last reason. */
  failed: Record<string, string>;
}
