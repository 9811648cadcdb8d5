import { describe, expect, it } from 'vitest';
import { fieldLine, listingLine } from '../../cli/listing-line.js';

describe('listingLine, the one renderer of listing rows and details lines', () => {
  it('pads, right-aligns and cuts cells as before, joined by one space (an empty cell widens the gap)', () => {
    expect(listingLine([{ text: 'vm', width: 6 }, { text: '5s', width: 4, right: true }, '', 'ok'])).toBe(
      'vm       5s  ok',
    );
    expect(
      listingLine([
        { text: 'abcdefgh', max: 4, width: 5 },
        { text: 'abcdefgh', max: 4, ellipsis: true },
      ]),
    ).toBe('abcd  abc…');
    expect(fieldLine('reason', 'left')).toBe('reason       left');
  });

  it('shows a newline, return or tab in any cell as \\n, \\r, \\t before cutting and padding', () => {
    const line = listingLine([
      { text: 'a\nb', width: 6 },
      { text: 'x\r\ny\tz', max: 6, ellipsis: true },
    ]);
    expect(line).toBe('a\\nb   x\\r\\n…');
    expect(fieldLine('history', 'at', '', { text: 'left\n', width: 8 }, 'bye\nforged')).toBe(
      'history      at  left\\n   bye\\nforged',
    );
  });
});
