import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  type Pathway,
  type PathwaySubject,
  parsePathway,
  parseTrafficLightRules,
  selectPathway,
  type TrafficLightRules,
} from '@tejido/schemas';

/** config/pathways of the repository; TEJIDO_PATHWAYS_DIR points elsewhere for a programme's own. */
export const DEFAULT_PATHWAYS_DIR = resolve(
  dirname(fileURLToPath(import.meta.url)),
  '../../../../../config/pathways',
);

const RULES_FILE = 'traffic-light.yaml';

/** Every care pathway version of a folder and its traffic-light rules. */
export interface PathwaySet {
  dir: string;
  pathways: Pathway[];
  rules: TrafficLightRules;
}

const cache = new Map<string, PathwaySet>();

/**
 * Read and check every pathway file of a folder (one file per version, `<code>-<version>.yaml`)
 * and its traffic-light rules. A faulty file throws a ConfigFileError naming the file, line and
 * reason, so the server refuses to start on it rather than judge children by a broken norm.
 */
export function loadPathways(
  dir: string = process.env.TEJIDO_PATHWAYS_DIR || DEFAULT_PATHWAYS_DIR,
): PathwaySet {
  const known = cache.get(dir);
  if (known) return known;
  const files = readdirSync(dir)
    .filter((f) => f.endsWith('.yaml') || f.endsWith('.yml'))
    .sort();
  const rulesFile = files.find((f) => f === RULES_FILE);
  if (!rulesFile) throw new Error(`${join(dir, RULES_FILE)}: the traffic-light rules are missing`);
  const rules = parseTrafficLightRules(readFileSync(join(dir, rulesFile), 'utf8'), rulesFile);
  const pathways = files
    .filter((f) => f !== RULES_FILE)
    .map((f) => parsePathway(readFileSync(join(dir, f), 'utf8'), f));
  const set = { dir, pathways, rules };
  cache.set(dir, set);
  return set;
}

/** The pathway in force on `asOf` for a child or a pregnancy; an error if the folder has none. */
export function pathwayFor(set: PathwaySet, subject: PathwaySubject, asOf: string): Pathway {
  const pathway = selectPathway(set.pathways, subject, asOf);
  if (!pathway) throw new Error(`${set.dir}: no ${subject} pathway is in force on ${asOf}`);
  return pathway;
}

/** How a status row names the pathway it was computed with. */
export function pathwayKey(p: Pathway): string {
  return `${p.code}@${p.version}`;
}
