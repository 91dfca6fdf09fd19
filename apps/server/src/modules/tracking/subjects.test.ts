import { addDays, ageInMonths } from '@tejido/core';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { fullRecomputeIsFaster } from './bulk';
import {
  birthDatesForMonths,
  digestEvidence,
  latestBirthDateWithMonths,
  statusCsv,
  toEvidence,
} from './subjects';

const day = fc.integer({ min: 0, max: 365 * 30 }).map((n) => addDays('2000-01-01', n));

describe('age bands as birth-date ranges', () => {
  it('selects exactly the children whose completed months fall in the band', () => {
    fc.assert(
      fc.property(
        day,
        fc.integer({ min: 0, max: 1200 }),
        fc.integer({ min: 0, max: 40 }),
        (asOf, back, from) => {
          const birth = addDays(asOf, -back);
          const to = from + 5;
          const { after, upTo } = birthDatesForMonths(asOf, from, to);
          const months = ageInMonths(birth, asOf);
          expect(birth > after && birth <= upTo).toBe(months >= from && months <= to);
        },
      ),
    );
  });
  it('follows month ends as a person counts them', () => {
    expect(latestBirthDateWithMonths('2024-02-29', 1)).toBe('2024-01-31');
    expect(latestBirthDateWithMonths('2024-03-31', 1)).toBe('2024-02-29');
    expect(latestBirthDateWithMonths('2025-01-15', 12)).toBe('2024-01-15');
  });
});

describe('rows read by COPY and by queries', () => {
  it('reads an evidence row whichever way its values arrive', () => {
    const typed = toEvidence([
      'p',
      'e1',
      'hemoglobin',
      '2025-01-02',
      null,
      null,
      null,
      null,
      null,
      null,
      10.5,
    ]);
    const text = toEvidence(['p', 'e1', 'hemoglobin', '2025-01-02', '', '', '', '', '', '', '10.5']);
    expect(typed).toEqual({ id: 'e1', kind: 'hemoglobin', date: '2025-01-02', values: { hbGdl: 10.5 } });
    expect(text).toEqual(typed);
    const measured = toEvidence([
      'p',
      'e2',
      'growth_checkup',
      '2025-01-02',
      '',
      '',
      '9.1',
      '72.5',
      'lying',
      'f',
      '',
    ]);
    expect(measured.values).toEqual({ weightKg: 9.1, lengthCm: 72.5, measured: 'lying', oedema: false });
  });
  it("reads a person's evidence digest into the records the evaluation takes", () => {
    expect(digestEvidence(null)).toEqual([]);
    expect(digestEvidence('')).toEqual([]);
    expect(
      digestEvidence(
        'hemoglobin|20090|||||||10.5;vaccine_dose|20120|PENTA|2|||||;growth_checkup|20151|||9.1|72.5|lying|f|',
      ),
    ).toEqual([
      { id: '', kind: 'hemoglobin', date: '2025-01-02', values: { hbGdl: 10.5 } },
      { id: '', kind: 'vaccine_dose', date: '2025-02-01', code: 'PENTA', dose: 2 },
      {
        id: '',
        kind: 'growth_checkup',
        date: '2025-03-04',
        values: { weightKg: 9.1, lengthCm: 72.5, measured: 'lying', oedema: false },
      },
    ]);
  });
  it("reads the digest's numbers exactly as parsing their text does", () => {
    const read = (text: string) => digestEvidence(`measurement|20000|||${text}||||`)[0]?.values?.weightKg;
    fc.assert(
      fc.property(fc.double({ min: 0.001, max: 1000, noNaN: true }), (x) => {
        expect(read(String(x))).toBe(x);
      }),
    );
    fc.assert(
      fc.property(fc.stringMatching(/^\d{1,18}(\.\d{1,18})?$/), (text) => {
        expect(read(text)).toBe(Number(text));
      }),
    );
    for (const text of ['1e-05', '0.1', '60', '3.0000000000000004', '9007199254740993.5']) {
      expect(read(text)).toBe(Number(text));
    }
  });
  it('writes a status line COPY accepts: arrays and reasons quoted, nulls empty', () => {
    const line = statusCsv({
      person_id: 'p',
      subject: 'child',
      pregnancy_id: null,
      household_id: 'h',
      territory_code: '050101',
      village_code: null,
      health_facility_id: null,
      field_worker_id: null,
      anchor_date: '2025-01-01',
      as_of: '2025-06-01',
      pathway: 'pe-minsa-child@2025',
      light: 'red',
      urgency: 2030.5,
      overdue_items: ['vaccine-penta-2', 'checkup-m04'],
      due_items: [],
      risks: ['anemia'],
      reasons: JSON.stringify([{ code: 'anemia', text_es: 'Anemia "moderada", 9,1 g/dL', text_en: 'x' }]),
      alerts: ['anemia_untreated', 'vaccine_overdue'],
    });
    expect(line).toBe(
      'p,child,,h,050101,,,,2025-01-01,2025-06-01,pe-minsa-child@2025,red,2030.5,"{vaccine-penta-2,checkup-m04}","{}","{anemia}",' +
        '"[{""code"":""anemia"",""text_es"":""Anemia \\""moderada\\"", 9,1 g/dL"",""text_en"":""x""}]",' +
        '"{anemia_untreated,vaccine_overdue}"\n',
    );
  });
});

describe('fullRecomputeIsFaster', () => {
  it('refreshes a few persons in groups and many by a full recompute', () => {
    expect(fullRecomputeIsFaster(1000, 265_000)).toBe(false);
    expect(fullRecomputeIsFaster(31_000, 265_000)).toBe(false);
    expect(fullRecomputeIsFaster(34_000, 265_000)).toBe(true);
    expect(fullRecomputeIsFaster(84_000, 1_016_000)).toBe(false);
    expect(fullRecomputeIsFaster(100_001, 5_000_000)).toBe(true);
  });
});
