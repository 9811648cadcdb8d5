/*
 * omega-shim: the per-session supervisor of Omega's node agent (docs/agent-executor.md).
 *
 * One tiny process per session, like conmon or containerd-shim: it outlives the agent, so an
 * agent upgrade or crash neither kills the session nor breaks its output pipes (a pipe whose
 * reader died gives SIGPIPE). The agent builds it from this file with the system `cc` on
 * first use and talks to it only through files in the session directory:
 *
 *   stdin (from the agent)  NUL-separated `key\0value\0` records, see parse_config()
 *   stdout (to the agent)   one line: `ok <mainPid> <shimPid>` or `err <stage> <errno>`
 *   supervisor.json         shim and main pids with their start times (for adoption)
 *   stdout/ stderr/         the output, byte-exact, as rotated segments named by their
 *                           first byte's offset in the stream (%020llu.log)
 *   exit.json               written once, atomically, when the session is over: the main
 *                           process's exact exit code or signal, and whether the session's
 *                           cgroup (or process tree) was left empty
 *
 * Life: the launcher forks the supervisor and exits once the main process has exec'd (or
 * failed to). The supervisor is a child subreaper, so double-forked and setsid'd descendants
 * come back to it. The main process is born in its cgroup2 cgroup (clone3 CLONE_INTO_CGROUP) and
 * writes itself into every other one before it drops privileges and execs (enter-then-exec): no
 * process of the session ever runs outside them. When the main
 * process exits, everything still in the session is killed (cgroup.kill on v2; freeze, SIGKILL
 * every pid, thaw on v1; the descendant tree without cgroups) and exit.json is written only
 * once the session is empty and both pipes reached EOF.
 */
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <limits.h>
#include <linux/sched.h>
#include <poll.h>
#include <sched.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/signalfd.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

extern char **environ;

#define MAX_CONFIG (16u << 20)
#define MAX_LIST 4096
#define MAX_KEEP 256
#define CLEANUP_GIVE_UP_MS 30000

/* Stages of the child's setup; the agent maps them to coded errors. Keep in step with shim-report.ts. */
enum stage {
  ST_CGROUP = 1, ST_SETSID, ST_STDIO, ST_RLIMIT, ST_NICE, ST_AFFINITY,
  ST_GROUPS, ST_GID, ST_UID, ST_NNP, ST_CWD, ST_EXEC, ST_SUPERVISOR
};

struct rl { int resource; rlim_t soft, hard; };

struct config {
  const char *dir, *file, *cwd, *kill_file, *freezer, *self_procs, *into, *log_dir[2];
  const char *argv[MAX_LIST + 1], *envp[MAX_LIST + 1], *join[16];
  int argc, envc, njoin, nrl, nice_set, nice, cpus_set, nnp, umask_set;
  long uid, gid;
  unsigned long long seg_bytes;
  int keep;
  struct rl rl[8];
  cpu_set_t cpus;
  mode_t umask;
};

struct stream {
  int fd, eof, seg_fd, nstarts, splice_ok;
  const char *dir;
  unsigned long long total, seg_len, lost, starts[MAX_KEEP + 1];
  long long failed_at;
};

static struct config cfg;
static struct stream streams[2];

static long long now_ms(void) {
  struct timespec t;
  clock_gettime(CLOCK_REALTIME, &t);
  return (long long)t.tv_sec * 1000 + t.tv_nsec / 1000000;
}

static void sleep_ms(long ms) {
  struct timespec t = {ms / 1000, (ms % 1000) * 1000000L};
  while (nanosleep(&t, &t) < 0 && errno == EINTR) {
  }
}

static void die_config(const char *what) {
  printf("err config %d %s\n", EINVAL, what);
  fflush(stdout);
  _exit(2);
}

static int write_all(int fd, const void *buf, size_t len) {
  const char *p = buf;
  while (len > 0) {
    ssize_t n = write(fd, p, len);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) return -1;
    p += n;
    len -= (size_t)n;
  }
  return 0;
}

