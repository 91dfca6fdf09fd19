import type { AlertDeadline } from '@tejido/core';
import i18next, { type i18n, type TFunction } from 'i18next';

/**
 * The words of notifications, in Spanish (es-PE, the default) and English, rendered through a
 * server-side i18next instance of their own (the web app has its own catalogue).
 *
 * Three wordings:
 * - full: in-app, for a reader allowed to see the alert: its type, the person's name, the reason.
 * - external: e-mail, SMS and WhatsApp leave Tejido's hands, so they carry the type and the
 *   household code but never a person's name nor a free-text reason.
 * - restricted: a sensitive alert for anyone but the receiving institution and the roles allowed
 *   to see sensitive alerts, and every external message about a sensitive alert: "Alerta
 *   reservada", no type, no names.
 */

export const NOTIFICATION_KINDS = [
  'alert.raised',
  'referral.received',
  'referral.rejected',
  'referral.attended',
  'referral.cancelled',
  'deadline.reminder',
  'alert.escalated',
  'alert.closed',
] as const;
export type NotificationKind = (typeof NOTIFICATION_KINDS)[number];

export type Locale = 'es-PE' | 'en';
export type Wording = 'full' | 'external' | 'restricted';

/** What a message may say about an event; the wording decides what it does say. */
export interface MessageFacts {
  kind: NotificationKind;
  /** verify or resolve for alert.closed. */
  closedBy?: 'verify' | 'resolve';
  typeName: { es: string; en: string } | null;
  personName: string | null;
  householdCode: string;
  districtName: string;
  institutionName: string | null;
  actorName: string | null;
  reason: string | null;
  deadline: AlertDeadline | null;
  /** The deadline that runs now (reminder, new referral, rejection), or the one missed (escalation). */
  due: Date | null;
  level: number | null;
}

const es = {
  subject: {
    'alert.raised': 'Nueva alerta: {{type}}',
    'referral.received': 'Nueva derivación: {{type}}',
    'referral.rejected': 'Derivación rechazada: derivar de nuevo',
    'referral.attended': 'Alerta atendida: verificar y cerrar',
    'referral.cancelled': 'Derivación cancelada: {{type}}',
    'deadline.reminder': 'Recordatorio: el plazo para {{deadline}} vence el {{due}}',
    'alert.escalated': 'Alerta escalada: {{type}}',
    'alert.closed': 'Alerta cerrada: {{type}}',
    restricted: 'Alerta reservada',
  },
  body: {
    'alert.raised': '{{actor}} registró la alerta «{{type}}» {{who}}. Derívela a la institución competente.',
    'referral.received':
      'Su institución recibió la derivación de la alerta «{{type}}» {{who}}. Acéptela o recházela.',
    'referral.rejected':
      '{{institution}} rechazó la derivación de la alerta «{{type}}» {{who}}. Derívela de nuevo.',
    'referral.attended':
      '{{institution}} atendió la alerta «{{type}}» {{who}} y registró la contrarreferencia. Verifique y cierre la alerta.',
    'referral.cancelled':
      'Se canceló la derivación de la alerta «{{type}}» {{who}}. Ya no necesita atenderla.',
    'deadline.reminder': 'El plazo para {{deadline}} la alerta «{{type}}» {{who}} vence pronto.',
    'alert.escalated':
      'Venció el plazo para {{deadline}} la alerta «{{type}}» {{who}} el {{due}}. Se escaló al nivel {{levelName}}.',
    'alert.closed_verify': 'Se verificó y cerró la alerta «{{type}}» {{who}}.',
    'alert.closed_resolve': 'La alerta «{{type}}» {{who}} se cerró: la evidencia registrada la resuelve.',
  },
  restricted: {
    'alert.raised': 'Se registró una alerta reservada. Ábrala en Tejido.',
    'referral.received': 'Su institución recibió una derivación reservada. Ábrala en Tejido.',
    'referral.rejected': 'Una alerta reservada fue rechazada: derivar de nuevo. Ábrala en Tejido.',
    'referral.attended': 'Una alerta reservada fue atendida: verificar y cerrar. Ábrala en Tejido.',
    'referral.cancelled': 'Se canceló una derivación reservada.',
    'deadline.reminder': 'El plazo de una alerta reservada vence pronto. Ábrala en Tejido.',
    'alert.escalated':
      'Venció el plazo de una alerta reservada y se escaló al nivel {{levelName}}. Ábrala en Tejido.',
    'alert.closed': 'Se cerró una alerta reservada.',
  },
  who: {
    person: 'de {{person}} (hogar {{household}}, {{district}})',
    household: 'del hogar {{household}} ({{district}})',
  },
  reason: 'Motivo: {{reason}}.',
  deadlineSentence: 'Plazo: {{due}}.',
  deadline: { refer: 'derivar', accept: 'aceptar', attend: 'atender' },
  level: { '1': 'distrital', '2': 'provincial', '3': 'regional', '4': 'nacional' },
  someone: 'Alguien',
  anInstitution: 'La institución',
};

