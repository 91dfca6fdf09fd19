import { describe, expect, it } from 'vitest';
import {
  boardApiQuery,
  boardPath,
  countBoardFilters,
  EMPTY_BOARD_FILTERS,
  EMPTY_FUNNEL_FILTERS,
  funnelListPath,
  readBoardFilters,
  readFunnelFilters,
  writeBoardFilters,
  writeFunnelFilters,
} from './alertParams';

const INSTITUTION = '017e10b3-9a68-77bf-8461-77f1e0d357bf';

describe('the alert board in the address', () => {
  it('reads Spanish words into the API codes', () => {
    const filters = readBoardFilters(
      new URLSearchParams(
        'territorio=050401&tipo=sick_child&gravedad=critica&etapa=derivada&estado=abiertas&vencidas=si',
      ),
    );
    expect(filters).toEqual({
      ...EMPTY_BOARD_FILTERS,
      territory: '050401',
      type: 'sick_child',
      severity: 'critical',
      stage: 'referred',
      status: 'open',
      overdue: true,
    });
  });

  it('drops what it cannot read instead of sending it to the server', () => {
    const filters = readBoardFilters(
      new URLSearchParams(
        'territorio=123&tipo=Sick-Child&gravedad=urgente&etapa=referred&vencidas=1&institucion=abc&desde=2026-02-30&hasta=05/03/2026&alcanzo=rechazada',
      ),
    );
    expect(filters).toEqual(EMPTY_BOARD_FILTERS);
  });

  it('writes only what is set, in a fixed order, and reads back what it wrote', () => {
    const filters = {
      ...EMPTY_BOARD_FILTERS,
      reached: 'accepted' as const,
      from: '2026-01-01',
      to: '2026-03-31',
      institution: INSTITUTION.toUpperCase(),
      territory: '05',
    };
    const params = writeBoardFilters(filters);
    expect(params.toString()).toBe(
      `territorio=05&institucion=${INSTITUTION.toUpperCase()}&alcanzo=aceptada&desde=2026-01-01&hasta=2026-03-31`,
    );
    expect(readBoardFilters(params)).toEqual({ ...filters, institution: INSTITUTION });
    expect(writeBoardFilters(EMPTY_BOARD_FILTERS).toString()).toBe('');
  });

  it('counts the panel filters but not the stage, which has its own toggles', () => {
    expect(countBoardFilters({ ...EMPTY_BOARD_FILTERS, stage: 'referred' })).toBe(0);
    expect(countBoardFilters({ ...EMPTY_BOARD_FILTERS, overdue: true, type: 'sick_child' })).toBe(2);
  });

  it('asks the API in English, with open and overdue as true/false', () => {
    expect(
      boardApiQuery({ ...EMPTY_BOARD_FILTERS, status: 'ended', overdue: true, stage: 'accepted' }),
    ).toMatchObject({
      open: 'false',
      overdue: 'true',
      stage: 'accepted',
    });
    const none = boardApiQuery(EMPTY_BOARD_FILTERS);
    expect(none.open).toBeUndefined();
    expect(none.overdue).toBeUndefined();
  });

  it('makes board links', () => {
    expect(boardPath({})).toBe('/alertas');
    expect(boardPath({ household: INSTITUTION })).toBe(`/alertas?hogar=${INSTITUTION}`);
  });
});

describe('the funnel in the address', () => {
  it('reads and writes its filters', () => {
    const params = new URLSearchParams('territorio=0504&desde=2026-01-01&agrupar=institucion&tipo=x');
    const filters = readFunnelFilters(params);
    expect(filters).toEqual({
      ...EMPTY_FUNNEL_FILTERS,
      territory: '0504',
      from: '2026-01-01',
      groupBy: 'institution',
    });
    expect(writeFunnelFilters(filters).toString()).toBe(
      'territorio=0504&desde=2026-01-01&agrupar=institucion',
    );
  });

  it('links every number to the list behind it, with the same filters and period', () => {
    const filters = { ...EMPTY_FUNNEL_FILTERS, territory: '0504', from: '2026-01-01', to: '2026-03-31' };
    expect(funnelListPath(filters, 'referred')).toBe(
      '/alertas?territorio=0504&alcanzo=derivada&desde=2026-01-01&hasta=2026-03-31',
    );
    expect(funnelListPath(filters, 'overdue')).toBe(
      '/alertas?territorio=0504&estado=abiertas&vencidas=si&desde=2026-01-01&hasta=2026-03-31',
    );
    expect(funnelListPath(filters, 'cancelled')).toContain('etapa=cancelada');
  });

  it('adds a breakdown row’s own territory, type or institution', () => {
    const filters = { ...EMPTY_FUNNEL_FILTERS, territory: '05' };
    expect(funnelListPath(filters, 'identified', { groupBy: 'territory', key: '0504' })).toBe(
      '/alertas?territorio=0504&alcanzo=identificada',
    );
    expect(funnelListPath(filters, 'closed', { groupBy: 'type', key: 'sick_child' })).toBe(
      '/alertas?territorio=05&tipo=sick_child&alcanzo=cerrada',
    );
    expect(funnelListPath(filters, 'attended', { groupBy: 'institution', key: INSTITUTION })).toBe(
      `/alertas?territorio=05&institucion=${INSTITUTION}&alcanzo=atendida`,
    );
  });
});
