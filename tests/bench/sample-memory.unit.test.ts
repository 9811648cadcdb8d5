import { describe, expect, it } from 'vitest';
import { summariseSeries, unitWithRange } from '../../bench/sample-memory.js';

describe('summariseSeries', () => {
  it('takes the middle reading of an odd series, whatever the order, with its lowest and highest', () => {
    expect(summariseSeries([49.9, 49.1, 50.3, 49.6, 49.4])).toEqual({
      median: 49.6,
      min: 49.1,
      max: 50.3,
      readings: 5,
    });
  });

  it('takes the upper middle reading of an even series (a reading taken, and not the optimistic one)', () => {
    expect(summariseSeries([50.4, 49.2, 49.8, 50.1])).toEqual({
      median: 50.1,
      min: 49.2,
      max: 50.4,
      readings: 4,
    });
  });

  it('judges on the median, not on one high reading', () => {
    // one reading just after the heap grew, the rest between GCs: one reading would fail the goal
    const s = summariseSeries([49.5, 49.6, 50.4, 49.4, 49.7]);
    expect(s.median).toBeLessThanOrEqual(50);
    expect(s.max).toBeGreaterThan(50);
  });

  it('leaves out readings of a process that was gone (NaN) and does not reorder its input', () => {
    const values = [49.7, Number.NaN, 49.3, 49.5];
    expect(summariseSeries(values)).toEqual({ median: 49.5, min: 49.3, max: 49.7, readings: 3 });
    expect(values[0]).toBe(49.7);
  });

  it('has no median for an empty series', () => {
    const s = summariseSeries([]);
    expect(s.readings).toBe(0);
    expect(s.median).toBeNaN();
  });

  it('prints the range after the unit', () => {
    expect(unitWithRange('MB', summariseSeries([49.12, 50.04, 49.5]))).toBe(
      'MB [49.1 – 50.0] over 3 readings',
    );
  });
});
