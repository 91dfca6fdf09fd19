import type { TFunction } from 'i18next';
import { describe, expect, it } from 'vitest';
import es from '../../i18n/es-PE.json';
import { timeLeft, timeLeftText } from './deadline';

const NOW = new Date('2026-03-05T12:00:00Z');
const at = (hours: number) => new Date(NOW.getTime() + hours * 3_600_000).toISOString();

/** The Spanish texts, with {{placeholders}} filled in, as i18next would. */
const t = ((key: string, values: Record<string, unknown> = {}) => {
  const text = key.split('.').reduce<unknown>((node, part) => (node as Record<string, unknown>)?.[part], es);
  return String(text).replace(/\{\{\s*(\w+)\s*\}\}/g, (_, name: string) => String(values[name]));
}) as unknown as TFunction;

describe('timeLeft', () => {
  it('has nothing to say without a deadline', () => {
    expect(timeLeft(null, NOW)).toEqual({ state: 'none' });
    expect(timeLeft('not a date', NOW)).toEqual({ state: 'none' });
  });

  it('counts minutes under an hour, hours under two days and days after', () => {
    expect(timeLeft(at(0.5), NOW)).toEqual({ state: 'soon', amount: 30, unit: 'min' });
    expect(timeLeft(at(5.9), NOW)).toEqual({ state: 'soon', amount: 5, unit: 'h' });
    expect(timeLeft(at(30), NOW)).toEqual({ state: 'onTime', amount: 30, unit: 'h' });
    expect(timeLeft(at(24 * 5 + 3), NOW)).toEqual({ state: 'onTime', amount: 5, unit: 'd' });
  });

  it('says how long ago a deadline passed', () => {
    expect(timeLeft(at(-50), NOW)).toEqual({ state: 'overdue', amount: 2, unit: 'd' });
    expect(timeLeft(at(-0.001), NOW)).toEqual({ state: 'overdue', amount: 1, unit: 'min' });
  });

  it('is due soon within 24 hours', () => {
    expect(timeLeft(at(24), NOW).state).toBe('soon');
    expect(timeLeft(at(24.01), NOW).state).toBe('onTime');
  });
});

describe('timeLeftText', () => {
  it('reads as field staff say it', () => {
    expect(timeLeftText(timeLeft(at(-50), NOW), t)).toBe('vencida hace 2 d');
    expect(timeLeftText(timeLeft(at(5), NOW), t)).toBe('vence en 5 h');
    expect(timeLeftText(timeLeft(at(0.25), NOW), t)).toBe('vence en 15 min');
    expect(timeLeftText(timeLeft(null, NOW), t)).toBe('sin plazo');
  });
});
