import { describe, expect, it } from 'vitest';
import {
  countFilters,
  EMPTY_ROSTER_FILTERS,
  hasRosterFilters,
  readRosterFilters,
  rosterApiQuery,
  rosterExportHref,
  rosterPrintPath,
  writeRosterFilters,
} from './rosterParams';

const FACILITY = '0190b2c4-7d1e-7000-8000-00000000abcd';

describe('roster filters in the address', () => {
  it('reads Spanish words into the API codes', () => {
    const params = new URLSearchParams(
      `semaforo=rojo&territorio=050401&establecimiento=${FACILITY}&sujeto=ninos&edad=6-11&vencido=vaccine-penta-2&riesgo=anemia`,
    );
    expect(readRosterFilters(params)).toEqual({
      light: 'red',
      territory: '050401',
      facility: FACILITY,
      subject: 'child',
      ageBand: '6-11',
      overdueItem: 'vaccine-penta-2',
      risk: 'anemia',
    });
    expect(readRosterFilters(new URLSearchParams('semaforo=ambar&sujeto=gestantes'))).toMatchObject({
      light: 'amber',
      subject: 'pregnancy',
    });
  });

  it('leaves out what it cannot read instead of sending it to the server', () => {
    expect(
      readRosterFilters(
        new URLSearchParams(
          'semaforo=red&territorio=123&establecimiento=abc&sujeto=child&edad=3-4&vencido=Vacuna%20X&riesgo=flu',
        ),
      ),
    ).toEqual(EMPTY_ROSTER_FILTERS);
    expect(readRosterFilters(new URLSearchParams(''))).toEqual(EMPTY_ROSTER_FILTERS);
  });

  it('drops the age band of a roster of pregnancies', () => {
    expect(readRosterFilters(new URLSearchParams('sujeto=gestantes&edad=0-5')).ageBand).toBe('');
    expect(
      writeRosterFilters({ ...EMPTY_ROSTER_FILTERS, subject: 'pregnancy', ageBand: '0-5' }).toString(),
    ).toBe('sujeto=gestantes');
  });

  it('writes only the filters that are set, in a fixed order, and reads back what it wrote', () => {
    const filters = {
      ...EMPTY_ROSTER_FILTERS,
      risk: 'stunting' as const,
      territory: '0504',
      light: 'green' as const,
      ageBand: '24-35' as const,
    };
    const params = writeRosterFilters(filters);
    expect(params.toString()).toBe('semaforo=verde&territorio=0504&edad=24-35&riesgo=stunting');
    expect(readRosterFilters(params)).toEqual(filters);
    expect(writeRosterFilters(EMPTY_ROSTER_FILTERS).toString()).toBe('');
  });

  it('counts the filters apart from the light, which has its own control', () => {
    expect(countFilters({ ...EMPTY_ROSTER_FILTERS, light: 'red' })).toBe(0);
    expect(countFilters({ ...EMPTY_ROSTER_FILTERS, light: 'red', risk: 'anemia', territory: '05' })).toBe(2);
    expect(hasRosterFilters(EMPTY_ROSTER_FILTERS)).toBe(false);
    expect(hasRosterFilters({ ...EMPTY_ROSTER_FILTERS, light: 'red' })).toBe(true);
  });
});

describe('roster links', () => {
  const filters = {
    ...EMPTY_ROSTER_FILTERS,
    light: 'red' as const,
    territory: '050401',
    risk: 'anemia' as const,
  };

  it('asks the API in its own words', () => {
    expect(rosterApiQuery(filters)).toMatchObject({
      light: 'red',
      territory: '050401',
      risk: 'anemia',
      facility: '',
    });
  });

  it('links the export with the filters, the format and the language', () => {
    expect(rosterExportHref(filters, 'csv', 'es-PE')).toBe(
      '/api/v1/rosters/export?territory=050401&light=red&risk=anemia&format=csv&lang=es-PE',
    );
    expect(rosterExportHref(EMPTY_ROSTER_FILTERS, 'xlsx', 'en')).toBe(
      '/api/v1/rosters/export?format=xlsx&lang=en',
    );
  });

  it('links the printable roster with the same address filters', () => {
    expect(rosterPrintPath(filters)).toBe('/padron/imprimir?semaforo=rojo&territorio=050401&riesgo=anemia');
    expect(rosterPrintPath(EMPTY_ROSTER_FILTERS)).toBe('/padron/imprimir');
  });
});