static int write_file(const char *path, const char *text) {
  int fd = open(path, O_WRONLY | O_CLOEXEC);
  if (fd < 0) return -1;
  int rc = write_all(fd, text, strlen(text));
  int e = errno;
  close(fd);
  errno = e;
  return rc;
}

/* Reads a small file (cgroup.procs, freezer.state, /proc/pid/stat) into buf; returns its length or -1. */
static ssize_t read_small(const char *path, char *buf, size_t cap) {
  int fd = open(path, O_RDONLY | O_CLOEXEC);
  if (fd < 0) return -1;
  size_t len = 0;
  for (;;) {
    ssize_t n = read(fd, buf + len, cap - 1 - len);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) break;
    len += (size_t)n;
    if (len >= cap - 1) break;
  }
  close(fd);
  buf[len] = 0;
  return (ssize_t)len;
}

static unsigned long long parse_u64(const char *s, const char *what) {
  char *end;
  errno = 0;
  unsigned long long v = strtoull(s, &end, 10);
  if (errno || *s == 0 || *end != 0) die_config(what);
  return v;
}

static int rlimit_by_name(const char *name) {
  if (!strcmp(name, "NPROC")) return RLIMIT_NPROC;
  if (!strcmp(name, "NOFILE")) return RLIMIT_NOFILE;
  if (!strcmp(name, "CORE")) return RLIMIT_CORE;
  if (!strcmp(name, "DATA")) return RLIMIT_DATA;
  if (!strcmp(name, "FSIZE")) return RLIMIT_FSIZE;
  die_config("rlimit");
  return -1;
}

/* Parses `NAME:soft:hard` (soft/hard: a number or `unlimited`). */
static void parse_rlimit(char *v) {
  if (cfg.nrl >= 8) die_config("rlimit count");
  char *a = strtok(v, ":"), *b = strtok(NULL, ":"), *c = strtok(NULL, ":");
  if (!a || !b || !c) die_config("rlimit");
  struct rl *r = &cfg.rl[cfg.nrl++];
  r->resource = rlimit_by_name(a);
  r->soft = strcmp(b, "unlimited") ? (rlim_t)parse_u64(b, "rlimit") : RLIM_INFINITY;
  r->hard = strcmp(c, "unlimited") ? (rlim_t)parse_u64(c, "rlimit") : RLIM_INFINITY;
}

static void parse_cpus(char *v) {
  CPU_ZERO(&cfg.cpus);
  for (char *tok = strtok(v, ","); tok; tok = strtok(NULL, ",")) {
    unsigned long long c = parse_u64(tok, "cpus");
    if (c >= CPU_SETSIZE) die_config("cpus");
    CPU_SET((int)c, &cfg.cpus);
  }
  cfg.cpus_set = 1;
}

