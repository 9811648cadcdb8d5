import type { CliOption } from '../../command.js';

/** The flags of `omega sessions`, each saying which action takes it (the order `--help` lists them in). */
export const sessionsOptions: Record<string, CliOption> = {
  'data-dir': { type: 'string', description: 'Where to find admin-token (default ./data)' },
  json: { type: 'boolean', description: 'Print JSON (logs, run -f: one JSON line per window)' },
  cores: {
    for: ['run', 'quota set'],
    type: 'string',
    description: 'run: whole cores (pinned) or a fraction (a share); quota set: cores',
  },
  millicores: { for: ['run'], type: 'string', description: 'run: a CPU share in thousandths of a core' },
  memory: {
    for: ['run', 'quota set'],
    type: 'string',
    description: 'run: memory limit, e.g. 512M, 2G; quota set: memory',
  },
  gpus: { for: ['run', 'quota set'], type: 'string', description: 'run: GPUs by count; quota set: GPUs' },
  'gpu-model': {
    for: ['run'],
    type: 'string',
    description: 'run: the GPU model the GPUs must be (substring)',
  },
  pids: { for: ['run'], type: 'string', description: 'run: a limit on the number of tasks' },
  disk: { for: ['run'], type: 'string', description: 'run: a quota on its own working directory, e.g. 10G' },
  'node-selector': {
    for: ['run'],
    type: 'string',
    list: true,
    description: 'run: node labels, e.g. rack=a,gpu,!spot,zone!=b (or one term a flag, repeated)',
  },
  name: { for: ['run'], type: 'string', description: 'run: the session name (default the command)' },
  env: {
    for: ['run'],
    type: 'string',
    list: true,
    description:
      'run: environment, NAME=value,NAME2=value2 or --env NAME=value repeated; a comma in a value: \\,',
  },
  cwd: { for: ['run'], type: 'string', description: 'run: working directory (absolute)' },
  script: { for: ['run'], type: 'string', description: 'run: a shell script instead of a command' },
  priority: {
    for: ['run'],
    type: 'string',
    description: 'run: −1000…1000 (higher starts first when waiting)',
  },
  'time-limit': { for: ['run'], type: 'string', description: 'run: e.g. 90s, 30m, 2h (then timed-out)' },
  spread: {
    for: ['run'],
    type: 'boolean',
    description: 'run: place on the least loaded node (default bin-pack)',
  },
  'best-effort': {
    for: ['run'],
    type: 'boolean',
    description: 'run: accept a node that cannot enforce every limit',
  },
  slurm: { for: ['run'], type: 'boolean', description: 'run: submit to Slurm through a submit-host agent' },
  partition: { for: ['run'], type: 'string', description: 'run: the Slurm partition (implies --slurm)' },
  follow: {
    for: ['logs', 'run'],
    type: 'boolean',
    short: 'f',
    description:
      'logs: follow until the session ends; run: follow its stdout and stderr and exit with its code',
  },
  stream: { for: ['logs'], type: 'string', description: 'logs: stdout (default) or stderr' },
  offset: { for: ['logs'], type: 'string', description: 'logs: start at this byte offset' },
  state: { for: ['list'], type: 'string', description: 'list: states, e.g. running,paused' },
  owner: { for: ['list'], type: 'string', description: "list: a user id (operators see everyone's)" },
  node: { for: ['list'], type: 'string', description: 'list: node id or name' },
  gpu: { for: ['list'], type: 'string', description: 'list: true, false, a GPU index or a model' },
  limit: { for: ['list'], type: 'string', description: 'list: sessions per page (1–500, default 100)' },
  cursor: { for: ['list'], type: 'string', description: 'list: the next page (printed under the list)' },
  reason: { for: ['kill'], type: 'string', description: 'kill: why (recorded with the cancellation)' },
  grace: {
    for: ['kill'],
    type: 'string',
    description: 'kill: time between SIGTERM and killing the tree, e.g. 10s (at most 10m)',
  },
  fresh: {
    for: ['usage'],
    type: 'boolean',
    description: 'usage: ask the node now instead of the newest 1 s sample',
  },
  'max-sessions': { for: ['quota set'], type: 'string', description: 'quota set: concurrent sessions' },
  set: {
    for: ['settings'],
    type: 'string',
    description:
      'settings: change some, e.g. placement=spread,leftLostAfterMs=15m,retentionMs=3d,defaultGraceMs=30s (admins)',
  },
};
