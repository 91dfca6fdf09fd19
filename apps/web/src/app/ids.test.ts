import { describe, expect, it } from 'vitest';
import { newId } from './ids';

const UUID_V7 = /^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

describe('newId', () => {
  it('makes a UUID version 7 with the RFC 9562 variant', () => {
    for (let i = 0; i < 50; i++) expect(newId()).toMatch(UUID_V7);
  });

  it('starts with the time in milliseconds, so later ids sort after earlier ones', () => {
    expect(newId(0x0193a5c47d1e).startsWith('0193a5c4-7d1e-7')).toBe(true);
    const a = newId(1_700_000_000_000);
    const b = newId(1_700_000_000_001);
    expect(a < b).toBe(true);
  });

  it('does not repeat itself within the same millisecond', () => {
    const ids = new Set(Array.from({ length: 1000 }, () => newId(1_700_000_000_000)));
    expect(ids.size).toBe(1000);
  });
});
