import { readFileSync } from 'node:fs';
import { Evidence, parsePathway, parseTrafficLightRules } from '@tejido/schemas';
import { describe, expect, it } from 'vitest';
import { addDays } from '../dates';
import {
  evaluatePathway,
  REGISTRY_DOCUMENT_EVIDENCE_ID,
  type TrackedPerson,
  type TrackingEvidence,
} from './evaluate';
import { child, completeEvidence, evidence, pregnancy } from './test-fixtures';

const DIR = new URL('../../../../config/pathways/', import.meta.url);
const load = (name: string) => parsePathway(readFileSync(new URL(name, DIR), 'utf8'), name);
const CHILD = load('pe-minsa-child-2025.yaml');
const CHILD_2017 = load('pe-minsa-child-2017.yaml');
const PREGNANCY = load('pe-minsa-pregnancy-2024.yaml');

const BIRTH = '2024-01-01';
const at = (days: number) => addDays(BIRTH, days);

function evaluateChild(ageDays: number, ev: TrackingEvidence[], person: Partial<TrackedPerson> = {}) {
  return evaluatePathway(child(person), ev, CHILD, at(ageDays));
}

function status(result: ReturnType<typeof evaluatePathway>, itemId: string) {
  const item = result.items.find((i) => i.itemId === itemId);
  if (!item) throw new Error(`no item ${itemId}`);
  return item;
}

