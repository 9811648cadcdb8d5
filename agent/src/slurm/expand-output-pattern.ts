import { posix } from 'node:path';

/** What Slurm's filename patterns can refer to, for one batch job. */
export interface OutputPatternContext {
  jobId: string;
  user: string;
  name: string;
  /** The batch host (first node), for %N. */
  batchHost: string;
  /** The job's working directory: relative paths are relative to it. */
  cwd: string;
}

const NOT_AN_ARRAY_TASK = '4294967294';

/**
 * Expands a Slurm output filename (`--output`) the way slurmstepd does for a batch job that
 * is not an array: %j %A (job id), %a, %u (user), %x (name), %N (batch host), %% and an
 * optional zero-pad width (`%5j`); a name with a backslash is taken literally. Returns null
 * for patterns that depend on steps or tasks (%J %s %n %t), which a batch job's output
 * cannot be read back from reliably.
 */
export function expandOutputPattern(pattern: string, ctx: OutputPatternContext): string | null {
  let path: string;
  if (pattern.includes('\\')) {
    path = pattern.replaceAll('\\', '');
  } else {
    let unknown = false;
    path = pattern.replace(/%(\d{0,2})([%AajJNnstux])/g, (_m, width: string, letter: string) => {
      const pad = (s: string) => (width === '' ? s : s.padStart(Number(width), '0'));
      switch (letter) {
        case '%':
          return '%';
        case 'j':
        case 'A':
          return pad(ctx.jobId);
        case 'a':
          return pad(NOT_AN_ARRAY_TASK);
        case 'u':
          return ctx.user;
        case 'x':
          return ctx.name;
        case 'N':
          return ctx.batchHost;
        default:
          unknown = true;
          return '';
      }
    });
    if (unknown) return null;
  }
  return posix.isAbsolute(path) ? posix.normalize(path) : posix.join(ctx.cwd || '/', path);
}
