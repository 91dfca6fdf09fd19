/** The demo accounts `tejido start` prints, one per role; the demo generator creates them. */
export const DEMO_ACCOUNTS = [
  {
    username: 'gestor',
    role: 'field_worker',
    description: 'field worker (gestor local): the households assigned to them',
  },
  { username: 'coordinador', role: 'coordinator', description: 'regional coordinator: the whole region' },
  {
    username: 'coordinador.distrito',
    role: 'coordinator',
    description: 'district coordinator: one district',
  },
  {
    username: 'ipress',
    role: 'institution_agent',
    description: 'health-facility focal point: the households it attends',
  },
  { username: 'ventanilla', role: 'case_worker', description: 'municipal single window: one province' },
  { username: 'datos', role: 'data_steward', description: 'data steward: national' },
  { username: 'admin', role: 'programme_admin', description: 'programme administrator: national' },
  { username: 'auditor', role: 'auditor', description: 'auditor: the audit trail only' },
] as const;
