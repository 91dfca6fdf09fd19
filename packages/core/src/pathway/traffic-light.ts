/**
 * The traffic light: rules tried in order, the first true one gives the light. The defaults
 * below are the ones shipped in config/pathways/traffic-light.yaml (a test keeps them equal).
 */
import type { TrafficLight, TrafficLightRules } from '@tejido/schemas';
import type { CompiledRule } from '../rules';
import { TRAFFIC_LIGHT_ENVIRONMENT, type TrafficLightContext } from './facts';

/**
 * Red when a critical item is late or a serious risk is present; amber when something is due
 * or late, or any other risk is present; green otherwise (the definition).
 */
export const DEFAULT_TRAFFIC_LIGHT_RULES: TrafficLightRules = {
  version: 'default-2025',
  rules: [
    {
      light: 'red',
      when:
        'items.exists(i, i.status == "overdue" && i.criticality == "critical") || ' +
        'risks.exists(r, r.code in ["anemia", "stunting", "wasting", "no_identity_document"])',
      description: {
        es: 'Algo crítico está vencido, o hay anemia, desnutrición o falta el DNI',
        en: 'A critical item is late, or there is anemia, stunting, wasting or no identity document',
      },
    },
    {
      light: 'amber',
      when: 'items.exists(i, i.status == "due") || items.exists(i, i.status == "overdue")',
      description: { es: 'Algo toca ahora o está vencido', en: 'Something is due now or late' },
    },
    {
      light: 'amber',
      when: 'size(risks) > 0',
      description: {
        es: 'Otro factor de riesgo (madre adolescente, bajo peso, medición a repetir)',
        en: 'Another risk factor (adolescent mother, underweight, a measurement to repeat)',
      },
    },
  ],
  otherwise: 'green',
};

export interface CompiledTrafficLight {
  readonly version: string;
  /** The context variables the rules read: only these are prepared for each person. */
  readonly variables: ReadonlySet<string>;
  readonly rules: ReadonlyArray<{
    readonly light: TrafficLight;
    readonly rule: CompiledRule<TrafficLightContext>;
  }>;
  readonly otherwise: TrafficLight;
}

const compiledRules = new WeakMap<TrafficLightRules, CompiledTrafficLight>();

/**
 * Compile traffic-light rules once (cached per rules object). Throws a RuleError for a rule that
 * does not compile or is not true/false; parseTrafficLightRules reports the same with its line.
 * @example compileTrafficLightRules(DEFAULT_TRAFFIC_LIGHT_RULES).rules.length // 3
 */
export function compileTrafficLightRules(rules: TrafficLightRules): CompiledTrafficLight {
  let compiled = compiledRules.get(rules);
  if (!compiled) {
    const list = rules.rules.map((r) => ({
      light: r.light,
      rule: TRAFFIC_LIGHT_ENVIRONMENT.compile(r.when, { returns: 'bool' }),
    }));
    compiled = {
      version: rules.version,
      variables: new Set(list.flatMap((r) => [...r.rule.variables])),
      rules: list,
      otherwise: rules.otherwise,
    };
    compiledRules.set(rules, compiled);
  }
  return compiled;
}

/**
 * The light the rules give for a context: the first rule that holds, else `otherwise`.
 * @example
 * trafficLight(compileTrafficLightRules(DEFAULT_TRAFFIC_LIGHT_RULES), { items: [], risks: [], person, counts })
 * // 'green'
 */
export function trafficLight(compiled: CompiledTrafficLight, context: TrafficLightContext): TrafficLight {
  const prepared = TRAFFIC_LIGHT_ENVIRONMENT.prepare(context, compiled.variables);
  for (let i = 0; i < compiled.rules.length; i++) {
    const { light, rule } = compiled.rules[i]!;
    if (rule.test(prepared)) return light;
  }
  return compiled.otherwise;
}
