/**
 * The lifecycle of an alert, from the home to the competent institution and back:
 *
 *   identified → referred → accepted → attended → closed (verified by the programme)
 *                    ↓  ↑
 *                 rejected (with a reason: back to the coordinator, who refers again)
 *
 * cancelled (with a reason) from any open stage; closed by Tejido itself, from any open stage,
 * when the evidence that answers a rule alert arrives. Pure data and functions: the server
 * applies them under an optimistic version and records every step.
 */

export type AlertStage =
  | 'identified'
  | 'referred'
  | 'accepted'
  | 'rejected'
  | 'attended'
  | 'closed'
  | 'cancelled';

/** Steps a person (or an institution's system) takes. */
export type AlertAction = 'refer' | 'accept' | 'reject' | 'attend' | 'verify' | 'cancel';

export const OPEN_ALERT_STAGES: readonly AlertStage[] = [
  'identified',
  'referred',
  'accepted',
  'rejected',
  'attended',
];

/** Each action: the stages it may start from and the stage it leads to. */
export const ALERT_TRANSITIONS: Readonly<
  Record<AlertAction, { from: readonly AlertStage[]; to: AlertStage }>
> = {
  refer: { from: ['identified', 'rejected'], to: 'referred' },
  accept: { from: ['referred'], to: 'accepted' },
  reject: { from: ['referred'], to: 'rejected' },
  attend: { from: ['accepted'], to: 'attended' },
  verify: { from: ['attended'], to: 'closed' },
  cancel: { from: ['identified', 'referred', 'accepted', 'rejected'], to: 'cancelled' },
};

const ACTIONS = Object.keys(ALERT_TRANSITIONS) as AlertAction[];

export function isOpenStage(stage: AlertStage): boolean {
  return stage !== 'closed' && stage !== 'cancelled';
}

/**
 * The actions the lifecycle allows from a stage, whoever asks.
 * @example allowedAlertActions('referred') // ['accept', 'reject', 'cancel']
 */
export function allowedAlertActions(stage: AlertStage): AlertAction[] {
  return ACTIONS.filter((a) => ALERT_TRANSITIONS[a].from.includes(stage));
}

/** The stage an action leads to from `stage`, or null when the lifecycle does not allow it. */
export function nextAlertStage(stage: AlertStage, action: AlertAction): AlertStage | null {
  const t = ALERT_TRANSITIONS[action];
  return t.from.includes(stage) ? t.to : null;
}

/** The deadline that runs in a stage: to refer, to accept, to attend; none once attended. */
export type AlertDeadline = 'refer' | 'accept' | 'attend';

export function deadlineOfStage(stage: AlertStage): AlertDeadline | null {
  switch (stage) {
    case 'identified':
    case 'rejected':
      return 'refer';
    case 'referred':
      return 'accept';
    case 'accepted':
      return 'attend';
    default:
      return null;
  }
}

/**
 * Who is told when a stage's deadline passes: the coordinators of the alert's district, then of
 * its province, then of its region, then national programme staff. Returns the territory-code
 * length to look for at an escalation level (1 district, 2 province, 3 region), 0 for national.
 * @example escalationTerritoryLength(1) // 6
 */
export function escalationTerritoryLength(level: number): number {
  if (level <= 1) return 6;
  if (level === 2) return 4;
  if (level === 3) return 2;
  return 0;
}

/** The last escalation level: national programme staff. */
export const MAX_ESCALATION_LEVEL = 4;
