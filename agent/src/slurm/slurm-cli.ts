import { classifySlurmFailure, type SlurmOperation } from './classify-slurm-failure.js';
import { type CommandOptions, type CommandResult, runSlurmCommand } from './run-slurm-command.js';
import { slurmError } from './slurm-error.js';

/** Runs Slurm client commands and turns a failed one into a coded error. */
export interface SlurmCli {
  /** Runs `name args…`; resolves with stdout when it exits 0, else rejects with a coded error. */
  run(
    op: SlurmOperation,
    name: string,
    args: readonly string[],
    io?: { input?: string; fd3?: Buffer },
  ): Promise<string>;
  /** Same, but hands back the raw result whatever the exit status. */
  raw(name: string, args: readonly string[], io?: { input?: string; fd3?: Buffer }): Promise<CommandResult>;
}

/** A CLI runner bound to one environment (PATH, SLURM_CONF, …) and timeout. */
export function createSlurmCli(options: CommandOptions): SlurmCli {
  const raw: SlurmCli['raw'] = (name, args, io) => runSlurmCommand(name, args, options, io);
  return {
    raw,
    async run(op, name, args, io) {
      const r = await raw(name, args, io);
      if (r.code === 0) return r.stdout;
      const line = firstErrorLine(r.stderr) || `exit status ${r.code ?? r.signal}`;
      const code = classifySlurmFailure(op, line);
      throw slurmError(code, `${name}: ${line}`, { command: name, slurmError: line, exitCode: r.code });
    },
  };
}

/** The most telling line of a Slurm command's stderr, without the `sbatch: error: ` prefix. */
export function firstErrorLine(stderr: string): string {
  const lines = stderr
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l !== '');
  const pick = lines.find((l) => /error/i.test(l)) ?? lines[0] ?? '';
  return pick.replace(/^[a-z]+: (error: )?/, '').slice(0, 500);
}