/* Reads all of stdin: a sequence of `key\0value\0` records. Unknown keys are refused. */
static void parse_config(void) {
  char *buf = malloc(MAX_CONFIG + 1);
  if (!buf) die_config("memory");
  size_t len = 0;
  for (;;) {
    ssize_t n = read(0, buf + len, MAX_CONFIG - len);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) die_config("read");
    if (n == 0) break;
    len += (size_t)n;
    if (len == MAX_CONFIG) die_config("too large");
  }
  buf[len] = 0;
  cfg.uid = cfg.gid = -1;
  size_t i = 0;
  while (i < len) {
    char *key = buf + i;
    i += strlen(key) + 1;
    if (i >= len) die_config("truncated record");
    char *val = buf + i;
    i += strlen(val) + 1;
    if (!strcmp(key, "dir")) cfg.dir = val;
    else if (!strcmp(key, "file")) cfg.file = val;
    else if (!strcmp(key, "arg")) {
      if (cfg.argc >= MAX_LIST) die_config("too many args");
      cfg.argv[cfg.argc++] = val;
    } else if (!strcmp(key, "env")) {
      if (cfg.envc >= MAX_LIST) die_config("too many env");
      cfg.envp[cfg.envc++] = val;
    } else if (!strcmp(key, "cwd")) cfg.cwd = val;
    else if (!strcmp(key, "uid")) cfg.uid = (long)parse_u64(val, "uid");
    else if (!strcmp(key, "gid")) cfg.gid = (long)parse_u64(val, "gid");
    else if (!strcmp(key, "nnp")) cfg.nnp = 1;
    else if (!strcmp(key, "join")) {
      if (cfg.njoin >= 16) die_config("too many cgroups");
      cfg.join[cfg.njoin++] = val;
    } else if (!strcmp(key, "into")) cfg.into = val;
    else if (!strcmp(key, "kill")) cfg.kill_file = val;
    else if (!strcmp(key, "freezer")) cfg.freezer = val;
    else if (!strcmp(key, "self")) cfg.self_procs = val;
    else if (!strcmp(key, "stdout")) cfg.log_dir[0] = val;
    else if (!strcmp(key, "stderr")) cfg.log_dir[1] = val;
    else if (!strcmp(key, "segbytes")) cfg.seg_bytes = parse_u64(val, "segbytes");
    else if (!strcmp(key, "keep")) cfg.keep = (int)parse_u64(val, "keep");
    else if (!strcmp(key, "rlimit")) parse_rlimit(val);
    else if (!strcmp(key, "nice")) {
      cfg.nice = atoi(val);
      cfg.nice_set = 1;
    } else if (!strcmp(key, "cpus")) parse_cpus(val);
    else if (!strcmp(key, "umask")) {
      cfg.umask = (mode_t)strtoul(val, NULL, 8);
      cfg.umask_set = 1;
    } else die_config(key);
  }
  if (!cfg.dir || !cfg.file || cfg.argc == 0 || !cfg.log_dir[0] || !cfg.log_dir[1]) die_config("missing key");
  if (cfg.seg_bytes < 4096 || cfg.keep < 1 || cfg.keep > MAX_KEEP) die_config("log sizes");
}

/* ── output: rotated segments ─────────────────────────────────────────────────────────────── */

static int segment_open(struct stream *s) {
  char path[PATH_MAX];
  snprintf(path, sizeof path, "%s/%020llu.log", s->dir, s->total);
  s->seg_fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0640);
  if (s->seg_fd < 0) return -1;
  s->seg_len = 0;
  if (s->nstarts == 0 || s->starts[s->nstarts - 1] != s->total) s->starts[s->nstarts++] = s->total;
  while (s->nstarts > cfg.keep) {
    snprintf(path, sizeof path, "%s/%020llu.log", s->dir, s->starts[0]);
    unlink(path);
    memmove(s->starts, s->starts + 1, sizeof s->starts[0] * (size_t)(--s->nstarts));
  }
  return 0;
}

/* Moves what the pipe holds into the current segment (splice when the kernel allows, else read+write).
 * Offsets count every byte received; bytes the disk refused (ENOSPC, EIO) are counted as lost and leave
 * a gap between two segments, so what was stored keeps its exact offset. The pipe is always drained:
 * a full disk never blocks the session. */
