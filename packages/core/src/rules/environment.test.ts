import { describe, expect, it } from 'vitest';
import { normaliseRuleValue, RuleEnvironment, RuleError } from './environment';

interface Ctx {
  person: { ageDays: number; amazon: boolean; weightKg?: number; tags?: string[] };
  items: Array<{ id: string; days: number }>;
}

const env = new RuleEnvironment<Ctx>({
  types: {
    Person: { ageDays: 'int', amazon: 'bool', weightKg: 'double', tags: 'list<string>' },
    Item: { id: 'string', days: 'int' },
  },
  variables: { person: 'Person', items: 'list<Item>' },
});

const ctx: Ctx = {
  person: { ageDays: 500, amazon: true, tags: ['a'] },
  items: [
    { id: 'x', days: 3 },
    { id: 'y', days: 40 },
  ],
};

describe('RuleEnvironment', () => {
  it('compiles once and evaluates a typed context many times', () => {
    const rule = env.compile('person.amazon && person.ageDays >= 457', { returns: 'bool' });
    expect(rule.type).toBe('bool');
    expect(rule.test(ctx)).toBe(true);
    expect(rule.test({ ...ctx, person: { ageDays: 100, amazon: true } })).toBe(false);
  });

  it('lets integers be compared with integer literals (context numbers become CEL ints)', () => {
    expect(env.compile('person.ageDays == 500').evaluate(ctx)).toBe(true);
    expect(env.compile('items.filter(i, i.days > 30).map(i, i.id)').evaluate(ctx)).toEqual(['y']);
  });

  it('normalises BigInt results to numbers, deeply', () => {
    expect(env.compile('size(items)').evaluate(ctx)).toBe(2);
    expect(env.compile('person.ageDays / 30').evaluate(ctx)).toBe(16);
    expect(env.compile('{"n": size(items), "days": items.map(i, i.days)}').evaluate(ctx)).toEqual({
      n: 2,
      days: [3, 40],
    });
    expect(env.compile('items.filter(i, i.days > 30)').evaluate(ctx)).toEqual([{ id: 'y', days: 40 }]);
    expect(normaliseRuleValue([1n, { a: 2n, b: [3n] }, new Map([['k', 4n]])])).toEqual([
      1,
      { a: 2, b: [3] },
      { k: 4 },
    ]);
  });

  it('treats an absent optional field as absent (has() is false)', () => {
    const rule = env.compile('has(person.weightKg) && person.weightKg < 2.5', { returns: 'bool' });
    expect(rule.test(ctx)).toBe(false);
    expect(rule.test({ ...ctx, person: { ...ctx.person, weightKg: 2.1 } })).toBe(true);
  });

  it('evaluates several rules on one prepared context', () => {
    const prepared = env.prepare(ctx);
    expect(env.compile('person.amazon').test(prepared)).toBe(true);
    expect(env.compile('"a" in person.tags').test(prepared)).toBe(true);
  });

  it('refuses a syntax error at compile time, with the position', () => {
    const error = catchRuleError(() => env.compile('person.ageDays = 3'));
    expect(error.phase).toBe('parse');
    expect(error.expression).toBe('person.ageDays = 3');
    expect(error.range?.start).toBe(15);
  });

  it('refuses unknown variables, unknown fields and type errors at compile time', () => {
    expect(catchRuleError(() => env.compile('persons.amazon')).phase).toBe('check');
    const field = catchRuleError(() => env.compile('person.amazonn'));
    expect(field.phase).toBe('check');
    expect(field.summary).toMatch(/amazonn/);
    expect(catchRuleError(() => env.compile('person.ageDays + "x"')).phase).toBe('check');
  });

  it('refuses a rule that does not give the declared type', () => {
    const error = catchRuleError(() => env.compile('size(items)', { returns: 'bool' }));
    expect(error.summary).toBe('the rule must give true or false, it gives int');
  });

  it('reports evaluation failures as RuleError with the expression', () => {
    const rule = env.compile('person.weightKg > 3.0');
    const error = catchRuleError(() => rule.evaluate(ctx));
    expect(error.phase).toBe('evaluate');
    expect(error.message).toContain('person.weightKg > 3.0');
  });

  it('refuses a context that does not fit the declaration', () => {
    const error = catchRuleError(() =>
      env.compile('person.amazon').test({ ...ctx, person: { ageDays: 1.5, amazon: true } }),
    );
    expect(error.phase).toBe('context');
  });

  it('refuses an environment that names an unknown type', () => {
    expect(() => new RuleEnvironment({ variables: { x: 'Nope' } })).toThrow(/unknown type 'Nope'/);
  });
});

function catchRuleError(f: () => unknown): RuleError {
  try {
    f();
  } catch (error) {
    if (error instanceof RuleError) return error;
    throw error;
  }
  throw new Error('expected a RuleError');
}
