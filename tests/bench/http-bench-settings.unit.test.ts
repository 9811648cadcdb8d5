import { describe, expect, it } from 'vitest';
import { httpBenchSettings, PACED_TARGET_KEYS } from '../../bench/http-bench-settings.js';

describe('httpBenchSettings (http.bench.ts from its environment)', () => {
  it('defaults to the whole bench: 3 wrk rounds, every target, both modes', () => {
    const s = httpBenchSettings({});
    expect(s).toMatchObject({
      seconds: 5,
      rounds: 3,
      throughput: true,
      pacedSeconds: 10,
      pacedRounds: 3,
      normal: true,
      isolated: true,
      rtSplit: false,
    });
    expect([...s.pacedTargets]).toEqual([...PACED_TARGET_KEYS]);
  });

  it('reads the wrk rounds, the fixed-rate part alone, some targets and one mode', () => {
    const s = httpBenchSettings({
      OMEGA_BENCH_ROUNDS: '18',
      OMEGA_BENCH_PARTS: 'fixed-rate',
      OMEGA_BENCH_PACED_TARGETS: 'open, auth',
      OMEGA_BENCH_PACED_MODES: 'isolated',
      OMEGA_BENCH_RT_SPLIT: '1',
    });
    expect(s).toMatchObject({ rounds: 18, throughput: false, normal: false, isolated: true, rtSplit: true });
    expect([...s.pacedTargets]).toEqual(['open', 'auth']);
  });

  it('refuses what it does not know instead of running the default', () => {
    expect(() => httpBenchSettings({ OMEGA_BENCH_ROUNDS: '2.5' })).toThrow(/OMEGA_BENCH_ROUNDS/);
    expect(() => httpBenchSettings({ OMEGA_BENCH_ROUNDS: 'three' })).toThrow(/OMEGA_BENCH_ROUNDS/);
    expect(() => httpBenchSettings({ OMEGA_BENCH_PACED_ROUNDS: '0' })).toThrow(/OMEGA_BENCH_PACED_ROUNDS/);
    expect(() => httpBenchSettings({ OMEGA_BENCH_PARTS: 'fixed' })).toThrow(/OMEGA_BENCH_PARTS/);
    expect(() => httpBenchSettings({ OMEGA_BENCH_PACED_TARGETS: 'open,jwt' })).toThrow(/jwt/);
  });
});
