import { growthZScores } from '@tejido/core';
import { EVIDENCE_CODES, type EvidenceKind } from '@tejido/schemas';
import { describe, expect, it } from 'vitest';
import { DAY_MS } from './calendar';
import { EVIDENCE_COLUMNS, EvidenceGenerator, normalCdf, probit, TRACKED_CHILD_DAYS } from './evidence';
import { HouseholdStream } from './households';
import { planDemo } from './plan';

const AS_OF_DAY = Date.parse('2025-06-15') / DAY_MS;

function generate(households: number, seed: number, chunkRows?: number): { text: string; rows: number } {
  const stream = new HouseholdStream(planDemo(households, seed, AS_OF_DAY));
  const counter = { rows: 0 };
  let text = '';
  for (const chunk of new EvidenceGenerator(stream).chunks(counter, chunkRows)) text += chunk;
  return { text, rows: counter.rows };
}

describe('normal distribution helpers', () => {
  it('computes Φ and its inverse', () => {
    expect(normalCdf(0)).toBeCloseTo(0.5, 7);
    expect(normalCdf(1.959964)).toBeCloseTo(0.975, 6);
    expect(normalCdf(-1)).toBeCloseTo(0.158655, 6);
    for (const p of [0.01, 0.2, 0.45, 0.5, 0.9]) expect(normalCdf(probit(p))).toBeCloseTo(p, 6);
  });
});

describe('demo evidence', () => {
  const { text, rows } = generate(300, 5);
  const lines = text.split('\n').slice(0, -1);

  it('gives the same rows whatever the chunk size, and other rows for another seed', () => {
    expect(lines).toHaveLength(rows);
    expect(rows).toBeGreaterThan(300 * 15);
    expect(generate(300, 5, 1).text).toBe(text);
    expect(generate(300, 5, 100_000).text).toBe(text);
    expect(generate(300, 6).text).not.toBe(text);
  });

  it('writes one CSV line per record with values inside the table’s limits', () => {
    const ids = new Set<string>();
    const refs = new Set<string>();
    const problems: string[] = [];
    const check = (ok: boolean, what: string, line: string) => {
      if (!ok) problems.push(`${what}: ${line}`);
    };
    for (const line of lines) {
      const f = line.split(',');
      check(f.length === EVIDENCE_COLUMNS.length, 'columns', line);
      const [
        id,
        ,
        kind,
        date,
        code,
        dose,
        weight,
        length,
        measured,
        oedema,
        hb,
        implausible,
        source,
        ref,
        by,
        at,
      ] = f as string[] as [string, ...string[]];
      ids.add(id);
      check(/^\d{4}-\d{2}-\d{2}$/.test(date!) && Date.parse(date!) / DAY_MS < AS_OF_DAY, 'date', line);
      check(at!.slice(0, 10) >= date! && at!.slice(0, 10) < '2025-06-15', 'recorded_at', line);
      const spec = EVIDENCE_CODES[kind as EvidenceKind];
      if (spec) check(code ? spec.codes.includes(code) : !spec.required, 'code', line);
      else check(code === '', 'no code', line);
      if (dose) check(['vaccine_dose', 'supplement', 'prenatal_supplement'].includes(kind!), 'dose', line);
      if (weight || length) {
        check(kind === 'growth_checkup' || kind === 'measurement', 'values', line);
        check(Number(weight) > 0 && Number(weight) <= 60, 'weight', line);
        check(Number(length) >= 35 && Number(length) <= 130, 'length', line);
        check(measured === 'lying' || measured === 'standing', 'measured', line);
      }
      if (hb) check(kind === 'hemoglobin' && Number(hb) >= 3 && Number(hb) <= 25, 'hb', line);
      else check(kind !== 'hemoglobin', 'hemoglobin without hb', line);
      check(oedema === '' && (implausible === 't' || implausible === 'f'), 'flags', line);
      if (source === 'manual') {
        check(ref === '' && by !== '', 'manual', line);
      } else {
        check(by === '' && ref !== '' && !refs.has(`${source} ${ref}`), 'source_ref', line);
        refs.add(`${source} ${ref}`);
      }
    }
    expect(problems.slice(0, 10)).toEqual([]);
    expect(ids.size).toBe(rows);
  });

  it('flags as implausible exactly the measurements WHO’s limits flag', () => {
    // Children only carry measurements; rebuild each one's age from the plan.
    const stream = new HouseholdStream(planDemo(300, 5, AS_OF_DAY));
    const children = new Map<string, { birth: number; sex: 'male' | 'female' }>();
    for (const h of stream.households()) {
      for (const p of h.persons) {
        if (AS_OF_DAY - p.birthDay < TRACKED_CHILD_DAYS)
          children.set(stream.personId(p), { birth: p.birthDay, sex: p.sex });
      }
    }
    let measured = 0;
    let implausibleRows = 0;
    const wrong: string[] = [];
    for (const line of lines) {
      const [, person, , date, , , weight, length, position, , , implausible] = line.split(',');
      if (!weight) continue;
      measured += 1;
      const child = children.get(person!)!;
      const z = growthZScores({
        sex: child.sex,
        ageDays: Date.parse(date!) / DAY_MS - child.birth,
        weightKg: Number(weight),
        lengthCm: Number(length),
        measured: position as 'lying' | 'standing',
      });
      const flagged = Object.values(z).some((v) => v?.flagged === true);
      if ((implausible === 't') !== flagged) wrong.push(line);
      if (flagged) implausibleRows += 1;
    }
    expect(wrong).toEqual([]);
    expect(measured).toBeGreaterThan(1000);
    expect(implausibleRows).toBeGreaterThan(0);
  });
});
