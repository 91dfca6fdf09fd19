import type { PathwaySummary } from '@tejido/schemas';
import type { TFunction } from 'i18next';
import { describe, expect, it } from 'vitest';
import { pathwayItemOptions, reasonText, rosterAgeText } from './labels';

// The key and its options stand for the translation.
const t = ((key: string, options?: Record<string, unknown>) =>
  options ? `${key} ${JSON.stringify(options)}` : key) as unknown as TFunction;

const item = (id: string, es: string) => ({
  id,
  kind: 'vaccine',
  label: { es, en: `${es} (en)` },
  criticality: 'critical' as const,
});

const pathways: PathwaySummary[] = [
  {
    code: 'pe-minsa-child',
    version: '2017',
    name: { es: 'Niño 2017', en: 'Child 2017' },
    appliesTo: 'child',
    validFrom: '2017-01-01',
    items: [item('checkup-nb4', 'Control RN 4 (2017)'), item('vaccine-bcg', 'BCG (2017)')],
  },
  {
    code: 'pe-minsa-child',
    version: '2025',
    name: { es: 'Niño 2025', en: 'Child 2025' },
    appliesTo: 'child',
    validFrom: '2025-01-01',
    items: [item('vaccine-bcg', 'BCG'), item('vaccine-penta-1', 'Pentavalente 1')],
  },
  {
    code: 'pe-minsa-pregnancy',
    version: '2024',
    name: { es: 'Gestante', en: 'Pregnancy' },
    appliesTo: 'pregnancy',
    validFrom: '2024-01-01',
    items: [item('prenatal-visit-1', 'Atención prenatal 1')],
  },
];

describe('pathwayItemOptions', () => {
  it('groups the items by pathway, the newest version first, each id once', () => {
    expect(pathwayItemOptions(pathways, '', 'es-PE')).toEqual([
      {
        group: 'Niño 2025',
        items: [
          { value: 'vaccine-bcg', label: 'BCG' },
          { value: 'vaccine-penta-1', label: 'Pentavalente 1' },
        ],
      },
      { group: 'Gestante', items: [{ value: 'prenatal-visit-1', label: 'Atención prenatal 1' }] },
      { group: 'Niño 2017', items: [{ value: 'checkup-nb4', label: 'Control RN 4 (2017)' }] },
    ]);
  });

  it('keeps the pathways of the chosen people, in the interface language', () => {
    expect(pathwayItemOptions(pathways, 'pregnancy', 'en')).toEqual([
      { group: 'Pregnancy', items: [{ value: 'prenatal-visit-1', label: 'Atención prenatal 1 (en)' }] },
    ]);
  });
});

describe('row texts', () => {
  it('says the age of a child in months and a pregnancy in weeks', () => {
    expect(rosterAgeText({ subject: 'child', ageMonths: 14, gestationalWeeks: null }, t)).toBe(
      'roster.ageMonths {"count":14}',
    );
    expect(rosterAgeText({ subject: 'pregnancy', ageMonths: null, gestationalWeeks: 23 }, t)).toBe(
      'roster.gestationWeeks {"count":23}',
    );
    expect(rosterAgeText({ subject: 'child', ageMonths: null, gestationalWeeks: null }, t)).toBe('—');
  });

  it('picks the reason in the interface language', () => {
    const reason = { code: 'anemia' as const, text_es: 'Anemia moderada', text_en: 'Moderate anemia' };
    expect(reasonText(reason, 'es-PE')).toBe('Anemia moderada');
    expect(reasonText(reason, 'en')).toBe('Moderate anemia');
  });
});