static void pump(struct stream *s) {
  static char buf[65536];
  size_t budget = 8u << 20; /* be fair to the other stream and to SIGCHLD */
  while (!s->eof && budget > 0) {
    if (s->seg_fd >= 0 && s->seg_len >= cfg.seg_bytes) {
      close(s->seg_fd);
      s->seg_fd = -1;
    }
    if (s->seg_fd < 0 && now_ms() - s->failed_at >= 1000 && segment_open(s) < 0) {
      fprintf(stderr, "omega-shim: cannot open a segment in %s: %s\n", s->dir, strerror(errno));
      s->failed_at = now_ms();
    }
    size_t want = s->seg_fd >= 0 ? (size_t)(cfg.seg_bytes - s->seg_len) : sizeof buf;
    if (want > (1u << 20)) want = 1u << 20;
    ssize_t n;
    int stored = s->seg_fd >= 0;
    if (stored && s->splice_ok) {
      n = splice(s->fd, NULL, s->seg_fd, NULL, want, SPLICE_F_MOVE | SPLICE_F_NONBLOCK);
      if (n < 0 && errno == EINVAL) {
        s->splice_ok = 0;
        continue;
      }
      if (n < 0 && errno != EAGAIN && errno != EINTR) {
        fprintf(stderr, "omega-shim: log write failed in %s: %s\n", s->dir, strerror(errno));
        close(s->seg_fd);
        s->seg_fd = -1;
        s->failed_at = now_ms();
        continue;
      }
    } else {
      n = read(s->fd, buf, want < sizeof buf ? want : sizeof buf);
      if (n > 0 && stored && write_all(s->seg_fd, buf, (size_t)n) < 0) {
        fprintf(stderr, "omega-shim: log write failed in %s: %s\n", s->dir, strerror(errno));
        close(s->seg_fd);
        s->seg_fd = -1;
        s->failed_at = now_ms();
        stored = 0;
      }
    }
    if (n == 0) {
      s->eof = 1;
      break;
    }
    if (n < 0) {
      if (errno == EINTR) continue;
      break; /* EAGAIN: the pipe is empty for now */
    }
    s->total += (unsigned long long)n;
    if (stored) s->seg_len += (unsigned long long)n;
    else s->lost += (unsigned long long)n;
    budget -= (size_t)n < budget ? (size_t)n : budget;
  }
}

/* ── the session's processes ──────────────────────────────────────────────────────────────── */

static int procs_empty(void) {
  static char buf[1 << 16];
  for (int i = 0; i < cfg.njoin; i++) {
    if (read_small(cfg.join[i], buf, sizeof buf) < 0) continue; /* removed: nothing left in it */
    for (char *p = buf; *p; p++)
      if (*p >= '0' && *p <= '9') return 0;
  }
  return 1;
}

static void kill_listed(const char *path) {
  static char buf[1 << 20];
  if (read_small(path, buf, sizeof buf) < 0) return;
  for (char *tok = strtok(buf, "\n"); tok; tok = strtok(NULL, "\n")) {
    long pid = strtol(tok, NULL, 10);
    if (pid > 1 && pid != getpid()) kill((pid_t)pid, SIGKILL);
  }
}

/* Collects the pids whose parent chain leads to us (no cgroup: the tree is all we can see). */
static int descendants(pid_t *out, int cap) {
  static pid_t pids[1 << 16], ppids[1 << 16];
  int n = 0, found = 0;
  DIR *d = opendir("/proc");
  if (!d) return 0;
  struct dirent *e;
  char path[300], buf[1024];
  while ((e = readdir(d)) && n < (1 << 16)) {
    if (e->d_name[0] < '1' || e->d_name[0] > '9') continue;
    snprintf(path, sizeof path, "/proc/%s/stat", e->d_name);
    if (read_small(path, buf, sizeof buf) <= 0) continue;
    char *rp = strrchr(buf, ')');
    if (!rp) continue;
    pids[n] = (pid_t)atoi(e->d_name);
    ppids[n] = (pid_t)atoi(rp + 4); /* ") S <ppid>" */
    n++;
  }
  closedir(d);
  out[found++] = getpid();
  for (int head = 0; head < found; head++)
    for (int i = 0; i < n && found < cap; i++)
      if (ppids[i] == out[head]) out[found++] = pids[i];
  memmove(out, out + 1, sizeof *out * (size_t)(found - 1)); /* drop ourselves */
  return found - 1;
}

static pid_t tree[1 << 16];

static int session_empty(void) {
  if (cfg.njoin > 0) return procs_empty();
  return descendants(tree, 1 << 16) == 0;
}

