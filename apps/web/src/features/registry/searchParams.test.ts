import { describe, expect, it } from 'vitest';
import { hasFilters, readFilters, searchKind, territoryChain, writeFilters } from './searchParams';

describe('household search in the address', () => {
  it('reads the filters', () => {
    expect(readFilters(new URLSearchParams('q=Quispe%20Mamani&territorio=050401&programa=JUNTOS'))).toEqual({
      q: 'Quispe Mamani',
      territory: '050401',
      programme: 'JUNTOS',
    });
  });

  it('reads absent filters as empty and drops a territory code that is not one', () => {
    expect(readFilters(new URLSearchParams(''))).toEqual({ q: '', territory: '', programme: '' });
    expect(readFilters(new URLSearchParams('territorio=123')).territory).toBe('');
    expect(readFilters(new URLSearchParams('territorio=05040100011')).territory).toBe('');
  });

  it('writes only the filters that are set, and reads back what it wrote', () => {
    const filters = { q: ' 12345678 ', territory: '0504', programme: '' };
    const params = writeFilters(filters);
    expect(params.toString()).toBe('q=12345678&territorio=0504');
    expect(readFilters(params)).toEqual({ q: '12345678', territory: '0504', programme: '' });
    expect(writeFilters({ q: '', territory: '', programme: '' }).toString()).toBe('');
  });

  it('knows when any filter is set', () => {
    expect(hasFilters({ q: '', territory: '', programme: '' })).toBe(false);
    expect(hasFilters({ q: '', territory: '05', programme: '' })).toBe(true);
  });
});

describe('territoryChain', () => {
  it('names every level down to the selected one', () => {
    expect(territoryChain('0504010001')).toEqual({
      region: '05',
      province: '0504',
      district: '050401',
      village: '0504010001',
    });
    expect(territoryChain('0504')).toEqual({ region: '05', province: '0504', district: null, village: null });
  });

  it('selects nothing for no code or a code that is not one', () => {
    const none = { region: null, province: null, district: null, village: null };
    expect(territoryChain('')).toEqual(none);
    expect(territoryChain('05040')).toEqual(none);
  });
});

describe('searchKind', () => {
  it('tells a document number, a household code and a name apart', () => {
    expect(searchKind('12345678')).toBe('document');
    expect(searchKind('HH-000123')).toBe('code');
    expect(searchKind('hh000123')).toBe('code');
    expect(searchKind('Rosa Quispe')).toBe('name');
    expect(searchKind('1234567')).toBe('name');
    expect(searchKind('  ')).toBe('none');
  });
});
