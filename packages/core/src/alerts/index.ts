export {
  ALERT_TRANSITIONS,
  type AlertAction,
  type AlertDeadline,
  type AlertStage,
  allowedAlertActions,
  deadlineOfStage,
  escalationTerritoryLength,
  isOpenStage,
  MAX_ESCALATION_LEVEL,
  nextAlertStage,
  OPEN_ALERT_STAGES,
} from './lifecycle';
export { type AlertRuleDefinition, type CompiledAlertRules, compileAlertRules, firedAlerts } from './rules';
