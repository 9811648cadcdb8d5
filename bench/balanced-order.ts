/**
 * Orders of n bench cases, round by round, balanced for place and carry-over (a Williams design):
 * over one cycle each case runs in each place of a round equally often and right after each other
 * case equally often, so neither the machine's load drifting over a round nor what the case before
 * left behind (a warm cache, a GC, sockets closing) falls on one case more than on another.
 * "Every other round in reverse" balances place only: each case keeps its neighbours, which gave
 * auth.bench's identical twin a steady 1.05–1.12 bias (issue #13).
 */

/**
 * The Williams design for `n` cases: rows of case indices, one row per round. For even n the
 * standard square (first row 0, 1, n−1, 2, n−2, …, each next row adding 1 mod n); for odd n that
 * square followed by its rows reversed, so the design repeats every 2n rounds.
 */
export const williamsDesign = (n: number): number[][] => {
  if (!Number.isInteger(n) || n < 1) throw new Error(`williamsDesign: ${n} cases`);
  const first = Array.from({ length: n }, (_, i) => (i % 2 === 0 ? (n - i / 2) % n : (i + 1) / 2));
  const square = first.map((_, r) => first.map((c) => (c + r) % n));
  return n % 2 === 0 || n === 1 ? square : [...square, ...square.map((row) => [...row].reverse())];
};

/** Rounds after which the balanced order repeats for `n` cases: n when even (or 1), 2n when odd. */
export const balanceCycle = (n: number): number => williamsDesign(n).length;

/** `items` in round `round`'s balanced order (`round` counted from 0; the design repeats). */
export const balancedOrder = <T>(items: readonly T[], round: number): T[] => {
  const design = williamsDesign(items.length);
  return design[((round % design.length) + design.length) % design.length]!.map((i) => items[i]!);
};

/**
 * One line saying a run of `rounds` rounds over `n` cases ends part-way through the balanced
 * cycle (its last rounds are balanced for neither place nor carry-over), or undefined when it
 * does not. The run goes on either way.
 */
export const unbalancedRounds = (rounds: number, n: number, what = 'rounds'): string | undefined => {
  const cycle = balanceCycle(n);
  const left = rounds % cycle;
  if (left === 0) return undefined;
  const whole = rounds - left;
  return `warning: ${rounds} ${what} of ${n} cases is not a multiple of the balanced order's cycle (${cycle} rounds): the last ${left} are not balanced for place and carry-over; use ${whole ? `${whole} or ${whole + cycle}` : cycle}`;
};

/**
 * One line saying whether a run of `rounds` rounds over `n` cases covered whole cycles of the
 * balanced order (how many), or the {@link unbalancedRounds} warning when it did not.
 */
export const cycleCoverage = (rounds: number, n: number, what = 'rounds'): string => {
  const warning = unbalancedRounds(rounds, n, what);
  if (warning) return warning;
  const cycles = rounds / balanceCycle(n);
  return `${rounds} ${what} of ${n} cases: ${cycles} whole balanced cycle${cycles === 1 ? '' : 's'} (${balanceCycle(n)} rounds each)`;
};
