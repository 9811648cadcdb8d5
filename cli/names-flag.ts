import { UsageError } from './command.js';
import { LIST_SEPARATOR } from './parse-flags.js';

/**
 * Flag `name` of `values` as a list of names (`--roles ops,viewer`, or `--roles ops --roles viewer`
 * with a `list` flag): each trimmed and given once, in the order given; undefined when the flag
 * was not given. An empty name (`--roles ops,,viewer`, `--roles ,`) is a usage error naming it.
 */
export function namesFlag(values: Readonly<Record<string, unknown>>, name: string): string[] | undefined {
  const v = values[name];
  if (typeof v !== 'string') return undefined;
  const names = v.split(LIST_SEPARATOR).flatMap((part) => part.split(',').map((s) => s.trim()));
  if (names.some((n) => n === ''))
    throw new UsageError(
      `--${name} takes names separated by commas, none empty (got "${v.replaceAll(LIST_SEPARATOR, ',')}")`,
    );
  return [...new Set(names)];
}
