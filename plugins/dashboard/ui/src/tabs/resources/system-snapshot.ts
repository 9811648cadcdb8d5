/** The parts of `GET /api/v1/system` (the kernel host's snapshot) the Resources and Network tabs show. */
export interface SystemSnapshot {
  at: number;
  cpu: {
    cores: Array<{ cpu: number; busy: number }>;
    total: { busy: number };
    load: { load1: number; load5: number; load15: number };
  };
  memory: {
    totalBytes: number;
    usedBytes: number;
    availableBytes: number;
    cachedBytes: number;
    swap: { totalBytes: number; usedBytes: number };
  };
  disk: {
    filesystems: Array<{
      mount: string;
      device: string;
      fstype: string;
      sizeBytes: number;
      usedBytes: number;
      availBytes: number;
      files: number;
      filesFree: number;
      readOnly: boolean;
    }>;
    devices: Array<{ name: string; readBytes: number; writtenBytes: number; ioTimeSeconds: number }>;
  };
  network: {
    interfaces: Array<{
      name: string;
      rxBytes: number;
      txBytes: number;
      rxErrors: number;
      txErrors: number;
      rxDropped: number;
      txDropped: number;
    }>;
  };
  temperature: {
    available: boolean;
    reason?: string;
    sensors: Array<{ label?: string; name?: string; celsius?: number; value?: number }>;
  };
  gpu: {
    available: boolean;
    reason?: string;
    gpus: Array<{ name?: string; utilization?: number; memoryUsedBytes?: number; memoryTotalBytes?: number }>;
  };
  topology: {
    vendor: string;
    model: string;
    sockets: number;
    physicalCores: number;
    logicalCores: number;
    hostname: string;
    numaNodes?: Array<{ node: number; cpus: number[]; memoryTotalBytes: number }>;
  };
}
