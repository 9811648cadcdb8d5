import vm from 'node:vm';
import { execError } from '../errors/index.js';

/** Returns the indexes of the lines that match. */
export type LineMatcher = (lines: readonly Buffer[]) => number[];

/** Matches a literal pattern as its UTF-8 bytes. */
export function literalMatcher(pattern: string): LineMatcher {
  const needle = Buffer.from(pattern, 'utf8');
  return (lines) => lines.flatMap((line, i) => (line.includes(needle) ? [i] : []));
}

/**
 * Matches a JavaScript regular expression against each line decoded as latin1 (one character per
 * byte: offsets stay exact, invalid UTF-8 is matched as written). The pattern comes from a caller,
 * so it runs in a vm context under a deadline per batch of lines: a catastrophic pattern such as
 * `(a+)+$` fails with OMEGA_ERR_EXEC_INVALID instead of hanging the agent.
 */
export function regexMatcher(pattern: string, timeoutMs = 2_000): LineMatcher {
  let source: string;
  try {
    source = new RegExp(Buffer.from(pattern, 'utf8').toString('latin1')).source;
  } catch (err) {
    throw execError('OMEGA_ERR_EXEC_INVALID', `Invalid regular expression: ${(err as Error).message}`, {
      field: 'pattern',
    });
  }
  const context = vm.createContext({ lines: [] as string[] });
  vm.runInContext(`re = new RegExp(${JSON.stringify(source)})`, context);
  const script = new vm.Script(
    '{ const L = lines, R = re, out = []; for (let i = 0; i < L.length; i++) if (R.test(L[i])) out.push(i); out; }',
  );
  return (lines) => {
    context.lines = lines.map((l) => l.toString('latin1'));
    try {
      return [...(script.runInContext(context, { timeout: timeoutMs }) as number[])];
    } catch (err) {
      if ((err as { code?: string }).code !== 'ERR_SCRIPT_EXECUTION_TIMEOUT') throw err;
      throw execError(
        'OMEGA_ERR_EXEC_INVALID',
        `The regular expression took more than ${timeoutMs} ms on one block of lines; simplify it (nested quantifiers backtrack catastrophically).`,
        {
          field: 'pattern',
        },
      );
    } finally {
      context.lines = [];
    }
  };
}
