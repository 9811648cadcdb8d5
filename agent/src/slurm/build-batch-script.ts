import type { ValidJobSpec } from './validate-job-spec.js';

/** Quotes one word for a POSIX shell: every byte literal, nothing expanded. */
export function shellQuote(word: string): string {
  return `'${word.replaceAll("'", `'\\''`)}'`;
}

/**
 * The batch script Slurm runs: for a command, `exec` of it with its arguments quoted word by
 * word (no shell interpretation of the caller's strings); for a script, the script with its
 * leading `#SBATCH`/`#SLURM`/`#PBS` directives turned into plain comments, so that the spec alone
 * decides the resources in both modes (slurmrestd never reads directives, sbatch would).
 */
export function buildBatchScript(spec: ValidJobSpec): string {
  if (spec.script === null) {
    const words = [spec.command as string, ...spec.args].map(shellQuote).join(' ');
    return `#!/bin/sh\nexec ${words}\n`;
  }
  const lines = spec.script.split('\n');
  for (let i = 1; i < lines.length; i++) {
    const line = lines[i] as string;
    const trimmed = line.trim();
    if (trimmed !== '' && !trimmed.startsWith('#')) break;
    if (/^#(SBATCH|SLURM|PBS)/.test(line)) lines[i] = `# omega: ignored directive: ${line.slice(1)}`;
  }
  return lines.join('\n');
}