describe('evaluatePathway: worked cases', () => {
  it('a newborn of 4 days with BCG and hepatitis B: amber, the first checkup and the DNI due', () => {
    const result = evaluateChild(
      4,
      [evidence('vaccine_dose', BIRTH, { code: 'BCG' }), evidence('vaccine_dose', BIRTH, { code: 'HVB' })],
      { hasIdentityDocument: false, documentIssuedOn: null },
    );
    expect(result.light).toBe('amber');
    expect(status(result, 'checkup-nb1')).toMatchObject({ status: 'due', dueDate: at(3), lateDate: at(6) });
    expect(status(result, 'vaccine-bcg').status).toBe('done');
    expect(status(result, 'checkup-nb2').status).toBe('upcoming');
    expect(status(result, 'identity-document')).toMatchObject({
      status: 'due',
      lateDate: at(30),
      criticality: 'critical',
    });
    expect(result.risks).toEqual([]);
    // The critical item first, then the others due.
    expect(result.reasons[0]).toEqual({
      code: 'item_due',
      itemId: 'identity-document',
      text_es: 'Trámite del DNI pendiente: vence en 26 días',
      text_en: 'Identity document (DNI/CUI) due: late in 26 days',
    });
    expect(result.reasons.map((r) => r.itemId)).toEqual([
      'identity-document',
      'checkup-nb1',
      'health-insurance',
    ]);
  });

  it('a newborn of 4 days without the hepatitis B birth dose: red', () => {
    const result = evaluateChild(4, [evidence('vaccine_dose', BIRTH, { code: 'BCG' })]);
    expect(result.light).toBe('red');
    expect(result.reasons[0]?.text_es).toBe(
      'Vacuna contra la hepatitis B del recién nacido vencida hace 3 días',
    );
    // After a week the birth dose is no longer given: the item closes as missed.
    const later = evaluateChild(10, [evidence('vaccine_dose', BIRTH, { code: 'BCG' })]);
    expect(status(later, 'vaccine-hvb')).toMatchObject({ status: 'not_applicable', missed: true });
  });

  it('a 5-month-old without pentavalent 2: overdue, red, and the reason says by how much', () => {
    const ev = completeEvidence(CHILD, BIRTH, 165, ['vaccine-penta-2']);
    const result = evaluateChild(165, ev);
    expect(status(result, 'vaccine-penta-2')).toMatchObject({
      status: 'overdue',
      daysOverdue: 13,
      lateDate: at(152),
    });
    expect(result.light).toBe('red');
    expect(result.reasons).toEqual([
      {
        code: 'item_overdue',
        itemId: 'vaccine-penta-2',
        text_es: 'Vacuna pentavalente 2 vencida hace 13 días',
        text_en: 'Pentavalent vaccine dose 2 overdue by 13 days',
      },
    ]);
    // With every dose in place the same child is green.
    expect(evaluateChild(165, completeEvidence(CHILD, BIRTH, 165)).light).toBe('green');
  });

  it('a 7-month-old with every vaccine but no hemoglobin test: due, amber', () => {
    const result = evaluateChild(217, completeEvidence(CHILD, BIRTH, 217, ['hemoglobin-6m']));
    expect(status(result, 'hemoglobin-6m')).toMatchObject({ status: 'due', lateDate: at(243) });
    expect(
      result.items.filter((i) => i.status === 'due' || i.status === 'overdue').map((i) => i.itemId),
    ).toEqual(['hemoglobin-6m']);
    expect(result.light).toBe('amber');
    expect(result.reasons.map((r) => r.text_es)).toEqual([
      'Tamizaje de hemoglobina de los 6 meses pendiente: vence en 26 días',
    ]);
  });

  it('a child of 12 months with moderate anemia at 3,800 m: red, with the adjusted value', () => {
    const ev = [
      ...completeEvidence(CHILD, BIRTH, 370),
      evidence('hemoglobin', at(368), { values: { hbGdl: 11.8 } }),
    ];
    const result = evaluateChild(370, ev, { altitudeM: 3800 });
    expect(result.risks).toEqual([
      expect.objectContaining({ code: 'anemia', severity: 'moderate', evidenceId: ev.at(-1)!.id }),
    ]);
    expect(result.light).toBe('red');
    expect(result.reasons[0]).toEqual({
      code: 'anemia',
      text_es: 'Anemia moderada (Hb ajustada 9,2 g/dL)',
      text_en: 'Moderate anemia (adjusted Hb 9.2 g/dL)',
    });
    // At sea level the same 11.8 g/dL is no anemia.
    expect(evaluateChild(370, ev, { altitudeM: 100 }).light).toBe('green');
  });

  it('uses the latest hemoglobin of the last six months only', () => {
    const anemic = evidence('hemoglobin', at(200), { values: { hbGdl: 9.0 } });
    const normal = evidence('hemoglobin', at(300), { values: { hbGdl: 12.5 } });
    const base = completeEvidence(CHILD, BIRTH, 380);
    expect(evaluateChild(250, [...base, anemic]).risks.map((r) => r.code)).toEqual(['anemia']);
    // 183 days after the test it still counts, 190 days after it no longer does.
    expect(evaluateChild(383, [...base, anemic]).risks.map((r) => r.code)).toEqual(['anemia']);
    expect(evaluateChild(390, [...base, anemic]).risks).toEqual([]);
    // A later normal result replaces it.
    expect(evaluateChild(310, [...base, anemic, normal]).risks).toEqual([]);
  });

  it('a stunted child of 18 months: red, with the z-score', () => {
    const ev = [
      ...completeEvidence(CHILD, BIRTH, 560),
      evidence('measurement', at(548), { values: { weightKg: 9.0, lengthCm: 74, measured: 'lying' } }),
    ];
    const result = evaluateChild(560, ev);
    expect(result.risks).toEqual([expect.objectContaining({ code: 'stunting', severity: 'moderate' })]);
    expect(result.light).toBe('red');
    expect(result.reasons[0]).toMatchObject({
      text_es: 'Desnutrición crónica (talla para la edad -2,3 DE)',
      text_en: 'Stunting (length-for-age z -2.3)',
    });
  });

  it('a severely stunted child ranks above a late vaccine', () => {
    const ev = [
      ...completeEvidence(CHILD, BIRTH, 280, ['vaccine-flu-2']),
      evidence('growth_checkup', at(274), { values: { weightKg: 7.6, lengthCm: 65 } }),
    ];
    const result = evaluateChild(280, evidenceWithoutCheckupAt(ev, at(274)), { sex: 'male' });
    expect(result.reasons.map((r) => r.code)).toEqual(['stunting', 'item_overdue']);
    expect(result.reasons[0]?.text_es).toBe('Desnutrición crónica severa (talla para la edad -3,1 DE)');
  });

  it('an implausible measurement: to be re-measured, left out of the classification', () => {
    const implausible = evidence('measurement', at(366), { values: { weightKg: 3.0, lengthCm: 75 } });
    const base = completeEvidence(CHILD, BIRTH, 370);
    const result = evaluateChild(370, [...base, implausible], { sex: 'male' });
    expect(result.risks).toEqual([
      expect.objectContaining({ code: 'implausible_measurement', evidenceId: implausible.id }),
    ]);
    expect(result.risks[0]?.detail).toMatch(/weightForAge z -7\.82/);
    expect(result.light).toBe('amber');
    expect(result.reasons).toEqual([
      {
        code: 'implausible_measurement',
        text_es: 'Medición improbable del 01/01/2025: volver a medir',
        text_en: 'Implausible measurement on 2025-01-01: to be re-measured',
      },
    ]);
    // The previous plausible measurement still classifies the child.
    const stunted = evidence('measurement', at(274), { values: { weightKg: 7.6, lengthCm: 65 } });
    const both = evaluateChild(370, [...base, stunted, implausible], { sex: 'male' });
    expect(both.risks.map((r) => r.code).sort()).toEqual(['implausible_measurement', 'stunting']);
    expect(both.light).toBe('red');
  });

  it('a child without DNI at 45 days: red', () => {
    const ev = completeEvidence(CHILD, BIRTH, 45, ['identity-document']);
    const result = evaluateChild(45, ev, { hasIdentityDocument: false, documentIssuedOn: null });
    expect(result.light).toBe('red');
    expect(status(result, 'identity-document')).toMatchObject({ status: 'overdue', daysOverdue: 15 });
    expect(result.risks).toEqual([
      expect.objectContaining({ code: 'no_identity_document', severity: 'moderate' }),
    ]);
    expect(result.reasons.map((r) => r.text_es)).toEqual([
      'Trámite del DNI vencido hace 15 días',
      'Sin DNI a los 45 días de nacido',
    ]);
  });

  it('counts a document the registry knows of, from its issue date', () => {
    const ev = completeEvidence(CHILD, BIRTH, 45, ['identity-document']);
    const issued = evaluateChild(45, ev, { hasIdentityDocument: true, documentIssuedOn: at(20) });
    expect(status(issued, 'identity-document')).toMatchObject({
      status: 'done',
      evidenceIds: [REGISTRY_DOCUMENT_EVIDENCE_ID],
    });
    expect(issued.light).toBe('green');
    // Issued after the evaluation date: not yet.
    const notYet = evaluateChild(45, ev, { hasIdentityDocument: true, documentIssuedOn: at(60) });
    expect(notYet.light).toBe('red');
  });

  it('a pregnant adolescent at 10 weeks: amber, with the reason', () => {
    const lmp = '2024-03-01';
    const result = evaluatePathway(
      pregnancy({ lastMenstrualPeriod: lmp, motherAgeYears: 16 }),
      [],
      PREGNANCY,
      addDays(lmp, 72),
    );
    expect(result.risks).toEqual([expect.objectContaining({ code: 'adolescent_mother', severity: 'mild' })]);
    expect(result.light).toBe('amber');
    expect(status(result, 'prenatal-visit-1')).toMatchObject({
      status: 'due',
      lateDate: addDays(lmp, 13 * 7 + 6),
    });
    expect(status(result, 'iron-folic-1').status).toBe('upcoming');
    const reason = result.reasons.find((r) => r.code === 'adolescent_mother');
    expect(reason).toEqual({
      code: 'adolescent_mother',
      text_es: 'Gestante adolescente (16 años)',
      text_en: 'Pregnant adolescent (16 years old)',
    });
    // The syphilis and HIV tests are critical: they lead the reasons while due.
    expect(result.reasons.slice(0, 2).map((r) => r.itemId)).toEqual(['test-syphilis-t1', 'test-hiv-t1']);
  });

  it('a pregnancy: weeks from the estimated delivery date, anemia by trimester, late tests red', () => {
    const edd = '2024-10-07'; // LMP 2024-01-01
    const person = pregnancy({ lastMenstrualPeriod: null, estimatedDeliveryDate: edd });
    const asOf = addDays('2024-01-01', 20 * 7);
    const ev = [
      ...completeEvidence(PREGNANCY, '2024-01-01', 20, ['test-hiv-t1']),
      evidence('hemoglobin', addDays('2024-01-01', 19 * 7), { values: { hbGdl: 10.4 } }),
    ];
    const result = evaluatePathway(person, ev, PREGNANCY, asOf);
    expect(result.risks.map((r) => [r.code, r.severity])).toEqual([['anemia', 'mild']]);
    expect(status(result, 'test-hiv-t1')).toMatchObject({ status: 'overdue', criticality: 'critical' });
    expect(result.light).toBe('red');
    // Evidence from before this pregnancy (an earlier one) does not count.
    const earlier = evidence('prenatal_test', '2023-06-01', { code: 'HIV' });
    expect(status(evaluatePathway(person, [...ev, earlier], PREGNANCY, asOf), 'test-hiv-t1').status).toBe(
      'overdue',
    );
  });

  it('a roster as of a past date ignores evidence recorded after it', () => {
    const ev = completeEvidence(CHILD, BIRTH, 200, ['vaccine-penta-2']);
    const lateDose = evidence('vaccine_dose', at(170), { code: 'PENTA' });
    const before = evaluateChild(165, [...ev, lateDose]);
    expect(status(before, 'vaccine-penta-2').status).toBe('overdue');
    expect(before.light).toBe('red');
    expect(before.asOf).toBe(at(165));
    const after = evaluateChild(175, [...ev, lateDose]);
    expect(status(after, 'vaccine-penta-2')).toMatchObject({ status: 'done', evidenceIds: [lateDose.id] });
    expect(after.light).toBe('green');
  });

  it('two versions of the pathway give different checkups for the same child', () => {
    const ev = completeEvidence(CHILD, BIRTH, 160);
    const v2025 = evaluatePathway(child(), ev, CHILD, at(160));
    const v2017 = evaluatePathway(child(), ev, CHILD_2017, at(160));
    const checkups = (r: typeof v2025) =>
      r.items.filter((i) => i.kind === 'growth_checkup').map((i) => `${i.itemId}:${i.status}`);
    expect(checkups(v2025).slice(0, 8)).toEqual([
      'checkup-nb1:done',
      'checkup-nb2:done',
      'checkup-nb3:done',
      'checkup-m01:done',
      'checkup-m02:done',
      'checkup-m03:done',
      'checkup-m04:done',
      'checkup-m06:upcoming',
    ]);
    expect(checkups(v2017).slice(0, 9)).toEqual([
      'checkup-nb1:done',
      'checkup-nb2:done',
      'checkup-nb3:done',
      'checkup-nb4:not_applicable',
      'checkup-m01:done',
      'checkup-m02:done',
      'checkup-m03:done',
      'checkup-m04:done',
      'checkup-m05:due',
    ]);
    expect([v2025.light, v2017.light]).toEqual(['green', 'amber']);
    expect([v2025.pathwayVersion, v2017.pathwayVersion]).toEqual(['2025', '2017']);
  });
});

