import { describe, expect, it } from 'vitest';
import en from '../../i18n/en.json';
import esPE from '../../i18n/es-PE.json';
import { formatWeight, OUTCOMES, reasonsByField, reasonTone, scoreBand, summaryParts } from './linkage';

describe('reasonTone', () => {
  it('tells agreeing, partly agreeing, disagreeing and missing fields apart', () => {
    expect(reasonTone({ outcome: 'exact', weight: 9.1 })).toBe('agree');
    expect(reasonTone({ outcome: 'both_agree', weight: 12 })).toBe('agree');
    expect(reasonTone({ outcome: 'same_district', weight: 6 })).toBe('agree');
    expect(reasonTone({ outcome: 'day_month_swapped', weight: 8.97 })).toBe('partial');
    expect(reasonTone({ outcome: 'first_agrees_second_missing', weight: 4 })).toBe('partial');
    // One surname of two: partly the same, even when it counts a little against the match.
    expect(reasonTone({ outcome: 'one_agrees', weight: -1 })).toBe('partial');
    expect(reasonTone({ outcome: 'different', weight: -7.61 })).toBe('disagree');
    expect(reasonTone({ outcome: 'contradicts_document', weight: 0 })).toBe('disagree');
    expect(reasonTone({ outcome: 'missing', weight: 0 })).toBe('missing');
  });

  it('classes every known outcome by itself, whatever its weight', () => {
    for (const [field, outcomes] of Object.entries(OUTCOMES))
      for (const outcome of outcomes)
        expect(reasonTone({ outcome, weight: -1 }), `${field}.${outcome}`).toBe(
          reasonTone({ outcome, weight: 1 }),
        );
  });

  it('goes by the weight for an outcome it does not know', () => {
    expect(reasonTone({ outcome: 'new_level', weight: -1 })).toBe('disagree');
    expect(reasonTone({ outcome: 'new_level', weight: 2 })).toBe('partial');
  });
});

describe('outcome labels', () => {
  it('exist for every outcome of every field, in both languages', () => {
    for (const [name, file] of [
      ['es-PE', esPE],
      ['en', en],
    ] as const) {
      const labels = file.linkage.outcome as Record<string, Record<string, string>>;
      for (const [field, outcomes] of Object.entries(OUTCOMES)) {
        for (const outcome of outcomes)
          expect(labels[field]?.[outcome], `${name}: ${field}.${outcome}`).toBeTruthy();
      }
    }
  });
});

describe('scoreBand', () => {
  it('reads the weight against the linkage thresholds', () => {
    expect(scoreBand({ weight: 26, reasons: [] })).toBe('high');
    expect(scoreBand({ weight: 18.4, reasons: [] })).toBe('probable');
    expect(scoreBand({ weight: 15, reasons: [] })).toBe('probable');
    expect(scoreBand({ weight: 9, reasons: [] })).toBe('low');
  });

  it('names a candidate found by its document apart', () => {
    expect(
      scoreBand({
        weight: 0,
        reasons: [
          { field: 'document', outcome: 'exact', weight: 0 },
          { field: 'birthDate', outcome: 'contradicts_document', weight: 0 },
        ],
      }),
    ).toBe('document');
  });
});

describe('reasonsByField', () => {
  it('keeps the first reason of each known field', () => {
    const byField = reasonsByField([
      { field: 'surnames', outcome: 'both_agree', weight: 12 },
      { field: 'surnames', outcome: 'different', weight: -3 },
      { field: 'shoeSize', outcome: 'exact', weight: 1 },
    ]);
    expect(byField).toEqual({ surnames: { field: 'surnames', outcome: 'both_agree', weight: 12 } });
  });
});

describe('formatWeight', () => {
  it('signs the weight with one decimal', () => {
    expect(formatWeight(8.97)).toBe('+9.0');
    expect(formatWeight(-7.61)).toBe('\u22127.6');
    expect(formatWeight(0)).toBe('0.0');
    expect(formatWeight(-0.01)).toBe('0.0');
  });
});

describe('summaryParts', () => {
  it('reads an evidence record: kind, code, dose, values and date', () => {
    expect(summaryParts('vaccine_dose PENTA #2 2026-03-05')).toEqual({
      type: 'evidence',
      kind: 'vaccine_dose',
      code: 'PENTA',
      dose: 2,
      values: [],
      date: '2026-03-05',
    });
    expect(summaryParts('growth_checkup weightKg=9.2 lengthCm=74.5 2026-03-05')).toEqual({
      type: 'evidence',
      kind: 'growth_checkup',
      code: null,
      dose: null,
      values: [
        ['weightKg', '9.2'],
        ['lengthCm', '74.5'],
      ],
      date: '2026-03-05',
    });
  });

  it('reads school and birth records', () => {
    expect(summaryParts('school 0234567 2026-03 (not enrolled)')).toEqual({
      type: 'school',
      schoolCode: '0234567',
      period: '2026-03',
      enrolled: false,
    });
    expect(summaryParts('school 0234567 2026')).toMatchObject({ enrolled: true });
    expect(summaryParts('birth certificate 100200300')).toEqual({ type: 'birth', certificate: '100200300' });
  });

  it('keeps anything else as text', () => {
    expect(summaryParts('')).toEqual({ type: 'text', text: '' });
    expect(summaryParts('Something Else 2026-01-01')).toEqual({
      type: 'text',
      text: 'Something Else 2026-01-01',
    });
    expect(summaryParts('vaccine_dose A B C 2026-01-01')).toMatchObject({ type: 'text' });
  });
});
