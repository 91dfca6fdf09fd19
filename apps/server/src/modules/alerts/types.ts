import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { type CompiledAlertRules, compileAlertRules } from '@tejido/core';
import {
  type AlertType,
  type AlertTypeDefinition,
  type AlertTypesFile,
  parseAlertTypes,
  ruleDefinitions,
} from '@tejido/schemas';

/** config/alerts of the repository; TEJIDO_ALERTS_DIR points elsewhere for a programme's own. */
export const DEFAULT_ALERTS_DIR = resolve(
  dirname(fileURLToPath(import.meta.url)),
  '../../../../../config/alerts',
);

/** A programme's alert types, checked and with their rules compiled. */
export interface AlertTypeSet {
  dir: string;
  file: string;
  version: string;
  /** Hours before a stage's deadline when its reminder goes out. */
  reminderHours: number;
  types: ReadonlyMap<string, AlertTypeDefinition>;
  rules: CompiledAlertRules;
}

const cache = new Map<string, AlertTypeSet>();

/**
 * Read the alert-types file of a folder (the only .yaml in it). A faulty file throws a
 * ConfigFileError naming the file, line and reason: the server refuses to start on it.
 */
export function loadAlertTypes(
  dir: string = process.env.TEJIDO_ALERTS_DIR || DEFAULT_ALERTS_DIR,
): AlertTypeSet {
  const known = cache.get(dir);
  if (known) return known;
  const files = readdirSync(dir).filter((f) => f.endsWith('.yaml') || f.endsWith('.yml'));
  if (files.length !== 1) {
    throw new Error(`${dir}: expected one alert-types file (.yaml), found ${files.length}`);
  }
  const file = files[0]!;
  const parsed: AlertTypesFile = parseAlertTypes(readFileSync(join(dir, file), 'utf8'), file);
  const set: AlertTypeSet = {
    dir,
    file,
    version: parsed.version,
    reminderHours: parsed.reminderBefore,
    types: new Map(parsed.types.map((t) => [t.code, t])),
    rules: compileAlertRules(ruleDefinitions(parsed)),
  };
  cache.set(dir, set);
  return set;
}

/** An alert type as the API shows it. */
export function alertTypeView(t: AlertTypeDefinition): AlertType {
  return {
    code: t.code,
    name: t.name,
    description: t.description ?? null,
    severity: t.severity,
    institutionKind: t.institution,
    sensitive: t.sensitive,
    origin: t.rule === undefined ? 'person' : 'rule',
    deadlineHours: t.deadlines,
  };
}