describe('evaluatePathway: items', () => {
  it('yellow fever applies in Amazon regions only', () => {
    const ev = completeEvidence(CHILD, BIRTH, 500, ['vaccine-yf']);
    expect(status(evaluateChild(500, ev), 'vaccine-yf')).toMatchObject({
      status: 'not_applicable',
      missed: false,
    });
    const amazon = evaluateChild(500, ev, { amazon: true });
    expect(status(amazon, 'vaccine-yf')).toMatchObject({ status: 'overdue', daysOverdue: 13 });
    expect(amazon.light).toBe('red');
  });

  it('iron from 30 days for a low-birth-weight child, from 4 months otherwise', () => {
    const lbw = evaluateChild(40, [], { birthWeightKg: 2.2 });
    expect(status(lbw, 'iron-30d').status).toBe('due');
    expect(status(lbw, 'iron-4m').status).toBe('not_applicable');
    const term = evaluateChild(40, [], { birthWeightKg: 3.2 });
    expect(status(term, 'iron-30d').status).toBe('not_applicable');
    expect(status(term, 'iron-4m').status).toBe('upcoming');
  });

  it('a checkup counts for the checkup of its age only', () => {
    const result = evaluateChild(70, [evidence('growth_checkup', at(65))]);
    expect(status(result, 'checkup-m02').status).toBe('done');
    expect(status(result, 'checkup-m01')).toMatchObject({ status: 'not_applicable', missed: true });
  });

  it('a checkup late by 30 days or more counts as critical', () => {
    const ev = completeEvidence(CHILD, BIRTH, 170, ['checkup-m04']);
    const early = evaluateChild(
      150,
      ev.filter((e) => e.date <= at(150)),
    );
    expect(status(early, 'checkup-m04')).toMatchObject({
      status: 'overdue',
      daysOverdue: 14,
      criticality: 'normal',
    });
    expect(early.light).toBe('amber');
    const late = evaluateChild(170, ev);
    expect(status(late, 'checkup-m04')).toMatchObject({ daysOverdue: 34, criticality: 'critical' });
    expect(late.light).toBe('red');
    expect(late.reasons[0]?.text_es).toBe('Control CRED de 4 meses vencido hace 34 días');
  });

  it('counts doses in order, at least 28 days apart, and respects an explicit dose number', () => {
    const penta = (days: number, dose?: number) =>
      evidence('vaccine_dose', at(days), dose === undefined ? { code: 'PENTA' } : { code: 'PENTA', dose });
    const twoClose = evaluateChild(200, [penta(61), penta(70)]);
    expect(status(twoClose, 'vaccine-penta-1').status).toBe('done');
    expect(status(twoClose, 'vaccine-penta-2').status).toBe('overdue');
    const spaced = evaluateChild(200, [penta(61), penta(70), penta(125)]);
    expect(status(spaced, 'vaccine-penta-2').status).toBe('done');
    // A dose recorded as the third (earlier ones given elsewhere) satisfies doses 1 to 3.
    const third = penta(190, 3);
    const explicit = evaluateChild(200, [third]);
    for (const id of ['vaccine-penta-1', 'vaccine-penta-2', 'vaccine-penta-3']) {
      expect(status(explicit, id)).toMatchObject({ status: 'done', evidenceIds: [third.id] });
    }
  });

  it('a hexavalent dose counts for pentavalent and IPV', () => {
    const result = evaluateChild(70, [evidence('vaccine_dose', at(62), { code: 'HEXA' })]);
    expect(status(result, 'vaccine-penta-1').status).toBe('done');
    expect(status(result, 'vaccine-ipv-1').status).toBe('done');
    expect(status(result, 'vaccine-pcv-1').status).toBe('due');
  });

  it('reads HIS codes through the Evidence schema (90722 is pentavalent)', () => {
    const raw = {
      id: '0190a3a4-7c1e-7000-8000-000000000001',
      personId: '0190a3a4-7c1e-7000-8000-000000000002',
      kind: 'vaccine_dose',
      date: at(61),
      code: '90722',
      source: 'his_minsa',
      sourceRef: 'HIS-2024-000123',
    };
    const parsed = Evidence.parse(raw);
    expect(parsed.code).toBe('PENTA');
    expect(status(evaluateChild(70, [parsed]), 'vaccine-penta-1').status).toBe('done');
    const unknown = Evidence.safeParse({ ...raw, code: '99999' });
    expect(unknown.success).toBe(false);
    expect(unknown.error?.issues[0]?.path).toEqual(['code']);
    const impossible = Evidence.safeParse({
      ...raw,
      kind: 'measurement',
      code: undefined,
      values: { weightKg: 75 },
    });
    expect(impossible.error?.issues[0]?.path).toEqual(['values', 'weightKg']);
  });

  it('rotavirus closes at 8 months when not given', () => {
    const result = evaluateChild(250, []);
    expect(status(result, 'vaccine-rota-2')).toMatchObject({ status: 'not_applicable', missed: true });
    expect(status(result, 'vaccine-penta-2').status).toBe('overdue');
  });
});

