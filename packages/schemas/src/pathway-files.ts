/**
 * Reading care pathways and traffic-light rules from their YAML files (config/pathways/). Pure:
 * the caller reads the file and passes its text. Here rather than in @tejido/core because it
 * needs the zod schemas; core evaluates what this parses. A file that does not load names the file, the
 * line and the reason, whether the fault is YAML, a field, a window out of order or a rule.
 */

import {
  CONDITION_ENVIRONMENT,
  compilePathway,
  compileTrafficLightRules,
  formatPath,
  parseYamlConfig,
  RuleError,
  TRAFFIC_LIGHT_ENVIRONMENT,
} from '@tejido/core';
import {
  type Pathway,
  Pathway as PathwaySchema,
  type PathwaySubject,
  type TrafficLightRules,
  TrafficLightRules as TrafficLightRulesSchema,
} from './tracking';

function ruleReason(path: ReadonlyArray<PropertyKey>, error: unknown): string {
  const summary = error instanceof RuleError ? error.summary : String(error);
  return `${formatPath(path)}: the rule does not compile: ${summary}`;
}

/**
 * Parse a care pathway file. Throws a ConfigFileError with the file, line and reason for a
 * YAML error, a field the schema refuses (an unknown kind, a window out of order, a duplicate
 * id…) or a condition that is not valid CEL over `person`. The result is compiled for
 * evaluation as it is parsed.
 *
 * @example
 * const pathway = parsePathway(readFileSync('config/pathways/pe-minsa-child-2025.yaml', 'utf8'), 'pe-minsa-child-2025.yaml');
 * pathway.items.find((i) => i.id === 'vaccine-penta-2')?.window; // { from: 122, due: 122, late: 152 }
 */
export function parsePathway(text: string, fileName: string): Pathway {
  const doc = parseYamlConfig(text, fileName, PathwaySchema);
  doc.value.items.forEach((item, i) => {
    if (item.condition === undefined) return;
    try {
      CONDITION_ENVIRONMENT.compile(item.condition, { returns: 'bool' });
    } catch (error) {
      const path = ['items', i, 'condition'];
      doc.fail(path, ruleReason(path, error), error);
    }
  });
  compilePathway(doc.value);
  return doc.value;
}

/**
 * Parse a traffic-light rules file. Throws a ConfigFileError at the line of a rule whose `when`
 * is not valid CEL over items, risks, person and counts, or does not give true or false.
 *
 * @example
 * const rules = parseTrafficLightRules(readFileSync('config/pathways/traffic-light.yaml', 'utf8'), 'traffic-light.yaml');
 * rules.rules[0]?.light; // 'red'
 */
export function parseTrafficLightRules(text: string, fileName: string): TrafficLightRules {
  const doc = parseYamlConfig(text, fileName, TrafficLightRulesSchema);
  doc.value.rules.forEach((rule, i) => {
    try {
      TRAFFIC_LIGHT_ENVIRONMENT.compile(rule.when, { returns: 'bool' });
    } catch (error) {
      const path = ['rules', i, 'when'];
      doc.fail(path, ruleReason(path, error), error);
    }
  });
  compileTrafficLightRules(doc.value);
  return doc.value;
}

/**
 * The pathway in force on a date for a kind of person: among those for `subject`, the one with
 * the latest validFrom on or before `asOf` (undefined if none). Lets a past roster be judged by
 * the norm of its day.
 * @example selectPathway([child2017, child2025], 'child', '2024-06-30')?.version // '2017'
 */
export function selectPathway(
  pathways: readonly Pathway[],
  subject: PathwaySubject,
  asOf: string,
): Pathway | undefined {
  let best: Pathway | undefined;
  for (const p of pathways) {
    if (p.appliesTo !== subject || p.validFrom > asOf) continue;
    if (!best || p.validFrom > best.validFrom) best = p;
  }
  return best;
}
