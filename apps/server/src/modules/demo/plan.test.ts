import { describe, expect, it } from 'vitest';
import { csvField, csvRow } from './csv';
import { HouseholdStream } from './households';
import { planDemo, splitCaseloads } from './plan';
import { apportion, deterministicUuidv7, Permutation, Rng } from './random';

describe('splitCaseloads', () => {
  it('gives every field worker 80–150 households when the district has at least 160', () => {
    const wrong: number[] = [];
    for (let n = 160; n <= 5000; n++) {
      const parts = splitCaseloads(n);
      const sum = parts.reduce((s, p) => s + p, 0);
      if (sum !== n || parts.some((p) => p < 80 || p > 150)) wrong.push(n);
    }
    expect(wrong).toEqual([]);
  });

  it('never exceeds 150, and only the last worker of a small district has fewer than 80', () => {
    for (let n = 1; n < 160; n++) {
      const parts = splitCaseloads(n);
      expect(parts.reduce((s, p) => s + p, 0)).toBe(n);
      parts.forEach((p, i) => {
        expect(p).toBeLessThanOrEqual(150);
        if (i < parts.length - 1) expect(p).toBeGreaterThanOrEqual(80);
      });
    }
    expect(splitCaseloads(0)).toEqual([]);
  });
});

describe('demo randomness', () => {
  it('repeats the same stream for the same key and differs for another', () => {
    const draw = (seed: number, index: number) => {
      const r = new Rng(seed, 4, index);
      return [r.next(), r.next(), r.next()];
    };
    expect(draw(7, 1)).toEqual(draw(7, 1));
    expect(draw(7, 1)).not.toEqual(draw(7, 2));
    expect(draw(7, 1)).not.toEqual(draw(8, 1));
  });

  it('permutes a range without repeating', () => {
    const p = new Permutation(10_000, new Rng(1, 5));
    const seen = new Set<number>();
    for (let i = 0; i < 10_000; i++) seen.add(p.at(i));
    expect(seen.size).toBe(10_000);
    expect(Math.min(...seen)).toBe(0);
    expect(Math.max(...seen)).toBe(9_999);
  });

  it('builds UUID v7 ids from the timestamp, unique per serial', () => {
    const ms = Date.UTC(2024, 4, 1, 15);
    const ids = new Set<string>();
    for (let i = 0; i < 50_000; i++) ids.add(deterministicUuidv7(ms, 4, i, 12345));
    expect(ids.size).toBe(50_000);
    const id = deterministicUuidv7(ms, 4, 0, 12345);
    expect(id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(Number.parseInt(id.replaceAll('-', '').slice(0, 12), 16)).toBe(ms);
  });

  it('apportions exactly', () => {
    expect(apportion(10, [1, 1, 1])).toEqual([4, 3, 3]);
    expect(apportion(7, [6, 0, 1]).reduce((s, x) => s + x, 0)).toBe(7);
  });
});

describe('demo CSV', () => {
  it('quotes what COPY needs quoted and writes NULL as an empty field', () => {
    expect(csvField(null)).toBe('');
    expect(csvField('')).toBe('""');
    expect(csvField('casa de adobe, puerta azul')).toBe('"casa de adobe, puerta azul"');
    expect(csvField('el "tambo"')).toBe('"el ""tambo"""');
    expect(csvField('línea\nnueva')).toBe('"línea\nnueva"');
    expect(csvField(true)).toBe('t');
    expect(csvRow(['a', null, 3])).toBe('a,,3\n');
  });
});

describe('household stream', () => {
  const sample = (seed: number) => {
    const stream = new HouseholdStream(planDemo(200, seed, Date.UTC(2025, 5, 15) / 86_400_000));
    const out: string[] = [];
    for (const h of stream.households()) {
      out.push(
        stream.householdId(h),
        ...h.persons.map((p) => `${stream.personId(p)} ${p.givenNames} ${p.birthDay}`),
      );
    }
    return out;
  };

  it('walks the same households on every pass and others for another seed', () => {
    const first = sample(7);
    expect(sample(7)).toEqual(first);
    const other = sample(8);
    expect(other).not.toEqual(first);
    expect(new Set([...first, ...other]).size).toBe(first.length + other.length);
  });
});