describe('evaluatePathway: traffic-light rules', () => {
  it('takes the rules given in the options', () => {
    const rules = parseTrafficLightRules(
      [
        'version: strict-1',
        'rules:',
        '  - light: red',
        '    when: counts.missed >= 2 || items.exists(i, i.daysOverdue > 10)',
        '  - light: amber',
        '    when: items.size() > 0',
        'otherwise: green',
        '',
      ].join('\n'),
      'strict.yaml',
    );
    const missed = ['checkup-nb1', 'checkup-nb2', 'checkup-nb3', 'checkup-m01'];
    const ev = completeEvidence(CHILD, BIRTH, 100, missed);
    const strict = evaluatePathway(child(), ev, CHILD, at(100), { trafficLightRules: rules });
    expect(strict.rulesVersion).toBe('strict-1');
    expect(strict.items.filter((i) => i.missed).map((i) => i.itemId)).toEqual(missed);
    expect(strict.light).toBe('red');
    // The default rules let missed checkups go: the next one is what counts.
    const lenient = evaluatePathway(child(), ev, CHILD, at(100));
    expect(lenient.light).toBe('green');
    expect(lenient.rulesVersion).toBe('default-2025');
  });

  it('gives a higher urgency to red than to amber, and to a worse reason within a light', () => {
    const red = evaluateChild(165, completeEvidence(CHILD, BIRTH, 165, ['vaccine-penta-2']));
    const amber = evaluateChild(217, completeEvidence(CHILD, BIRTH, 217, ['hemoglobin-6m']));
    const green = evaluateChild(165, completeEvidence(CHILD, BIRTH, 165));
    expect(red.urgency).toBeGreaterThan(amber.urgency);
    expect(amber.urgency).toBeGreaterThan(green.urgency);
    expect(green.urgency).toBe(0);
  });
});

