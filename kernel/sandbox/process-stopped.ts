import { readFileSync } from 'node:fs';

/**
 * True when process `pid` is stopped (SIGSTOP, a job-control stop or a debugger: state `T` or
 * `t` in /proc/<pid>/stat); false when it runs, sleeps, is gone, or /proc cannot say.
 */
export function isProcessStopped(pid: number | undefined): boolean {
  if (pid === undefined) return false;
  let text: string;
  try {
    text = readFileSync(`/proc/${pid}/stat`, 'utf8');
  } catch {
    return false;
  }
  // The command name may hold spaces or parentheses: the state follows the last ')'.
  const state = text.charAt(text.lastIndexOf(')') + 2);
  return state === 'T' || state === 't';
}
