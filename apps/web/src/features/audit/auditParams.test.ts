import { describe, expect, it } from 'vitest';
import { checkAuditFilters, EMPTY_AUDIT_FILTERS, readAuditFilters, writeAuditFilters } from './auditParams';

const HOUSEHOLD = '0190b2c4-7d1e-7000-8000-00000000abcd';

describe('audit filters in the address', () => {
  it('writes Spanish parameter names and reads them back', () => {
    const filters = {
      actor: 'gestor',
      action: 'household.read',
      householdId: HOUSEHOLD,
      from: '2025-01-01',
      to: '2025-01-31',
    };
    const params = writeAuditFilters(filters);
    expect(params.toString()).toBe(
      `actor=gestor&accion=household.read&hogar=${HOUSEHOLD}&desde=2025-01-01&hasta=2025-01-31`,
    );
    expect(readAuditFilters(params)).toEqual(filters);
  });

  it('leaves out empty filters', () => {
    expect(writeAuditFilters({ ...EMPTY_AUDIT_FILTERS, actor: '  ' }).toString()).toBe('');
  });

  it('ignores a household id or a date that is not one', () => {
    const read = readAuditFilters(new URLSearchParams('hogar=HH-000123&desde=01/02/2025&hasta=2025-02-30x'));
    expect(read).toEqual(EMPTY_AUDIT_FILTERS);
  });
});

describe('checkAuditFilters', () => {
  it('accepts empty filters and a proper range', () => {
    expect(checkAuditFilters(EMPTY_AUDIT_FILTERS)).toEqual({});
    expect(checkAuditFilters({ ...EMPTY_AUDIT_FILTERS, from: '2025-01-01', to: '2025-01-01' })).toEqual({});
  });

  it('flags a household id that is not a UUID and a range that ends before it starts', () => {
    expect(checkAuditFilters({ ...EMPTY_AUDIT_FILTERS, householdId: 'HH-000123' })).toEqual({
      householdId: true,
    });
    expect(checkAuditFilters({ ...EMPTY_AUDIT_FILTERS, from: '2025-02-01', to: '2025-01-31' })).toEqual({
      range: true,
    });
  });
});