type Catalogue = typeof es;

const en: Catalogue = {
  subject: {
    'alert.raised': 'New alert: {{type}}',
    'referral.received': 'New referral: {{type}}',
    'referral.rejected': 'Referral rejected: refer again',
    'referral.attended': 'Alert attended: verify and close',
    'referral.cancelled': 'Referral cancelled: {{type}}',
    'deadline.reminder': 'Reminder: the deadline to {{deadline}} is {{due}}',
    'alert.escalated': 'Alert escalated: {{type}}',
    'alert.closed': 'Alert closed: {{type}}',
    restricted: 'Restricted alert',
  },
  body: {
    'alert.raised': '{{actor}} raised the alert "{{type}}" {{who}}. Refer it to the competent institution.',
    'referral.received':
      'Your institution received the referral of the alert "{{type}}" {{who}}. Accept or reject it.',
    'referral.rejected':
      '{{institution}} rejected the referral of the alert "{{type}}" {{who}}. Refer it again.',
    'referral.attended':
      '{{institution}} attended the alert "{{type}}" {{who}} and recorded the counter-referral. Verify and close the alert.',
    'referral.cancelled':
      'The referral of the alert "{{type}}" {{who}} was cancelled. It no longer needs attention.',
    'deadline.reminder': 'The deadline to {{deadline}} the alert "{{type}}" {{who}} is near.',
    'alert.escalated':
      'The deadline to {{deadline}} the alert "{{type}}" {{who}} passed on {{due}}. It was escalated to the {{levelName}} level.',
    'alert.closed_verify': 'The alert "{{type}}" {{who}} was verified and closed.',
    'alert.closed_resolve': 'The alert "{{type}}" {{who}} was closed: the recorded evidence resolves it.',
  },
  restricted: {
    'alert.raised': 'A restricted alert was raised. Open it in Tejido.',
    'referral.received': 'Your institution received a restricted referral. Open it in Tejido.',
    'referral.rejected': 'A restricted alert was rejected: refer it again. Open it in Tejido.',
    'referral.attended': 'A restricted alert was attended: verify and close it. Open it in Tejido.',
    'referral.cancelled': 'A restricted referral was cancelled.',
    'deadline.reminder': 'The deadline of a restricted alert is near. Open it in Tejido.',
    'alert.escalated':
      'The deadline of a restricted alert passed and it was escalated to the {{levelName}} level. Open it in Tejido.',
    'alert.closed': 'A restricted alert was closed.',
  },
  who: {
    person: 'for {{person}} (household {{household}}, {{district}})',
    household: 'for household {{household}} ({{district}})',
  },
  reason: 'Reason: {{reason}}.',
  deadlineSentence: 'Deadline: {{due}}.',
  deadline: { refer: 'refer', accept: 'accept', attend: 'attend' },
  level: { '1': 'district', '2': 'province', '3': 'region', '4': 'national' },
  someone: 'Someone',
  anInstitution: 'The institution',
};

let instance: i18n | undefined;

