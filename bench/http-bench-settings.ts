/** The fixed-rate targets beyond the baselines (bare node:http, its twin and hono always run). */
export const PACED_TARGET_KEYS = ['ref', 'health', 'open', 'auth', 'before-open', 'before-auth'] as const;
/** One of {@link PACED_TARGET_KEYS}. */
export type PacedTargetKey = (typeof PACED_TARGET_KEYS)[number];

/** What one run of bench/http.bench.ts measures, from its OMEGA_BENCH_* environment. */
export interface HttpBenchSettings {
  /** wrk seconds per target and round (OMEGA_BENCH_SECONDS, default 5). */
  seconds: number;
  /** wrk rounds (OMEGA_BENCH_ROUNDS, default 3). */
  rounds: number;
  /** Whether the wrk throughput part runs, and the idle-memory part after it (OMEGA_BENCH_PARTS: `all`, the default, or `fixed-rate`). */
  throughput: boolean;
  /** Fixed-rate seconds per row (OMEGA_BENCH_PACED_SECONDS, default 10). */
  pacedSeconds: number;
  /** Fixed-rate rounds (OMEGA_BENCH_PACED_ROUNDS, default 3). */
  pacedRounds: number;
  /** The fixed-rate targets beyond the baselines (OMEGA_BENCH_PACED_TARGETS, comma-separated keys; default all). */
  pacedTargets: ReadonlySet<PacedTargetKey>;
  /** Fixed-rate rows at normal priority (OMEGA_BENCH_PACED_MODES has `normal`; default `normal,isolated`). */
  normal: boolean;
  /** Fixed-rate rows isolated under SCHED_FIFO, where the machine allows it (OMEGA_BENCH_PACED_MODES has `isolated`). */
  isolated: boolean;
  /**
   * Isolated plugin-route rows once more with the plugin hosts' RT budget split equally among all
   * of them, as before it went to the serving host only (OMEGA_BENCH_RT_SPLIT=1): the two side by side.
   */
  rtSplit: boolean;
}

const count = (env: NodeJS.ProcessEnv, name: string, fallback: number): number => {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  const n = Number(raw);
  if (!Number.isFinite(n) || n <= 0) throw new Error(`${name}=${raw}: expected a positive number`);
  return n;
};
const list = <T extends string>(
  env: NodeJS.ProcessEnv,
  name: string,
  allowed: readonly T[],
): T[] | undefined => {
  const raw = env[name];
  if (raw === undefined || raw.trim() === '') return undefined;
  const items = raw.split(',').map((x) => x.trim());
  const bad = items.filter((x) => !(allowed as readonly string[]).includes(x));
  if (bad.length) throw new Error(`${name}: unknown ${bad.join(', ')} (known: ${allowed.join(', ')})`);
  return items as T[];
};

/**
 * Reads http.bench.ts's settings from `env`; throws on a value it does not know (a typo would
 * otherwise run the 15-minute default). Rounds must be whole.
 */
export function httpBenchSettings(env: NodeJS.ProcessEnv): HttpBenchSettings {
  const rounds = count(env, 'OMEGA_BENCH_ROUNDS', 3);
  const pacedRounds = count(env, 'OMEGA_BENCH_PACED_ROUNDS', 3);
  for (const [name, n] of [
    ['OMEGA_BENCH_ROUNDS', rounds],
    ['OMEGA_BENCH_PACED_ROUNDS', pacedRounds],
  ] as const)
    if (!Number.isInteger(n)) throw new Error(`${name}=${n}: expected a whole number of rounds`);
  const parts = list(env, 'OMEGA_BENCH_PARTS', ['all', 'fixed-rate'] as const)?.[0] ?? 'all';
  const modes = list(env, 'OMEGA_BENCH_PACED_MODES', ['normal', 'isolated'] as const) ?? [
    'normal',
    'isolated',
  ];
  return {
    seconds: count(env, 'OMEGA_BENCH_SECONDS', 5),
    rounds,
    throughput: parts === 'all',
    pacedSeconds: count(env, 'OMEGA_BENCH_PACED_SECONDS', 10),
    pacedRounds,
    pacedTargets: new Set(list(env, 'OMEGA_BENCH_PACED_TARGETS', PACED_TARGET_KEYS) ?? PACED_TARGET_KEYS),
    normal: modes.includes('normal'),
    isolated: modes.includes('isolated'),
    rtSplit: env.OMEGA_BENCH_RT_SPLIT === '1',
  };
}
