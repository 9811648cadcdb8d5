/**
 * Splits Slurm's `exit_code` (a raw wait status, e.g. 768 = exit 3, 9 = SIGKILL) into an
 * exit code or a signal. Values that are neither (Slurm uses some internally, e.g. for
 * out-of-memory kills) give nulls rather than a made-up number.
 */
export function parseWaitStatus(status: number | null | undefined): {
  exitCode: number | null;
  signal: number | null;
} {
  if (typeof status !== 'number' || !Number.isInteger(status) || status < 0)
    return { exitCode: null, signal: null };
  const low = status & 0x7f;
  if (low === 0) return { exitCode: (status >> 8) & 0xff, signal: null };
  if (low >= 1 && low <= 64) return { exitCode: null, signal: low };
  return { exitCode: null, signal: null };
}