/** The server's own i18next instance: synchronous, Spanish by default, plain text (no HTML escaping). */
function messages(): i18n {
  if (instance) return instance;
  const created = i18next.createInstance();
  void created.init({
    lng: 'es-PE',
    fallbackLng: 'es-PE',
    supportedLngs: ['es-PE', 'en'],
    resources: { 'es-PE': { translation: es }, en: { translation: en } },
    interpolation: { escapeValue: false },
    // Kinds are dotted ('referral.received'): keys nest with '/' instead.
    keySeparator: '/',
    nsSeparator: false,
    initAsync: false,
    returnNull: false,
    showSupportNotice: false,
  });
  instance = created;
  return created;
}

export function localeOf(value: string | null | undefined): Locale {
  return value === 'en' ? 'en' : 'es-PE';
}

const LIMA = 'America/Lima';
const esParts = new Intl.DateTimeFormat('es-PE', {
  timeZone: LIMA,
  day: '2-digit',
  month: '2-digit',
  year: 'numeric',
  hour: '2-digit',
  minute: '2-digit',
  hourCycle: 'h23',
});
const enParts = new Intl.DateTimeFormat('en-GB', {
  timeZone: LIMA,
  day: 'numeric',
  month: 'short',
  year: 'numeric',
  hour: '2-digit',
  minute: '2-digit',
  hourCycle: 'h23',
});

/**
 * A moment as people in Peru read it: `dd/mm/yyyy hh:mm` in Spanish, `d Mon yyyy hh:mm` in
 * English, Lima time (Peru keeps UTC−5 all year).
 * @example formatMoment(new Date('2026-03-15T19:05:00Z'), 'es-PE') // '15/03/2026 14:05'
 */
export function formatMoment(at: Date, locale: Locale): string {
  const parts = Object.fromEntries(
    (locale === 'en' ? enParts : esParts).formatToParts(at).map((p) => [p.type, p.value]),
  );
  return locale === 'en'
    ? `${parts.day} ${parts.month} ${parts.year} ${parts.hour}:${parts.minute}`
    : `${parts.day}/${parts.month}/${parts.year} ${parts.hour}:${parts.minute}`;
}

/** The subject and body of one notification, in the reader's language and the wording allowed. */
export function renderMessage(
  locale: Locale,
  wording: Wording,
  facts: MessageFacts,
): { subject: string; body: string } {
  const t: TFunction = messages().getFixedT(locale);
  const due = facts.due ? formatMoment(facts.due, locale) : '';
  const levelName = facts.level !== null ? t(`level/${Math.min(4, Math.max(1, facts.level))}`) : '';
  const deadline = facts.deadline ? t(`deadline/${facts.deadline}`) : '';
  if (wording === 'restricted') {
    const parts = [t(`restricted/${facts.kind}`, { levelName })];
    if (facts.due && facts.kind !== 'alert.escalated') parts.push(t('deadlineSentence', { due }));
    return { subject: t('subject/restricted'), body: parts.join(' ') };
  }
  const typeName = facts.typeName ? (locale === 'en' ? facts.typeName.en : facts.typeName.es) : '—';
  const who =
    wording === 'full' && facts.personName
      ? t('who/person', {
          person: facts.personName,
          household: facts.householdCode,
          district: facts.districtName,
        })
      : t('who/household', { household: facts.householdCode, district: facts.districtName });
  const vars = {
    type: typeName,
    who,
    due,
    deadline,
    levelName,
    institution: facts.institutionName ?? t('anInstitution'),
    actor: facts.actorName ?? t('someone'),
  };
  const bodyKey =
    facts.kind === 'alert.closed' ? `body/alert.closed_${facts.closedBy ?? 'verify'}` : `body/${facts.kind}`;
  const parts = [t(bodyKey, vars)];
  if (wording === 'full' && facts.reason) parts.push(t('reason', { reason: facts.reason }));
  if (facts.due && facts.kind !== 'alert.escalated' && facts.kind !== 'deadline.reminder') {
    parts.push(t('deadlineSentence', { due }));
  }
  return { subject: t(`subject/${facts.kind}`, vars), body: parts.join(' ') };
}
