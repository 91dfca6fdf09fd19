import { describe, expect, it } from 'vitest';
import { codeRange } from './scope';

describe('territory code ranges', () => {
  it('turns a prefix into a half-open range of codes', () => {
    expect(codeRange('05')).toEqual({ start: '05', end: '06' });
    expect(codeRange('0509')).toEqual({ start: '0509', end: '051' });
    expect(codeRange('050199')).toEqual({ start: '050199', end: '0502' });
    expect(codeRange('99')).toEqual({ start: '99', end: null });
  });
  it('contains exactly the codes that start with the prefix', () => {
    const codes = ['0508', '0509', '050901', '0509999999', '051', '0510', '05100101'];
    const { start, end } = codeRange('0509');
    const inside = codes.filter((c) => c >= start && (end === null || c < end));
    expect(inside).toEqual(codes.filter((c) => c.startsWith('0509')));
  });
  it('refuses anything but digits', () => {
    expect(() => codeRange("05' OR 1=1")).toThrow(RangeError);
  });
});
