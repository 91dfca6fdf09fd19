import type { Role } from '@tejido/schemas';
import { describe, expect, it } from 'vitest';
import { homePath, landingPath, navigationFor, safeReturnPath, scopeText } from './access';

describe('navigationFor', () => {
  it('gives a field worker their own households, their roster and their alerts', () => {
    expect(navigationFor('field_worker')).toEqual([
      { label: 'nav.myHouseholds', to: '/hogares', icon: 'households' },
      { label: 'nav.roster', to: '/padron', icon: 'roster' },
      { label: 'nav.alerts', to: '/alertas', icon: 'alerts' },
    ]);
  });

  it('gives an institution agent the households of their facility, the roster and the inbox', () => {
    expect(navigationFor('institution_agent').map((i) => i.label)).toEqual([
      'nav.facilityHouseholds',
      'nav.roster',
      'nav.inbox',
    ]);
  });

  it('gives a case worker the households, the roster, the alerts and their funnel', () => {
    expect(navigationFor('case_worker').map((i) => i.label)).toEqual([
      'nav.households',
      'nav.roster',
      'nav.alerts',
      'nav.funnel',
    ]);
  });

  it('gives a coordinator the results of the imports too', () => {
    expect(navigationFor('coordinator').map((i) => i.label)).toEqual([
      'nav.households',
      'nav.roster',
      'nav.alerts',
      'nav.funnel',
      'imports.menu',
    ]);
  });

  it.each<Role>(['data_steward', 'programme_admin'])('gives %s the imports and the linkage queue', (role) => {
    expect(navigationFor(role).map((i) => i.label)).toEqual([
      'nav.households',
      'nav.roster',
      'nav.alerts',
      'nav.funnel',
      'imports.menu',
      'linkage.menu',
    ]);
  });

  it('gives the auditor the audit trail and no households nor roster', () => {
    expect(navigationFor('auditor')).toEqual([{ label: 'nav.audit', to: '/auditoria', icon: 'audit' }]);
  });
});

describe('homePath', () => {
  it('starts everybody at the households but the auditor', () => {
    expect(homePath('field_worker')).toBe('/hogares');
    expect(homePath('auditor')).toBe('/auditoria');
  });
});

describe('safeReturnPath', () => {
  it('keeps paths of this app', () => {
    expect(safeReturnPath('/hogares?q=HH-000123')).toBe('/hogares?q=HH-000123');
    expect(safeReturnPath('/hogares/0190b2c4-0000-7000-8000-000000000000')).toBe(
      '/hogares/0190b2c4-0000-7000-8000-000000000000',
    );
  });

  it('refuses other sites, scripts and the sign-in page itself', () => {
    expect(safeReturnPath('https://example.com/')).toBeNull();
    expect(safeReturnPath('//example.com/')).toBeNull();
    expect(safeReturnPath('/\\example.com')).toBeNull();
    expect(safeReturnPath('javascript:alert(1)')).toBeNull();
    expect(safeReturnPath('/ingresar')).toBeNull();
    expect(safeReturnPath('/ingresar?volver=/hogares')).toBeNull();
    expect(safeReturnPath('')).toBeNull();
    expect(safeReturnPath(null)).toBeNull();
  });
});

describe('landingPath', () => {
  it('goes back to the page the person wanted', () => {
    expect(landingPath('coordinator', '/hogares/abc?pestana=historial')).toBe(
      '/hogares/abc?pestana=historial',
    );
    expect(landingPath('auditor', '/auditoria?actor=gestor')).toBe('/auditoria?actor=gestor');
  });

  it('goes to the role start when nothing or something unsafe was wanted', () => {
    expect(landingPath('field_worker', null)).toBe('/hogares');
    expect(landingPath('field_worker', '/')).toBe('/hogares');
    expect(landingPath('auditor', 'https://example.com')).toBe('/auditoria');
  });

  it('does not send a role to a page it cannot see', () => {
    expect(landingPath('auditor', '/hogares/abc')).toBe('/auditoria');
    expect(landingPath('coordinator', '/auditoria')).toBe('/hogares');
    expect(landingPath('coordinator', '/auditoriax')).toBe('/auditoriax');
    expect(landingPath('auditor', '/padron?semaforo=rojo')).toBe('/auditoria');
    expect(landingPath('auditor', '/personas/abc/seguimiento')).toBe('/auditoria');
    expect(landingPath('field_worker', '/padron?semaforo=rojo')).toBe('/padron?semaforo=rojo');
  });

  it('sends each role only to the alert pages it has', () => {
    expect(landingPath('field_worker', '/alertas?vencidas=si')).toBe('/alertas?vencidas=si');
    expect(landingPath('field_worker', '/alertas/embudo')).toBe('/hogares');
    expect(landingPath('coordinator', '/alertas/embudo?agrupar=tipo')).toBe('/alertas/embudo?agrupar=tipo');
    expect(landingPath('institution_agent', '/alertas')).toBe('/hogares');
    expect(landingPath('institution_agent', '/alertas/abc')).toBe('/alertas/abc');
    expect(landingPath('institution_agent', '/bandeja')).toBe('/bandeja');
    expect(landingPath('coordinator', '/bandeja')).toBe('/hogares');
    expect(landingPath('auditor', '/alertas/abc')).toBe('/auditoria');
  });

  it('sends only the roles that have them to the imports and the linkage queue', () => {
    expect(landingPath('data_steward', '/importaciones/abc')).toBe('/importaciones/abc');
    expect(landingPath('coordinator', '/importaciones')).toBe('/importaciones');
    expect(landingPath('field_worker', '/importaciones')).toBe('/hogares');
    expect(landingPath('data_steward', '/vinculacion?pestana=duplicados')).toBe(
      '/vinculacion?pestana=duplicados',
    );
    expect(landingPath('coordinator', '/vinculacion')).toBe('/hogares');
  });
});

describe('scopeText', () => {
  it('names national, assigned and no scope by kind, whatever label the server sends', () => {
    expect(scopeText({ scope: { kind: 'national' }, scopeLabel: 'national' })).toEqual({
      key: 'scope.national',
    });
    expect(scopeText({ scope: { kind: 'assigned' }, scopeLabel: 'assigned' })).toEqual({
      key: 'scope.assigned',
    });
    expect(scopeText({ scope: { kind: 'none' }, scopeLabel: 'none' })).toEqual({ key: 'scope.none' });
  });

  it('says the level of a territory, from the length of its code', () => {
    expect(scopeText({ scope: { kind: 'territory', territoryCode: '05' }, scopeLabel: 'Ayacucho' })).toEqual({
      key: 'scope.region',
      name: 'Ayacucho',
    });
    expect(
      scopeText({ scope: { kind: 'territory', territoryCode: '050101' }, scopeLabel: 'Ayacucho' }),
    ).toEqual({
      key: 'scope.district',
      name: 'Ayacucho',
    });
  });

  it('uses the institution name as it is', () => {
    const me = {
      scope: { kind: 'institution' as const, institutionId: '017e10b3-9a68-77bf-8461-77f1e0d357bf' },
      scopeLabel: 'Centro de Salud Ayacucho',
    };
    expect(scopeText(me)).toEqual({ label: 'Centro de Salud Ayacucho' });
  });
});
