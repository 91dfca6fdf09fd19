import { describe, expect, it } from 'vitest';
import { ApiError } from '../../app/api';
import {
  countFilters,
  EMPTY_ROSTER_FILTERS,
  hasRosterFilters,
  pastDay,
  readRosterFilters,
  rosterApiQuery,
  rosterExportHref,
  rosterFilterProblem,
  rosterPrintPath,
  writeRosterFilters,
} from './rosterParams';

const FACILITY = '0190b2c4-7d1e-7000-8000-00000000abcd';
const TODAY = '2026-05-20';

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
      asOf: '',
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

  it('reads the date of a past roster, and nothing but a real past day', () => {
    const read = (qs: string) => readRosterFilters(new URLSearchParams(qs), TODAY).asOf;
    expect(read('al=2026-03-21')).toBe('2026-03-21');
    expect(read('al=%202026-03-21%20')).toBe('2026-03-21');
    expect(read('al=2026-05-19')).toBe('2026-05-19');
    // Today is today's roster; the server refuses future days.
    expect(read('al=2026-05-20')).toBe('');
    expect(read('al=2026-05-21')).toBe('');
    expect(read('al=2027-01-01')).toBe('');
    // Malformed or impossible dates.
    for (const bad of ['21/03/2026', '2026-3-21', '2026-02-30', '2026-13-01', '20260321', 'ayer', '']) {
      expect(read(`al=${encodeURIComponent(bad)}`), bad).toBe('');
    }
    expect(read('')).toBe('');
    expect(readRosterFilters(new URLSearchParams('semaforo=rojo&al=2026-03-21'), TODAY)).toEqual({
      ...EMPTY_ROSTER_FILTERS,
      light: 'red',
      asOf: '2026-03-21',
    });
  });

  it('takes today from the clock when not told', () => {
    expect(readRosterFilters(new URLSearchParams('al=2020-01-15')).asOf).toBe('2020-01-15');
    expect(readRosterFilters(new URLSearchParams('al=2999-01-15')).asOf).toBe('');
    expect(pastDay('2024-02-29', TODAY)).toBe('2024-02-29');
    expect(pastDay('2025-02-29', TODAY)).toBe('');
  });

  it('writes the date last, and reads back what it wrote', () => {
    const filters = {
      ...EMPTY_ROSTER_FILTERS,
      light: 'red' as const,
      territory: '050401',
      asOf: '2026-03-21',
    };
    const params = writeRosterFilters(filters);
    expect(params.toString()).toBe('semaforo=rojo&territorio=050401&al=2026-03-21');
    expect(readRosterFilters(params, TODAY)).toEqual(filters);
    expect(writeRosterFilters({ ...EMPTY_ROSTER_FILTERS, asOf: '2026-03-21' }).toString()).toBe(
      'al=2026-03-21',
    );
    expect(writeRosterFilters({ ...EMPTY_ROSTER_FILTERS, asOf: '21/03/2026' }).toString()).toBe('');
  });

  it('counts the filters apart from the light, which has its own control', () => {
    expect(countFilters({ ...EMPTY_ROSTER_FILTERS, light: 'red' })).toBe(0);
    expect(countFilters({ ...EMPTY_ROSTER_FILTERS, light: 'red', risk: 'anemia', territory: '05' })).toBe(2);
    expect(hasRosterFilters(EMPTY_ROSTER_FILTERS)).toBe(false);
    expect(hasRosterFilters({ ...EMPTY_ROSTER_FILTERS, light: 'red' })).toBe(true);
  });

  it('counts the date apart too: it has its own control above the list', () => {
    expect(countFilters({ ...EMPTY_ROSTER_FILTERS, asOf: '2026-03-21' })).toBe(0);
    expect(countFilters({ ...EMPTY_ROSTER_FILTERS, asOf: '2026-03-21', risk: 'anemia' })).toBe(1);
    expect(hasRosterFilters({ ...EMPTY_ROSTER_FILTERS, asOf: '2026-03-21' })).toBe(true);
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
      asOf: '',
    });
    expect(rosterApiQuery({ ...filters, asOf: '2026-03-21' })).toMatchObject({ asOf: '2026-03-21' });
  });

  it('links the export with the filters, the format and the language', () => {
    expect(rosterExportHref(filters, 'csv', 'es-PE')).toBe(
      '/api/v1/rosters/export?territory=050401&light=red&risk=anemia&format=csv&lang=es-PE',
    );
    expect(rosterExportHref(EMPTY_ROSTER_FILTERS, 'xlsx', 'en')).toBe(
      '/api/v1/rosters/export?format=xlsx&lang=en',
    );
  });

  it('exports the roster of a past date with that date', () => {
    expect(rosterExportHref({ ...filters, asOf: '2026-03-21' }, 'xlsx', 'es-PE')).toBe(
      '/api/v1/rosters/export?territory=050401&light=red&risk=anemia&asOf=2026-03-21&format=xlsx&lang=es-PE',
    );
    expect(rosterExportHref({ ...EMPTY_ROSTER_FILTERS, asOf: '2026-03-21' }, 'csv', 'en')).toBe(
      '/api/v1/rosters/export?asOf=2026-03-21&format=csv&lang=en',
    );
  });

  it('links the printable roster with the same address filters', () => {
    expect(rosterPrintPath(filters)).toBe('/padron/imprimir?semaforo=rojo&territorio=050401&riesgo=anemia');
    expect(rosterPrintPath(EMPTY_ROSTER_FILTERS)).toBe('/padron/imprimir');
    expect(rosterPrintPath({ ...filters, asOf: '2026-03-21' })).toBe(
      '/padron/imprimir?semaforo=rojo&territorio=050401&riesgo=anemia&al=2026-03-21',
    );
  });
});

describe('a refused roster', () => {
  const problem = (field: string) =>
    new ApiError({
      type: 'urn:tejido:error:VALIDATION_FAILED',
      title: 'The request has invalid fields',
      status: 400,
      code: 'VALIDATION_FAILED',
      detail: `${field}: …`,
      errors: [{ field, message: '…' }],
    });

  it('says which filter to change', () => {
    expect(rosterFilterProblem(problem('territory'))).toBe('tooLarge');
    expect(rosterFilterProblem(problem('asOf'))).toBe('futureDate');
    expect(rosterFilterProblem(problem('limit'))).toBeNull();
    expect(rosterFilterProblem(new Error('offline'))).toBeNull();
    expect(rosterFilterProblem(null)).toBeNull();
  });
});
