import type uPlot from 'uplot';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { linePath } from '../../plugins/dashboard/ui/src/charts/line-path.js';

/** Records what a path builder draws (node has no canvas; the browser tests draw for real). */
class RecordingPath {
  ops: Array<[string, number, number]> = [];
  moveTo(x: number, y: number) {
    this.ops.push(['M', x, y]);
  }
  lineTo(x: number, y: number) {
    this.ops.push(['L', x, y]);
  }
}

const g = globalThis as { Path2D?: unknown };
let saved: unknown;
beforeAll(() => {
  saved = g.Path2D;
  g.Path2D = RecordingPath;
});
afterAll(() => {
  g.Path2D = saved;
});

/** The parts of a uPlot instance the builder reads: data, scales, the series' scale, the plot box. */
function plot(xs: number[], ys: Array<number | null>): uPlot {
  return {
    data: [xs, ys],
    scales: { x: { min: 0, max: 10 }, y: { min: 0, max: 1 } },
    series: [{}, { scale: 'y' }],
    bbox: { left: 50, top: 10, width: 100, height: 20 },
  } as unknown as uPlot;
}

describe("linePath (the live charts' lean uPlot paths builder)", () => {
  it('maps values through the scales into the plot box (y up)', () => {
    const p = linePath(plot([0, 5, 10], [0, 0.5, 1]), 1, 0, 2);
    expect((p!.stroke as unknown as RecordingPath).ops).toEqual([
      ['M', 50, 30],
      ['L', 100, 20],
      ['L', 150, 10],
    ]);
    expect(p!.clip).toBeNull();
  });

  it('breaks the line at nulls (a gap is not bridged) and honours the index window', () => {
    const p = linePath(plot([0, 1, 2, 3, 4, 5], [0, 1, null, 1, 0, 1]), 1, 1, 4);
    expect((p!.stroke as unknown as RecordingPath).ops.map((o) => o[0])).toEqual(['M', 'M', 'L']);
  });

  it('draws nothing before the scales are known', () => {
    const u = plot([0], [1]);
    (u.scales as Record<string, { min: number | null }>).y!.min = null;
    expect(linePath(u, 1, 0, 0)).toBeNull();
  });
});