/* Kills everything left in the session. Idempotent; called until the session is empty. */
static void kill_rest(void) {
  if (cfg.kill_file && write_file(cfg.kill_file, "1") == 0) return;
  if (cfg.njoin > 0) {
    char st[64];
    if (cfg.freezer && write_file(cfg.freezer, "FROZEN") == 0)
      for (int i = 0; i < 500; i++) { /* SIGKILL does not land while frozen: freeze, kill, thaw */
        if (read_small(cfg.freezer, st, sizeof st) > 0 && !strncmp(st, "FROZEN", 6)) break;
        sleep_ms(1);
      }
    for (int i = 0; i < cfg.njoin; i++) kill_listed(cfg.join[i]);
    if (cfg.freezer) write_file(cfg.freezer, "THAWED");
    return;
  }
  int n = descendants(tree, 1 << 16);
  for (int i = 0; i < n; i++) kill(tree[i], SIGKILL);
}

/* ── the main process ─────────────────────────────────────────────────────────────────────── */

struct failure { int stage, err; };

static void fail(int fd, int stage) {
  struct failure f = {stage, errno};
  write_all(fd, &f, sizeof f);
  _exit(127);
}

static void close_range_or_loop(unsigned lo, unsigned hi) {
  if (lo > hi || syscall(SYS_close_range, lo, hi, 0) == 0) return;
  for (unsigned fd = lo; fd <= hi && fd < 65536; fd++) close((int)fd);
}

/* Closes every descriptor from `low` up, except `keep` (the close-on-exec error pipe). */
static void close_from(int low, int keep) {
  if (keep > low) close_range_or_loop((unsigned)low, (unsigned)keep - 1);
  close_range_or_loop((unsigned)keep + 1, ~0U);
}

/* Set when the main process was born in its cgroup2 cgroup (clone3 CLONE_INTO_CGROUP): no migration. */
static int born_inside;

static int is_into_procs(const char *path) {
  size_t n = cfg.into ? strlen(cfg.into) : 0;
  return n > 0 && !strncmp(path, cfg.into, n) && !strcmp(path + n, "/cgroup.procs");
}

static void child(int out, int err, int errfd) {
  for (int s = 1; s < NSIG; s++) signal(s, SIG_DFL);
  sigset_t none;
  sigemptyset(&none);
  sigprocmask(SIG_SETMASK, &none, NULL);
  char pid[32];
  snprintf(pid, sizeof pid, "%d\n", getpid());
  for (int i = 0; i < cfg.njoin; i++) /* enter first: nothing below runs outside the session */
    if (!(born_inside && is_into_procs(cfg.join[i])) && write_file(cfg.join[i], pid) < 0) fail(errfd, ST_CGROUP);
  if (setsid() < 0) fail(errfd, ST_SETSID);
  int null = open("/dev/null", O_RDONLY);
  if (null < 0 || dup2(null, 0) < 0 || dup2(out, 1) < 0 || dup2(err, 2) < 0) fail(errfd, ST_STDIO);
  if (errfd < 3) fail(errfd, ST_STDIO);
  close_from(3, errfd);
  for (int i = 0; i < cfg.nrl; i++) {
    struct rlimit r = {cfg.rl[i].soft, cfg.rl[i].hard};
    if (setrlimit(cfg.rl[i].resource, &r) < 0) fail(errfd, ST_RLIMIT);
  }
  if (cfg.nice_set && setpriority(PRIO_PROCESS, 0, cfg.nice) < 0) fail(errfd, ST_NICE);
  if (cfg.cpus_set && sched_setaffinity(0, sizeof cfg.cpus, &cfg.cpus) < 0) fail(errfd, ST_AFFINITY);
  if (cfg.umask_set) umask(cfg.umask);
  if (cfg.gid >= 0) {
    if (setgroups(0, NULL) < 0) fail(errfd, ST_GROUPS);
    if (setresgid((gid_t)cfg.gid, (gid_t)cfg.gid, (gid_t)cfg.gid) < 0) fail(errfd, ST_GID);
  }
  if (cfg.uid >= 0 && setresuid((uid_t)cfg.uid, (uid_t)cfg.uid, (uid_t)cfg.uid) < 0) fail(errfd, ST_UID);
  if (cfg.nnp && prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0) fail(errfd, ST_NNP);
  if (cfg.cwd && chdir(cfg.cwd) < 0) fail(errfd, ST_CWD); /* as the session's user: its own permissions */
  environ = (char **)cfg.envp;
  execvpe(cfg.file, (char *const *)cfg.argv, (char *const *)cfg.envp);
  fail(errfd, ST_EXEC);
}

