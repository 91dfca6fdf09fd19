import type { AlertAction, AlertStage } from '@tejido/schemas';
import { isApiError } from '../../app/api';

/**
 * Why the server refused a step on an alert because of its state: somebody else acted first
 * (VERSION_CONFLICT, with the alert's current version and stage), or the step does not
 * exist in the alert's stage (ILLEGAL_TRANSITION, with the steps that do).
 */
export type AlertConflict =
  | { kind: 'version'; stage: AlertStage | null; currentVersion: number | null }
  | { kind: 'illegal'; stage: AlertStage | null; allowed: AlertAction[] };

const STAGES: readonly string[] = [
  'identified',
  'referred',
  'accepted',
  'rejected',
  'attended',
  'closed',
  'cancelled',
];
const ACTIONS: readonly string[] = ['refer', 'accept', 'reject', 'attend', 'verify', 'cancel'];

function stageOf(value: unknown): AlertStage | null {
  return typeof value === 'string' && STAGES.includes(value) ? (value as AlertStage) : null;
}

/** The conflict a failed step reports, or null when it failed for another reason. */
export function alertConflict(error: unknown): AlertConflict | null {
  if (!isApiError(error) || error.status !== 409) return null;
  const problem = error.problem as Record<string, unknown>;
  if (error.code === 'VERSION_CONFLICT') {
    const version = problem.currentVersion;
    return {
      kind: 'version',
      stage: stageOf(problem.stage),
      currentVersion: typeof version === 'number' && Number.isInteger(version) ? version : null,
    };
  }
  if (error.code === 'ILLEGAL_TRANSITION') {
    const allowed = Array.isArray(problem.allowed)
      ? (problem.allowed.filter((a) => typeof a === 'string' && ACTIONS.includes(a)) as AlertAction[])
      : [];
    return { kind: 'illegal', stage: stageOf(problem.stage), allowed };
  }
  return null;
}
