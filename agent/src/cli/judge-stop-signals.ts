/**
 * How long after the first SIGTERM/SIGINT one more is still the same stop, in ms. A parent that
 * forwards its own signal to the agent (`omega start` for its local agent, npm, a wrapper script)
 * sends it a moment after the process group's or systemd's cgroup-wide one reached the agent.
 */
export const STOP_REPEAT_WINDOW_MS = 1000;

/**
 * Sorts the stop signals the agent receives: the first leaves gracefully; one repeat within
 * {@link STOP_REPEAT_WINDOW_MS} of it is the same stop delivered twice and changes nothing; any
 * other (later, or a third) is an operator insisting, and exits at once.
 */
export function judgeStopSignals(
  now: () => number,
  windowMs = STOP_REPEAT_WINDOW_MS,
): () => 'leave' | 'repeat' | 'exit' {
  let first: number | undefined;
  let repeated = false;
  return () => {
    const at = now();
    if (first === undefined) {
      first = at;
      return 'leave';
    }
    if (!repeated && at - first < windowMs) {
      repeated = true;
      return 'repeat';
    }
    return 'exit';
  };
}
