import type { CliOption } from '../../command.js';

/** The flags of `omega sessions`, each saying which action takes it (the order `--help` lists them in). */
export const sessionsOptions: Record<string, CliOption> = {
  'data-dir': { type: 'string', description: 'Where to find admin-token (default ./data)' },
  json: { type: 'boolean', description: 'Print JSON (logs: one JSON line per window)' },
  cores: {
    type: 'string',
    description: 'run: whole cores (pinned) or a fraction (a share); quota set: cores',
  },
  millicores: { type: 'string', description: 'run: a CPU share in thousandths of a core' },
  memory: { type: 'string', description: 'run: memory limit, e.g. 512M, 2G; quota set: memory' },
  gpus: { type: 'string', description: 'run: GPUs by count; quota set: GPUs' },
  'gpu-model': { type: 'string', description: 'run: the GPU model the GPUs must be (substring)' },
  pids: { type: 'string', description: 'run: a limit on the number of tasks' },
  disk: { type: 'string', description: 'run: a quota on its own working directory, e.g. 10G' },
  'node-selector': {
    type: 'string',
    list: true,
    description: 'run: node labels, e.g. rack=a,gpu,!spot,zone!=b (or one term a flag, repeated)',
  },
  name: { type: 'string', description: 'run: the session name (default the command)' },
  env: {
    type: 'string',
    list: true,
    description:
      'run: environment, NAME=value,NAME2=value2 or --env NAME=value repeated; a comma in a value: \\,',
  },
  cwd: { type: 'string', description: 'run: working directory (absolute)' },
  script: { type: 'string', description: 'run: a shell script instead of a command' },
  priority: { type: 'string', description: 'run: −1000…1000 (higher starts first when waiting)' },
  'time-limit': { type: 'string', description: 'run: e.g. 90s, 30m, 2h (then timed-out)' },
  spread: { type: 'boolean', description: 'run: place on the least loaded node (default bin-pack)' },
  'best-effort': { type: 'boolean', description: 'run: accept a node that cannot enforce every limit' },
  slurm: { type: 'boolean', description: 'run: submit to Slurm through a submit-host agent' },
  partition: { type: 'string', description: 'run: the Slurm partition (implies --slurm)' },
  follow: {
    type: 'boolean',
    short: 'f',
    description: 'logs: follow until the session ends; run: follow its stdout and exit with its code',
  },
  stream: { type: 'string', description: 'logs: stdout (default) or stderr' },
  offset: { type: 'string', description: 'logs: start at this byte offset' },
  state: { type: 'string', description: 'list: states, e.g. running,paused' },
  owner: { type: 'string', description: "list: a user id (operators see everyone's)" },
  node: { type: 'string', description: 'list: node id or name' },
  gpu: { type: 'string', description: 'list: true, false, a GPU index or a model' },
  limit: { type: 'string', description: 'list: sessions per page (1–500, default 100)' },
  cursor: { type: 'string', description: 'list: the next page (printed under the list)' },
  reason: { type: 'string', description: 'kill: why (recorded with the cancellation)' },
  grace: {
    type: 'string',
    description: 'kill: time between SIGTERM and killing the tree, e.g. 10s (at most 10m)',
  },
  fresh: { type: 'boolean', description: 'usage: ask the node now instead of the newest 1 s sample' },
  'max-sessions': { type: 'string', description: 'quota set: concurrent sessions' },
  set: {
    type: 'string',
    description:
      'settings: change some, e.g. placement=spread,leftLostAfterMs=15m,retentionMs=3d,defaultGraceMs=30s (admins)',
  },
};
