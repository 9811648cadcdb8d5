import { describe, expect, it } from 'vitest';
import { judgeStopSignals, STOP_REPEAT_WINDOW_MS } from '../../src/cli/judge-stop-signals.js';

/** The verdicts for signals arriving at `times` (ms on a fake clock). */
function verdicts(times: number[]): string[] {
  let now = 0;
  const judge = judgeStopSignals(() => now);
  return times.map((t) => {
    now = t;
    return judge();
  });
}

const W = STOP_REPEAT_WINDOW_MS;

describe('omega-agent, stop signals', () => {
  // [what happens, arrival times, verdicts]
  const cases: Array<[string, number[], string[]]> = [
    ['one signal leaves', [0], ['leave']],
    ['a group stop plus the parent’s forward is one stop', [0, 5], ['leave', 'repeat']],
    ['both at once (the agent was busy) is one stop', [0, 0], ['leave', 'repeat']],
    ['the forward late but inside the window is still one stop', [0, W - 1], ['leave', 'repeat']],
    ['a second signal after the window exits at once', [0, W], ['leave', 'exit']],
    ['a second Ctrl-C after group + forward exits at once', [0, 5, 300], ['leave', 'repeat', 'exit']],
    ['only one repeat is absorbed, however fast', [0, 1, 2], ['leave', 'repeat', 'exit']],
    ['after an exit verdict every further one exits', [0, W + 1, W + 2], ['leave', 'exit', 'exit']],
  ];
  it.each(cases)('%s', (_what, times, expected) => {
    expect(verdicts(times)).toEqual(expected);
  });

  it('the window is one second, as docs/agent.md says', () => {
    expect(STOP_REPEAT_WINDOW_MS).toBe(1000);
  });
});