/*
 * Forks the main process. With a cgroup2 directory to go into, clone3(CLONE_INTO_CGROUP) creates
 * it there directly (Linux 5.7+): no migration, so no wait on the cgroup threadgroup lock's RCU
 * grace period, which on a busy machine takes from milliseconds to hundreds of them. Older kernels
 * fall back to fork() and the child writes itself into cgroup.procs like the v1 hierarchies.
 */
static pid_t fork_main(void) {
  if (cfg.into) {
    int fd = open(cfg.into, O_PATH | O_DIRECTORY | O_CLOEXEC);
    if (fd >= 0) {
      struct clone_args args;
      memset(&args, 0, sizeof args);
      args.flags = CLONE_INTO_CGROUP;
      args.exit_signal = SIGCHLD;
      args.cgroup = (unsigned long long)fd;
      born_inside = 1;
      long pid = syscall(SYS_clone3, &args, sizeof args);
      if (pid == 0) return 0;
      born_inside = 0;
      close(fd);
      if (pid > 0) return (pid_t)pid;
      fprintf(stderr, "omega-shim: clone3 into %s failed (%s); forking and migrating\n", cfg.into, strerror(errno));
    }
  }
  return fork();
}

static unsigned long long start_ticks(pid_t pid) {
  char path[64], buf[2048];
  snprintf(path, sizeof path, "/proc/%d/stat", pid);
  if (read_small(path, buf, sizeof buf) <= 0) return 0;
  char *p = strrchr(buf, ')');
  if (!p) return 0;
  for (int field = 2; field < 22 && p; field++) p = strchr(p + 1, ' '); /* field 22: starttime */
  return p ? strtoull(p + 1, NULL, 10) : 0;
}

/* Writes `name` in the session directory atomically (temp file, rename). No fsync: these files
 * matter across an agent restart, not a machine crash (which ends the session anyway), and an
 * fsync costs tens of milliseconds on a busy disk, on the start path. */
static void write_json(const char *name, const char *json) {
  char tmp[PATH_MAX], dst[PATH_MAX];
  snprintf(tmp, sizeof tmp, "%s/.%s.tmp", cfg.dir, name);
  snprintf(dst, sizeof dst, "%s/%s", cfg.dir, name);
  int fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
  if (fd < 0 || write_all(fd, json, strlen(json)) < 0 || close(fd) < 0 || rename(tmp, dst) < 0)
    fprintf(stderr, "omega-shim: cannot write %s: %s\n", dst, strerror(errno));
}

static void open_stream(struct stream *s, const char *dir, int fd) {
  s->dir = dir;
  s->fd = fd;
  s->splice_ok = 1;
  s->seg_fd = -1;
  s->failed_at = -1000000;
  fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK);
  fcntl(fd, F_SETPIPE_SZ, 1 << 20); /* fewer wake-ups at high output rates; best effort */
  if (segment_open(s) < 0) {
    fprintf(stderr, "omega-shim: cannot open a segment in %s: %s\n", dir, strerror(errno));
    s->failed_at = now_ms();
  }
}

