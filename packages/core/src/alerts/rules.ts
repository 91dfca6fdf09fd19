/**
 * Rule alerts: CEL over the same tracking result as the traffic light (items, risks, person,
 * counts). A recompute evaluates them for every tracked person beside the light, so each rule
 * is compiled once and reads only the variables it names.
 */

import { TRAFFIC_LIGHT_ENVIRONMENT, type TrafficLightContext } from '../pathway/facts';
import type { CompiledRule } from '../rules';

export interface AlertRuleDefinition {
  code: string;
  rule: string;
  /** Children, pregnancies or both (absent: both). */
  subjects?: ReadonlyArray<'child' | 'pregnancy'> | undefined;
}

export interface CompiledAlertRules {
  readonly variables: ReadonlySet<string>;
  readonly rules: ReadonlyArray<{
    readonly code: string;
    readonly child: boolean;
    readonly pregnancy: boolean;
    readonly rule: CompiledRule<TrafficLightContext>;
  }>;
}

/**
 * Compile rule alerts once. Throws a RuleError for a rule that does not compile or is not
 * true/false (parseAlertTypes reports the same with the file and line).
 */
export function compileAlertRules(definitions: readonly AlertRuleDefinition[]): CompiledAlertRules {
  const rules = definitions.map((d) => ({
    code: d.code,
    child: d.subjects === undefined || d.subjects.includes('child'),
    pregnancy: d.subjects === undefined || d.subjects.includes('pregnancy'),
    rule: TRAFFIC_LIGHT_ENVIRONMENT.compile(d.rule, { returns: 'bool' }),
  }));
  return { variables: new Set(rules.flatMap((r) => [...r.rule.variables])), rules };
}

const NONE: string[] = Object.freeze([]) as unknown as string[];

/**
 * The alert types whose rules hold for a tracking result's facts, in the order of the rules.
 * @example firedAlerts(compileAlertRules([{ code: 'anemia', rule: 'risks.exists(r, r.code == "anemia")' }]), context)
 */
export function firedAlerts(compiled: CompiledAlertRules, context: TrafficLightContext): string[] {
  if (compiled.rules.length === 0) return NONE;
  const pregnant = context.person.kind === 'pregnancy';
  const prepared = TRAFFIC_LIGHT_ENVIRONMENT.prepare(context, compiled.variables);
  let fired: string[] | undefined;
  for (let i = 0; i < compiled.rules.length; i++) {
    const r = compiled.rules[i]!;
    if (pregnant ? !r.pregnancy : !r.child) continue;
    if (!r.rule.test(prepared)) continue;
    if (fired === undefined) fired = [r.code];
    else fired.push(r.code);
  }
  return fired ?? NONE;
}
