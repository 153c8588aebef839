import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parseValue } from '../../src/extract/value.ts';

describe('parseValue', () => {
  it.each([
    ['12', 'number', 12, null],
    ['1,234', 'number', 1234, null],
    ['１２', 'number', 12, null],
    ['+2', 'number', 2, null],
    ['-1', 'number', -1, null],
    ['增7', 'number', 7, null],
    ['减3', 'number', -3, null],
    ['0.5', 'number', 0.5, null],
    ['251000元', 'number', 251000, '元'],
    ['1.1499万元', 'number', 1.1499, '万元'],
    ['3批', 'number', 3, '批'],
    ['\u00a00', 'number', 0, null],
    ['', 'blank', null, null],
    ['\u00a0 ', 'blank', null, null],
    ['-', 'placeholder', null, null],
    ['—', 'placeholder', null, null],
    ['／', 'placeholder', null, null],
    ['无', 'placeholder', null, null],
    ['未统计', 'text', null, null],
    ['见附件', 'text', null, null],
  ] as const)('%j → %s %j', (raw, kind, value, unit) => {
    const p = parseValue(raw);
    expect([p.kind, p.value, p.unit]).toEqual([kind, value, unit]);
  });

  it('keeps the note printed inside a cell', () => {
    expect(parseValue('22（其中修订16件）')).toMatchObject({ kind: 'number', value: 22, note: '其中修订16件' });
  });

  it('never turns a blank into a zero, and reads any printed integer back exactly', () => {
    fc.assert(
      fc.property(fc.nat(10_000_000), fc.boolean(), (n, sep) => {
        const raw = sep ? n.toLocaleString('en-US') : String(n);
        expect(parseValue(raw)).toMatchObject({ kind: 'number', value: n });
      }),
    );
    fc.assert(
      fc.property(fc.stringMatching(/^[ \u00a0\u3000\t]*$/), (ws) => {
        expect(parseValue(ws)).toMatchObject({ kind: 'blank', value: null });
      }),
    );
  });
});
