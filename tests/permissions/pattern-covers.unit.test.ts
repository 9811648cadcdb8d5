import { describe, expect, it } from 'vitest';
import { matchTopic } from '../../kernel/bus/match-topic.js';
import { patternCovers, patternIntersection, patternsOverlap } from '../../kernel/permissions/index.js';

describe('patternCovers', () => {
  it.each([
    ['nodes.*', 'nodes.up', true],
    ['nodes.*', 'nodes.up.x', false],
    ['nodes.*', 'nodes', false],
    ['nodes.**', 'nodes', true],
    ['nodes.**', 'nodes.up.x', true],
    ['nodes.**', 'nodes.*', true],
    ['nodes.**', 'nodes.**', true],
    ['nodes.**', 'nodes.*.**', true],
    ['nodes.*', 'nodes.*', true],
    ['nodes.*', 'nodes.**', false],
    ['nodes.up', 'nodes.*', false],
    ['*.up', 'nodes.up', true],
    ['*.up', '*.*', false],
    ['**', 'anything.at.all', true],
    ['**', '**', true],
    ['*', '**', false],
    ['a.*.c', 'a.b.c', true],
    ['a.*.c', 'a.b.d', false],
    ['a.b', 'a.b', true],
    ['a.b', 'a.bc', false],
  ])('%s covers %s: %s', (g, r, want) => {
    expect(patternCovers(g, r)).toBe(want);
  });

  it('agrees with the bus matcher on concrete topics', () => {
    const patterns = ['a', 'a.*', 'a.**', '*.b', '**', 'a.*.c', '*.*', 'a.b.**'];
    const topics = ['a', 'b', 'a.b', 'a.c', 'b.b', 'a.b.c', 'a.x.c', 'a.b.c.d'];
    for (const p of patterns) for (const t of topics) expect(patternCovers(p, t)).toBe(matchTopic(p, t));
  });

  it('coverage is exact: g covers r iff every sampled topic matched by r is matched by g', () => {
    const patterns = ['a', 'a.*', 'a.**', '*.b', '**', '*', 'a.b', '*.*', '*.**', 'a.*.**', 'b.**'];
    const topics = ['a', 'b', 'a.a', 'a.b', 'b.b', 'c.d', 'a.b.c', 'b.b.b', 'a.a.a.a'];
    // The one pair where the sample cannot disagree but patternCovers says no: `*.**` matches
    // one or more segments and `**` zero or more, and the empty topic is not a valid topic, so
    // no topic tells them apart. patternCovers compares syntax and answers false — the
    // conservative side (a grant of `*.**` is not taken to cover a request for `**`).
    const conservative = new Set(['*.** ⊇ **']);
    let converseChecked = 0;
    for (const g of patterns) {
      for (const r of patterns) {
        const sampled = topics.filter((t) => matchTopic(r, t)).every((t) => matchTopic(g, t));
        if (patternCovers(g, r)) expect(sampled, `${g} ⊇ ${r}`).toBe(true);
        if (sampled && !conservative.has(`${g} ⊇ ${r}`)) {
          expect(patternCovers(g, r), `${g} ⊇ ${r} on every sampled topic`).toBe(true);
          converseChecked++;
        }
      }
    }
    expect(converseChecked).toBeGreaterThan(20);
  });
});

describe('patternsOverlap and patternIntersection', () => {
  it.each([
    ['nodes.*', '*.up', true, 'nodes.up'],
    ['nodes.*', 'metrics.*', false, null],
    ['nodes.**', '*.a.*', true, 'nodes.a.*'],
    ['a.**', 'a', true, 'a'],
    ['a.b', 'a', false, null],
    ['**', 'x.y', true, 'x.y'],
    ['**', '**', true, '**'],
    ['a.*', 'a.*.*', false, null],
  ])('%s ∩ %s', (a, b, overlap, inter) => {
    expect(patternsOverlap(a, b)).toBe(overlap);
    expect(patternsOverlap(b, a)).toBe(overlap);
    expect(patternIntersection(a, b)).toBe(inter);
    expect(patternIntersection(b, a)).toBe(inter);
  });

  it('the intersection matches exactly the topics both match', () => {
    const patterns = ['a', 'a.*', 'a.**', '*.b', '**', '*', 'a.b', '*.*', '*.**', 'a.*.**'];
    const topics = ['a', 'b', 'a.a', 'a.b', 'b.b', 'a.b.c', 'b.b.b', 'a.a.a.a'];
    for (const x of patterns) {
      for (const y of patterns) {
        const inter = patternIntersection(x, y);
        for (const t of topics) {
          const both = matchTopic(x, t) && matchTopic(y, t);
          expect(inter !== null && matchTopic(inter, t), `${x} ∩ ${y} on ${t}`).toBe(both);
        }
      }
    }
  });
});
