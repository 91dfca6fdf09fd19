import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  ALERT_TRANSITIONS,
  type AlertAction,
  type AlertStage,
  allowedAlertActions,
  deadlineOfStage,
  escalationTerritoryLength,
  isOpenStage,
  nextAlertStage,
  OPEN_ALERT_STAGES,
} from './lifecycle';

const STAGES: AlertStage[] = [
  'identified',
  'referred',
  'accepted',
  'rejected',
  'attended',
  'closed',
  'cancelled',
];
const ACTIONS = Object.keys(ALERT_TRANSITIONS) as AlertAction[];

describe('the alert lifecycle', () => {
  it('follows identified → referred → accepted → attended → closed', () => {
    let stage: AlertStage = 'identified';
    for (const action of ['refer', 'accept', 'attend', 'verify'] as const)
      stage = nextAlertStage(stage, action)!;
    expect(stage).toBe('closed');
  });
  it('sends a rejection back to be referred again', () => {
    expect(nextAlertStage('referred', 'reject')).toBe('rejected');
    expect(allowedAlertActions('rejected')).toEqual(['refer', 'cancel']);
  });
  it('refuses the steps the issue names as illegal', () => {
    expect(nextAlertStage('referred', 'attend')).toBeNull(); // attend before accept
    expect(nextAlertStage('closed', 'refer')).toBeNull(); // refer a closed alert
    expect(nextAlertStage('attended', 'cancel')).toBeNull(); // attended: verify it instead
  });
  it('allows nothing once ended, and something in every open stage', () => {
    for (const stage of STAGES) {
      expect(allowedAlertActions(stage).length > 0).toBe(isOpenStage(stage));
      expect(OPEN_ALERT_STAGES.includes(stage)).toBe(isOpenStage(stage));
    }
  });
  it('agrees with itself: a step is allowed exactly when it leads somewhere', () => {
    fc.assert(
      fc.property(fc.constantFrom(...STAGES), fc.constantFrom(...ACTIONS), (stage, action) => {
        expect(nextAlertStage(stage, action) !== null).toBe(allowedAlertActions(stage).includes(action));
      }),
    );
  });
  it('runs a deadline in each stage that waits for someone', () => {
    expect(STAGES.map(deadlineOfStage)).toEqual(['refer', 'accept', 'attend', 'refer', null, null, null]);
  });
  it('escalates from the district to the province, the region and national staff', () => {
    expect([1, 2, 3, 4].map(escalationTerritoryLength)).toEqual([6, 4, 2, 0]);
  });
});