static void supervise(int report) {
  char msg[512];
  setsid();
  int null = open("/dev/null", O_RDWR);
  dup2(null, 0);
  dup2(null, 1);
  snprintf(msg, sizeof msg, "%s/supervisor.log", cfg.dir);
  int log = open(msg, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0600);
  if (log >= 0) dup2(log, 2);
  prctl(PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0);
  prctl(PR_SET_NAME, "omega-shim", 0, 0, 0);
  if (cfg.self_procs) {
    snprintf(msg, sizeof msg, "%d\n", getpid());
    if (write_file(cfg.self_procs, msg) < 0) fprintf(stderr, "omega-shim: cannot join %s: %s\n", cfg.self_procs, strerror(errno));
  }
  int ignored[] = {SIGPIPE, SIGHUP, SIGINT, SIGTERM, SIGQUIT, SIGTSTP, SIGTTIN, SIGTTOU, SIGUSR1, SIGUSR2};
  for (size_t i = 0; i < sizeof ignored / sizeof *ignored; i++) signal(ignored[i], SIG_IGN);
  sigset_t chld;
  sigemptyset(&chld);
  sigaddset(&chld, SIGCHLD);
  sigprocmask(SIG_BLOCK, &chld, NULL);
  int sfd = signalfd(-1, &chld, SFD_CLOEXEC | SFD_NONBLOCK);
  int out[2], err[2], errp[2];
  if (pipe2(out, O_CLOEXEC) < 0 || pipe2(err, O_CLOEXEC) < 0 || pipe2(errp, O_CLOEXEC) < 0 || sfd < 0) {
    snprintf(msg, sizeof msg, "err %d %d\n", ST_SUPERVISOR, errno);
    write_all(report, msg, strlen(msg));
    _exit(1);
  }
  open_stream(&streams[0], cfg.log_dir[0], out[0]);
  open_stream(&streams[1], cfg.log_dir[1], err[0]);
  long long started = now_ms();
  pid_t main_pid = fork_main();
  if (main_pid == 0) child(out[1], err[1], errp[1]);
  if (main_pid < 0) {
    snprintf(msg, sizeof msg, "err %d %d\n", ST_SUPERVISOR, errno);
    write_all(report, msg, strlen(msg));
    _exit(1);
  }
  close(out[1]);
  close(err[1]);
  close(errp[1]);
  struct failure f;
  ssize_t got;
  while ((got = read(errp[0], &f, sizeof f)) < 0 && errno == EINTR) {
  }
  close(errp[0]);
  if (got == (ssize_t)sizeof f) {
    int st;
    while (waitpid(main_pid, &st, 0) < 0 && errno == EINTR) {
    }
    snprintf(msg, sizeof msg,
             "{\"version\":1,\"mainPid\":%d,\"status\":\"start-failed\",\"stage\":%d,\"errno\":%d,"
             "\"startedAtMs\":%lld,\"endedAtMs\":%lld,\"cleanup\":\"empty\"}\n",
             main_pid, f.stage, f.err, started, now_ms());
    write_json("exit.json", msg);
    snprintf(msg, sizeof msg, "err %d %d\n", f.stage, f.err);
    write_all(report, msg, strlen(msg));
    _exit(0);
  }
  snprintf(msg, sizeof msg,
           "{\"version\":1,\"shimPid\":%d,\"shimStartTicks\":%llu,\"mainPid\":%d,\"mainStartTicks\":%llu,"
           "\"startedAtMs\":%lld}\n",
           getpid(), start_ticks(getpid()), main_pid, start_ticks(main_pid), started);
  write_json("supervisor.json", msg);
  snprintf(msg, sizeof msg, "ok %d %d\n", main_pid, getpid());
  write_all(report, msg, strlen(msg));
  close(report);

  int main_done = 0, status = 0, not_empty = 0;
  long long main_exited = 0, last_kill = 0;
  struct rusage ru;
  memset(&ru, 0, sizeof ru);
  for (;;) {
    struct pollfd p[3] = {{sfd, POLLIN, 0}, {streams[0].fd, POLLIN, 0}, {streams[1].fd, POLLIN, 0}};
    if (streams[0].eof) p[1].fd = -1;
    if (streams[1].eof) p[2].fd = -1;
    if (poll(p, 3, main_done ? 20 : -1) < 0 && errno != EINTR) sleep_ms(10);
    for (int i = 0; i < 2; i++)
      if (!streams[i].eof && (p[i + 1].revents & (POLLIN | POLLHUP | POLLERR))) pump(&streams[i]);
    struct signalfd_siginfo si;
    while (read(sfd, &si, sizeof si) > 0) {
    }
    for (;;) { /* reap everything: the main process and every orphan handed to us as subreaper */
      int st;
      struct rusage r;
      pid_t pid = wait4(-1, &st, WNOHANG, &r);
      if (pid <= 0) break;
      if (pid == main_pid) {
        main_done = 1;
        status = st;
        ru = r;
        main_exited = now_ms();
      }
    }
    if (!main_done) continue;
    if (!session_empty()) {
      long long t = now_ms();
      if (t - last_kill >= 20) {
        kill_rest();
        last_kill = t;
      }
      if (t - main_exited > CLEANUP_GIVE_UP_MS) {
        not_empty = 1;
        break;
      }
      continue;
    }
    if (streams[0].eof && streams[1].eof) break;
    if (now_ms() - main_exited > CLEANUP_GIVE_UP_MS) break; /* a writer outside the session: give up on EOF */
  }
  for (int i = 0; i < 2; i++) {
    if (!streams[i].eof) pump(&streams[i]);
    if (streams[i].seg_fd >= 0) close(streams[i].seg_fd);
  }
  char json[1024];
  snprintf(json, sizeof json,
           "{\"version\":1,\"mainPid\":%d,\"status\":\"%s\",\"code\":%d,\"signal\":%d,\"core\":%s,"
           "\"startedAtMs\":%lld,\"mainExitedAtMs\":%lld,\"endedAtMs\":%lld,\"userSec\":%ld.%06ld,"
           "\"systemSec\":%ld.%06ld,\"maxRssKiB\":%ld,\"cleanup\":\"%s\",\"stdoutBytes\":%llu,"
           "\"stderrBytes\":%llu,\"stdoutLost\":%llu,\"stderrLost\":%llu}\n",
           main_pid, WIFSIGNALED(status) ? "signaled" : "exited", WIFEXITED(status) ? WEXITSTATUS(status) : -1,
           WIFSIGNALED(status) ? WTERMSIG(status) : 0, WIFSIGNALED(status) && WCOREDUMP(status) ? "true" : "false",
           started, main_exited, now_ms(), (long)ru.ru_utime.tv_sec, (long)ru.ru_utime.tv_usec,
           (long)ru.ru_stime.tv_sec, (long)ru.ru_stime.tv_usec, ru.ru_maxrss, not_empty ? "not-empty" : "empty",
           streams[0].total, streams[1].total, streams[0].lost, streams[1].lost);
  write_json("exit.json", json);
  _exit(0);
}

int main(void) {
  parse_config();
  int rep[2];
  if (pipe2(rep, O_CLOEXEC) < 0) {
    printf("err %d %d\n", ST_SUPERVISOR, errno);
    return 1;
  }
  pid_t pid = fork();
  if (pid < 0) {
    printf("err %d %d\n", ST_SUPERVISOR, errno);
    return 1;
  }
  if (pid == 0) {
    close(rep[0]);
    supervise(rep[1]);
  }
  /* the launcher: relay the supervisor's one-line report, then leave it to run on its own */
  close(rep[1]);
  char line[256];
  size_t len = 0;
  for (;;) {
    ssize_t n = read(rep[0], line + len, sizeof line - 1 - len);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) break;
    len += (size_t)n;
    if (memchr(line, '\n', len) || len == sizeof line - 1) break;
  }
  if (len == 0) {
    printf("err %d %d\n", ST_SUPERVISOR, EPIPE);
    return 1;
  }
  return write_all(1, line, len) == 0 ? 0 : 1;
}
