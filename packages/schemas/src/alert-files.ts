/**
 * Reading a programme's alert types from YAML (config/alerts/). Pure: the caller reads the file.
 * A file that does not load names the file, the line and the reason, whether the fault is YAML,
 * a field or a rule that is not valid CEL over the tracking result.
 */
import {
  compileAlertRules,
  formatPath,
  parseYamlConfig,
  RuleError,
  TRAFFIC_LIGHT_ENVIRONMENT,
} from '@tejido/core';
import { AlertTypesFile } from './alerts';

/**
 * Parse an alert-types file and check every rule against the tracking result's variables
 * (items, risks, person, counts).
 * @example
 * const file = parseAlertTypes(readFileSync('config/alerts/pe-alert-types.yaml', 'utf8'), 'pe-alert-types.yaml');
 * file.types.find((t) => t.code === 'vaccine_overdue')?.institution; // 'health_facility'
 */
export function parseAlertTypes(text: string, fileName: string): AlertTypesFile {
  const doc = parseYamlConfig(text, fileName, AlertTypesFile);
  doc.value.types.forEach((type, i) => {
    if (type.rule === undefined) return;
    try {
      TRAFFIC_LIGHT_ENVIRONMENT.compile(type.rule, { returns: 'bool' });
    } catch (error) {
      const path = ['types', i, 'rule'];
      const summary = error instanceof RuleError ? error.summary : String(error);
      doc.fail(path, `${formatPath(path)}: the rule does not compile: ${summary}`, error);
    }
  });
  compileAlertRules(ruleDefinitions(doc.value));
  return doc.value;
}

/** The rule alert types of a file, as compileAlertRules takes them. */
export function ruleDefinitions(file: AlertTypesFile) {
  return file.types.flatMap((t) =>
    t.rule === undefined ? [] : [{ code: t.code, rule: t.rule, subjects: t.subjects }],
  );
}
