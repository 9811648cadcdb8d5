import { terminalSafe } from './terminal-safe.js';

/** Writes a result as JSON (`--json`) or as the human text (control characters made visible). */
export function output(json: boolean, data: unknown, human: () => string): void {
  process.stdout.write(json ? `${JSON.stringify(data, null, 2)}\n` : `${terminalSafe(human())}\n`);
}
