/**
 * `omega login`'s refusal of an empty password. The flag is asked first: with --password-stdin the
 * password was read from stdin even at a terminal, so "pipe it with --password-stdin" is no advice.
 */
export function noPasswordText(passwordStdin: boolean, stdinIsTTY: boolean): string {
  if (passwordStdin) return 'no password given: --password-stdin read an empty stdin; pipe the password in';
  return stdinIsTTY
    ? 'no password given (type it at the prompt, or pipe it with --password-stdin)'
    : 'no password given: stdin is not a terminal (so no prompt) and was empty; pipe the password in with --password-stdin';
}
