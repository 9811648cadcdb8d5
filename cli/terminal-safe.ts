/** C0 controls but tab and newline, DEL, and the C1 controls (a lone 0x9b is a CSI too). */
// biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are what it matches
const CONTROL = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f]/g;

/**
 * `text` as it may reach a terminal: every control character but tab and newline shown as a
 * visible `\xNN` instead of being obeyed. What the CLI prints comes from the kernel, and much of
 * it from agents (a node's leave reason, a session's end, a Slurm reason): a hostile agent's
 * `ESC ] 52 ; c ; …` would otherwise write the operator's clipboard, `ESC [ 2 K` rewrite the
 * line above. `--json` output needs none of this (JSON escapes them), and `sessions logs`
 * prints a session's bytes exactly, on purpose.
 */
export function terminalSafe(text: string): string {
  return text.replace(CONTROL, (c) => `\\x${c.charCodeAt(0).toString(16).padStart(2, '0')}`);
}

/** `text` for one cell of a one-line-per-item listing: a newline, return or tab shown as `\n`, `\r`, `\t`, so it cannot start a line of its own. */
export function inline(text: string): string {
  return text.replace(/[\n\r\t]/g, (c) => (c === '\n' ? '\\n' : c === '\r' ? '\\r' : '\\t'));
}
