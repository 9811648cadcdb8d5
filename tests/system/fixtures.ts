/**
 * Real text captured from this project's build machine (Linux 6.18.44-fc-v595, 2 vCPU Firecracker VM)
 * on 2026-11-25, verbatim except where a comment says a line was dropped.
 */

/** /proc/stat */
export const PROC_STAT = `cpu  15251 0 2932 80595 253 0 51 90 0 0
cpu0 7258 0 1370 40858 23 0 15 44 0 0
cpu1 7992 0 1561 39737 230 0 35 46 0 0
intr 228233 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 1 1 13 0 0 0 0 99 60 0 20 1 10342 0 4691 3943 0 1755 3595 1 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0
ctxt 447171
btime 1795621485
processes 6545
procs_running 1
procs_blocked 0
softirq 94753 0 14827 4 8384 10342 0 3 32687 0 28506
`;

/** /proc/loadavg */
export const PROC_LOADAVG = `0.10 0.24 0.16 1/101 6544
`;

/** /proc/meminfo */
export const PROC_MEMINFO = `MemTotal:       24684096 kB
MemFree:        24323484 kB
MemAvailable:   24313960 kB
Buffers:            2360 kB
Cached:           188464 kB
SwapCached:            0 kB
Active:            87340 kB
Inactive:         111832 kB
Active(anon):       1556 kB
Inactive(anon):    15584 kB
Active(file):      85784 kB
Inactive(file):    96248 kB
Unevictable:       16860 kB
Mlocked:           15952 kB
SwapTotal:             0 kB
SwapFree:              0 kB
Zswap:                 0 kB
Zswapped:              0 kB
Dirty:               396 kB
Writeback:             0 kB
AnonPages:         25268 kB
Mapped:            45556 kB
Shmem:              8788 kB
KReclaimable:      31132 kB
Slab:              52940 kB
SReclaimable:      31132 kB
SUnreclaim:        21808 kB
KernelStack:        1624 kB
PageTables:         1788 kB
SecPageTables:         0 kB
NFS_Unstable:          0 kB
Bounce:                0 kB
WritebackTmp:          0 kB
CommitLimit:    12342048 kB
Committed_AS:     141900 kB
VmallocTotal:   34359738367 kB
VmallocUsed:       14412 kB
VmallocChunk:          0 kB
Percpu:              688 kB
AnonHugePages:         0 kB
ShmemHugePages:        0 kB
ShmemPmdMapped:        0 kB
FileHugePages:         0 kB
FilePmdMapped:         0 kB
Balloon:               0 kB
HugePages_Total:       0
HugePages_Free:        0
HugePages_Rsvd:        0
HugePages_Surp:        0
Hugepagesize:       2048 kB
Hugetlb:               0 kB
DirectMap4k:       26624 kB
DirectMap2M:     2070528 kB
DirectMap1G:    25165824 kB
`;

/** /proc/diskstats */
export const PROC_DISKSTATS = `   7       0 loop0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0
   7       1 loop1 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0
   7       2 loop2 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0
   7       3 loop3 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0
   7       4 loop4 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0
   7       5 loop5 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0
   7       6 loop6 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0
   7       7 loop7 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0
 254       0 vda 21126 4776 1387954 31116 1968 14064 1499552 4264 0 3536 35611 3336 17 448056 231 4 0
 253       0 zram0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0
`;

/** /proc/net/dev */
export const PROC_NET_DEV = `Inter-|   Receive                                                |  Transmit
 face |bytes    packets errs drop fifo frame compressed multicast|bytes    packets errs drop fifo colls carrier compressed
    lo:    3193      29    0    0    0     0          0         0     3193      29    0    0    0     0       0          0
  ifb0:       0       0    0    0    0     0          0         0        0       0    0    0    0     0       0          0
  ifb1:       0       0    0    0    0     0          0         0        0       0    0    0    0     0       0          0
  eth0: 240339714    7916    0    0    0     0          0         0   611081    5111    0    0    0     0       0          0
`;

/** /proc/mounts (one line of the sandbox harness's own mount dropped) */
export const PROC_MOUNTS = `proc /proc proc rw,relatime 0 0
sysfs /sys sysfs rw,relatime 0 0
devtmpfs /dev devtmpfs rw,relatime,size=12334524k,nr_inodes=3083631,mode=755 0 0
tmpfs /dev/shm tmpfs rw,relatime,size=24684096k 0 0
devpts /dev/pts devpts rw,relatime,mode=600,ptmxmode=000 0 0
/dev/vda / ext4 rw,relatime,discard,resv_strict,resuid=65534,resgid=65534 0 0
devpts /dev/pts devpts rw,relatime,mode=600,ptmxmode=000 0 0
tmpfs /dev/shm tmpfs rw,relatime,size=24684096k 0 0
tmpfs /sys/fs/cgroup tmpfs rw,relatime,mode=755 0 0
cgroup /sys/fs/cgroup/cpu cgroup rw,relatime,cpu 0 0
cgroup /sys/fs/cgroup/cpuacct cgroup rw,relatime,cpuacct 0 0
cgroup /sys/fs/cgroup/cpuset cgroup rw,relatime,cpuset 0 0
cgroup /sys/fs/cgroup/memory cgroup rw,relatime,memory 0 0
cgroup /sys/fs/cgroup/devices cgroup rw,relatime,devices 0 0
cgroup /sys/fs/cgroup/freezer cgroup rw,relatime,freezer 0 0
cgroup /sys/fs/cgroup/blkio cgroup rw,relatime,blkio 0 0
cgroup /sys/fs/cgroup/pids cgroup rw,relatime,pids 0 0
cgroup /sys/fs/cgroup/systemd cgroup rw,relatime,name=systemd 0 0
cgroup2 /sys/fs/cgroup/unified cgroup2 rw,relatime 0 0
`;

/** /sys/devices/system/node/node0/cpulist */
export const NODE0_CPULIST = `0-1
`;

/** /sys/devices/system/cpu/online */
export const CPU_ONLINE = `0-1
`;

/** The cpu lines of /proc/stat, then the same lines 1 s later while one `yes > /dev/null` ran (other lines dropped). */
export const PROC_STAT_CPU_BEFORE = `cpu  15259 0 2935 81354 253 0 51 90 0 0
cpu0 7258 0 1371 41242 23 0 15 44 0 0
cpu1 8001 0 1564 40111 230 0 35 46 0 0
`;

export const PROC_STAT_CPU_AFTER = `cpu  15302 0 2995 81453 253 0 51 90 0 0
cpu0 7300 0 1430 41242 23 0 15 44 0 0
cpu1 8001 0 1564 40210 230 0 35 46 0 0
`;
