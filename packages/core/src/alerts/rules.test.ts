import { describe, expect, it } from 'vitest';
import { OpenItemFact, RiskFact, type TrafficLightContext } from '../pathway/facts';
import { compileAlertRules, firedAlerts } from './rules';

const context = (overrides: Partial<TrafficLightContext> = {}): TrafficLightContext => ({
  items: [],
  risks: [],
  person: { kind: 'child', ageDays: 400, altitudeM: 3400, amazon: false, hasIdentityDocument: true },
  counts: { done: 0, due: 0, overdue: 0, upcoming: 0, notApplicable: 0, missed: 0 },
  ...overrides,
});

describe('rule alerts', () => {
  const rules = compileAlertRules([
    {
      code: 'vaccine_overdue',
      rule: 'items.exists(i, i.kind == "vaccine" && i.status == "overdue" && i.daysOverdue > 15)',
      subjects: ['child'],
    },
    { code: 'anemia_untreated', rule: 'risks.exists(r, r.code == "anemia" && !r.treated)' },
    { code: 'prenatal_visit_missing', rule: 'counts.overdue > 0', subjects: ['pregnancy'] },
  ]);

  it('fires the rules that hold, in their order', () => {
    const fired = firedAlerts(
      rules,
      context({
        items: [new OpenItemFact('vaccine-penta-2', 'vaccine', 'overdue', 'critical', 40, 0)],
        risks: [new RiskFact('anemia', 'moderate', false)],
      }),
    );
    expect(fired).toEqual(['vaccine_overdue', 'anemia_untreated']);
  });
  it('does not fire for a vaccine a few days late, nor for treated anemia', () => {
    const fired = firedAlerts(
      rules,
      context({
        items: [new OpenItemFact('vaccine-penta-2', 'vaccine', 'overdue', 'critical', 10, 0)],
        risks: [new RiskFact('anemia', 'moderate', true)],
      }),
    );
    expect(fired).toEqual([]);
  });
  it('keeps each rule to its subjects', () => {
    const overdue = { done: 0, due: 0, overdue: 1, upcoming: 0, notApplicable: 0, missed: 0 };
    expect(firedAlerts(rules, context({ counts: overdue }))).toEqual([]);
    const pregnancy = context({
      counts: overdue,
      person: {
        kind: 'pregnancy',
        gestationalWeeks: 20,
        altitudeM: 0,
        amazon: false,
        hasIdentityDocument: true,
      },
    });
    expect(firedAlerts(rules, pregnancy)).toEqual(['prenatal_visit_missing']);
  });
});