describe('evaluatePathway: bad input', () => {
  it('refuses a child without birth date, a pregnancy without dates, a bad date or altitude', () => {
    expect(() => evaluatePathway(child({ birthDate: null }), [], CHILD, '2024-05-01')).toThrow(RangeError);
    expect(() =>
      evaluatePathway(
        pregnancy({ lastMenstrualPeriod: null, estimatedDeliveryDate: null }),
        [],
        PREGNANCY,
        '2024-05-01',
      ),
    ).toThrow(/lastMenstrualPeriod or estimatedDeliveryDate/);
    expect(() => evaluatePathway(child(), [], CHILD, '2024-02-30')).toThrow(/asOf/);
    expect(() => evaluatePathway(child({ altitudeM: 9000 }), [], CHILD, '2024-05-01')).toThrow(/altitudeM/);
  });

  it('ignores evidence with an unreadable date rather than failing the whole recompute', () => {
    const result = evaluateChild(70, [evidence('vaccine_dose', '2024-13-01', { code: 'PENTA' })]);
    expect(status(result, 'vaccine-penta-1').status).toBe('due');
  });

  it('gives the same result whatever was evaluated before (no state leaks between persons)', () => {
    const a = () => evaluateChild(165, completeEvidence(CHILD, BIRTH, 165, ['vaccine-penta-2']));
    const first = a();
    evaluatePathway(pregnancy(), completeEvidence(PREGNANCY, '2024-01-01', 30), PREGNANCY, '2024-08-01');
    evaluateChild(900, completeEvidence(CHILD, BIRTH, 900));
    const again = a();
    expect(again.items.map((i) => [i.itemId, i.status])).toEqual(
      first.items.map((i) => [i.itemId, i.status]),
    );
    expect(again.light).toBe(first.light);
  });
});

function evidenceWithoutCheckupAt(ev: TrackingEvidence[], date: string): TrackingEvidence[] {
  // completeEvidence already puts a plain checkup on the day of the measured one; keep the measured one.
  return ev.filter((e) => !(e.kind === 'growth_checkup' && e.date === date && e.values === undefined));
}
