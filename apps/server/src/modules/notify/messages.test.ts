import { describe, expect, it } from 'vitest';
import { formatMoment, type MessageFacts, renderMessage } from './messages';

const facts: MessageFacts = {
  kind: 'deadline.reminder',
  typeName: { es: 'Señales de violencia', en: 'Signs of violence' },
  personName: 'Juana Quispe Mamani',
  householdCode: 'HH-000001',
  districtName: 'Distrito A',
  institutionName: 'CEM Provincia Norte',
  actorName: 'Usuario agent_cem',
  reason: 'No corresponde a nuestra jurisdicción',
  deadline: 'accept',
  due: new Date('2026-03-05T19:05:00Z'),
  level: null,
};

describe('notification messages', () => {
  it('writes dates dd/mm/yyyy in Lima time in Spanish, and day month year in English', () => {
    expect(formatMoment(new Date('2026-03-05T19:05:00Z'), 'es-PE')).toBe('05/03/2026 14:05');
    expect(formatMoment(new Date('2026-03-06T03:00:00Z'), 'es-PE')).toBe('05/03/2026 22:00');
    expect(formatMoment(new Date('2026-03-05T19:05:00Z'), 'en')).toBe('5 Mar 2026 14:05');
  });

  it('speaks Spanish by default and English when asked', () => {
    const es = renderMessage('es-PE', 'full', facts);
    expect(es.subject).toBe('Recordatorio: el plazo para aceptar vence el 05/03/2026 14:05');
    expect(es.body).toContain('«Señales de violencia» de Juana Quispe Mamani (hogar HH-000001, Distrito A)');
    const en = renderMessage('en', 'full', facts);
    expect(en.subject).toBe('Reminder: the deadline to accept is 5 Mar 2026 14:05');
    expect(en.body).toContain(
      '"Signs of violence" for Juana Quispe Mamani (household HH-000001, Distrito A)',
    );
  });

  it('keeps names and reasons out of messages that leave Tejido', () => {
    const m = renderMessage('es-PE', 'external', { ...facts, kind: 'referral.rejected', due: null });
    expect(m.subject).toBe('Derivación rechazada: derivar de nuevo');
    expect(m.body).toContain('el hogar HH-000001 (Distrito A)');
    expect(m.body).not.toContain('Juana');
    expect(m.body).not.toContain('jurisdicción');
    const full = renderMessage('es-PE', 'full', { ...facts, kind: 'referral.rejected', due: null });
    expect(full.body).toContain('Motivo: No corresponde a nuestra jurisdicción.');
  });

  it('says only "Alerta reservada" of a restricted alert: no type, no names', () => {
    for (const kind of [
      'referral.rejected',
      'alert.escalated',
      'deadline.reminder',
      'alert.raised',
    ] as const) {
      const m = renderMessage('es-PE', 'restricted', { ...facts, kind, level: 2 });
      expect(m.subject).toBe('Alerta reservada');
      const text = `${m.subject} ${m.body}`;
      for (const secret of ['violencia', 'Juana', 'HH-000001', 'jurisdicción', 'CEM']) {
        expect(text).not.toContain(secret);
      }
    }
    expect(renderMessage('en', 'restricted', facts).subject).toBe('Restricted alert');
    expect(
      renderMessage('es-PE', 'restricted', { ...facts, kind: 'alert.escalated', level: 2 }).body,
    ).toContain('nivel provincial');
  });
});
