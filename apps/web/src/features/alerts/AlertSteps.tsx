import '@mantine/dates/styles.css';
import 'dayjs/locale/es';
import { Alert, Badge, Button, Group, Paper, Select, Stack, Text, Textarea, Title } from '@mantine/core';
import { DateInput, DatesProvider } from '@mantine/dates';
import {
  IconAlertTriangle,
  IconBan,
  IconCalendar,
  IconCheck,
  IconCircleCheck,
  IconClipboardCheck,
  IconMapPin,
  IconMapPinOff,
  IconSend,
  IconStethoscope,
  IconX,
} from '@tabler/icons-react';
import type {
  AlertAction,
  AlertDetail,
  AlertStage,
  CounterReferralOutcome,
  InstitutionSuggestion,
} from '@tejido/schemas';
import type { TFunction } from 'i18next';
import { type FormEvent, type ReactNode, useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { formatDate, formatDecimal, parseDayFirstDate, todayInPeru } from '../../app/format';
import { fieldErrors } from '../../app/problems';
import { ErrorAlert } from '../../app/ui';
import { useLocale } from '../../i18n';
import { type StepBody, useAlertStep, useInstitutionSuggestions } from './api';
import { alertConflict } from './conflict';

export const ACTION_ORDER: readonly AlertAction[] = [
  'refer',
  'accept',
  'attend',
  'verify',
  'reject',
  'cancel',
];

export const ACTION_ICON: Record<AlertAction, typeof IconSend> = {
  refer: IconSend,
  accept: IconCheck,
  reject: IconX,
  attend: IconStethoscope,
  verify: IconClipboardCheck,
  cancel: IconBan,
};

const OUTCOMES: readonly CounterReferralOutcome[] = [
  'resolved',
  'in_treatment',
  'not_located',
  'refused',
  'other',
];

/** Why a step was refused because of the alert's state, in words; the alert has been read again. */
function conflictText(
  error: unknown,
  t: TFunction,
  seenStage: AlertStage | undefined,
): { title: string; body: string } | null {
  const conflict = alertConflict(error);
  if (!conflict) return null;
  const stage = (s: AlertStage | null) => (s ? t(`alerts.stage.${s}`) : '—');
  // Same stage, new version: a deadline reminder or an escalation moved it, not necessarily a person.
  if (conflict.kind === 'version' && conflict.stage !== null && conflict.stage === seenStage)
    return {
      title: t('alerts.conflict.updatedTitle'),
      body: t('alerts.conflict.updated', { stage: stage(conflict.stage) }),
    };
  if (conflict.kind === 'version')
    return {
      title: t('alerts.conflict.versionTitle'),
      body: t('alerts.conflict.version', { stage: stage(conflict.stage) }),
    };
  return {
    title: t('alerts.conflict.illegalTitle'),
    body:
      conflict.allowed.length > 0
        ? t('alerts.conflict.illegal', {
            stage: stage(conflict.stage),
            allowed: conflict.allowed.map((a) => t(`alerts.action.${a}`)).join(', '),
          })
        : t('alerts.conflict.illegalNone', { stage: stage(conflict.stage) }),
  };
}

/**
 * A refused step: the conflict said plainly, or the problem as the rest of the app says it.
 * `seenStage` is the stage the person saw when they acted.
 */
export function StepError({ error, seenStage }: { error: unknown; seenStage?: AlertStage }) {
  const { t } = useTranslation();
  const conflict = conflictText(error, t, seenStage);
  if (!conflict) return <ErrorAlert error={error} />;
  return (
    <Alert
      role="alert"
      color="orange"
      variant="light"
      icon={<IconAlertTriangle aria-hidden />}
      title={conflict.title}
      styles={{ title: { color: 'var(--mantine-color-orange-9)' } }}
    >
      <Text size="sm">{conflict.body}</Text>
    </Alert>
  );
}

interface StepFormProps {
  alertId: string;
  /** The version read: a stale one gets 409. */
  version: number;
  action: AlertAction;
  onDone?: (detail: AlertDetail) => void;
  onCancel?: () => void;
  /** The stage the person sees, to tell a reminder's new version from another person's step. */
  seenStage?: AlertStage;
  /** Told of a refusal, for a caller that says it itself (the form may close when the stage changes). */
  onError?: (error: unknown) => void;
}

/** A yes/no fact about a suggested institution: green when it holds, orange when it does not. */
function Flag({ ok, icon, label }: { ok: boolean; icon: ReactNode; label: string }) {
  return (
    <Badge
      variant="light"
      radius="sm"
      tt="none"
      color={ok ? 'green' : 'orange'}
      c={ok ? 'green.9' : 'orange.9'}
      leftSection={icon}
    >
      {label}
    </Badge>
  );
}

function SuggestionFlags({ suggestion }: { suggestion: InstitutionSuggestion }) {
  const { t } = useTranslation();
  const locale = useLocale();
  return (
    <Group gap={6}>
      <Flag
        ok={suggestion.competent}
        icon={
          suggestion.competent ? (
            <IconCircleCheck size={14} aria-hidden />
          ) : (
            <IconAlertTriangle size={14} aria-hidden />
          )
        }
        label={suggestion.competent ? t('alerts.refer.competent') : t('alerts.refer.notCompetent')}
      />
      <Flag
        ok={suggestion.withinTerritory}
        icon={
          suggestion.withinTerritory ? (
            <IconMapPin size={14} aria-hidden />
          ) : (
            <IconMapPinOff size={14} aria-hidden />
          )
        }
        label={suggestion.withinTerritory ? t('alerts.refer.within') : t('alerts.refer.outside')}
      />
      {suggestion.distanceKm !== null && (
        <Text size="sm" c="gray.7">
          {t('alerts.refer.distance', { km: formatDecimal(suggestion.distanceKm, 1, locale) })}
        </Text>
      )}
    </Group>
  );
}

/** The institution picker: the competent and nearest first, with a reason asked for any other. */
function ReferFields({
  alertId,
  value,
  onChange,
  override,
  onOverride,
  overrideError,
  institutionError,
}: {
  alertId: string;
  value: string | null;
  onChange: (id: string | null, suggestion: InstitutionSuggestion | undefined) => void;
  override: string;
  onOverride: (text: string) => void;
  overrideError: string | undefined;
  institutionError: string | undefined;
}) {
  const { t } = useTranslation();
  const suggestions = useInstitutionSuggestions(alertId, true);
  const list = suggestions.data ?? [];
  const best = list.find((s) => s.competent && s.withinTerritory);
  // The first competent institution within the territory is offered already chosen.
  // biome-ignore lint/correctness/useExhaustiveDependencies: only when the suggestions arrive
  useEffect(() => {
    if (best && value === null) onChange(best.id, best);
  }, [best?.id]);
  const chosen = list.find((s) => s.id === value);
  const label = (s: InstitutionSuggestion) => `${s.name} · ${s.territoryName}`;
  const data = [
    {
      group: t('alerts.refer.groupCompetent'),
      items: list.filter((s) => s.competent).map((s) => ({ value: s.id, label: label(s) })),
    },
    {
      group: t('alerts.refer.groupOther'),
      items: list.filter((s) => !s.competent).map((s) => ({ value: s.id, label: label(s) })),
    },
  ].filter((g) => g.items.length > 0);
  const needsReason = chosen !== undefined && (!chosen.competent || !chosen.withinTerritory);
  return (
    <Stack gap="xs">
      <Select
        label={t('alerts.refer.institution')}
        description={t('alerts.refer.institutionHelp')}
        placeholder={suggestions.isPending ? t('common.loading') : t('alerts.refer.choose')}
        data={data}
        value={value}
        onChange={(id) =>
          onChange(
            id,
            list.find((s) => s.id === id),
          )
        }
        searchable
        required
        nothingFoundMessage={suggestions.isPending ? t('common.loading') : t('territory.noneFound')}
        error={suggestions.isError ? t('alerts.refer.loadFailed') : institutionError}
        comboboxProps={{ withinPortal: true }}
      />
      {chosen && <SuggestionFlags suggestion={chosen} />}
      {needsReason && (
        <Textarea
          label={t('alerts.refer.overrideReason')}
          description={
            !chosen.competent ? t('alerts.refer.overrideKind') : t('alerts.refer.overrideTerritory')
          }
          value={override}
          onChange={(e) => onOverride(e.currentTarget.value)}
          required
          autosize
          minRows={2}
          maxLength={500}
          error={overrideError}
        />
      )}
    </Stack>
  );
}

/**
 * The form of one step on an alert: refer, accept, reject, attend (the counter-referral),
 * verify or cancel. It sends the version read; a refusal is said above the button.
 */
export function StepForm({ alertId, version, action, seenStage, onDone, onCancel, onError }: StepFormProps) {
  const { t } = useTranslation();
  const locale = useLocale();
  const step = useAlertStep(alertId);
  const today = todayInPeru();
  const [note, setNote] = useState('');
  const [reason, setReason] = useState('');
  const [institutionId, setInstitutionId] = useState<string | null>(null);
  const [needsOverride, setNeedsOverride] = useState(false);
  const [override, setOverride] = useState('');
  const [attendedOn, setAttendedOn] = useState<string | null>(today);
  const [actions, setActions] = useState('');
  const [outcome, setOutcome] = useState<CounterReferralOutcome | null>(null);
  const [nextSteps, setNextSteps] = useState('');
  const [errors, setErrors] = useState<Record<string, string>>({});

  const server = fieldErrors(step.error);

  const submit = (event: FormEvent) => {
    event.preventDefault();
    const missing: Record<string, string> = {};
    let body: StepBody;
    switch (action) {
      case 'refer':
        if (!institutionId) missing.institution = t('alerts.form.required.institution');
        if (needsOverride && !override.trim())
          missing.overrideReason = t('alerts.form.required.overrideReason');
        body = {
          action,
          body: {
            institutionId: institutionId ?? '',
            ...(note.trim() ? { note: note.trim() } : {}),
            ...(override.trim() ? { overrideReason: override.trim() } : {}),
          },
        };
        break;
      case 'accept':
      case 'verify':
        body = { action, body: note.trim() ? { note: note.trim() } : {} };
        break;
      case 'reject':
      case 'cancel':
        if (!reason.trim()) missing.reason = t('alerts.form.required.reason');
        body = { action, body: { reason: reason.trim() } };
        break;
      case 'attend':
        if (!attendedOn) missing.attendedOn = t('alerts.form.required.attendedOn');
        if (!actions.trim()) missing.actions = t('alerts.form.required.actions');
        if (!outcome) missing.outcome = t('alerts.form.required.outcome');
        body = {
          action,
          body: {
            counterReferral: {
              attendedOn: attendedOn ?? today,
              actions: actions.trim(),
              outcome: outcome ?? 'other',
              ...(nextSteps.trim() ? { nextSteps: nextSteps.trim() } : {}),
            },
          },
        };
        break;
    }
    setErrors(missing);
    if (Object.keys(missing).length > 0) return;
    step.mutate({ step: body, version }, { onSuccess: (detail) => onDone?.(detail), onError });
  };

  let fields: ReactNode = null;
  if (action === 'refer') {
    fields = (
      <>
        <ReferFields
          alertId={alertId}
          value={institutionId}
          onChange={(id, suggestion) => {
            setInstitutionId(id);
            setNeedsOverride(
              suggestion !== undefined && (!suggestion.competent || !suggestion.withinTerritory),
            );
            setOverride('');
          }}
          override={override}
          onOverride={setOverride}
          overrideError={
            errors.overrideReason ??
            (server.overrideReason ? t('alerts.form.required.overrideReason') : undefined)
          }
          institutionError={errors.institution ?? server.institutionId}
        />
        <Textarea
          label={t('alerts.form.note')}
          description={t('alerts.form.optional')}
          value={note}
          onChange={(e) => setNote(e.currentTarget.value)}
          autosize
          minRows={2}
          maxLength={2000}
        />
      </>
    );
  } else if (action === 'accept' || action === 'verify') {
    fields = (
      <Textarea
        label={t('alerts.form.note')}
        description={t('alerts.form.optional')}
        value={note}
        onChange={(e) => setNote(e.currentTarget.value)}
        autosize
        minRows={2}
        maxLength={2000}
      />
    );
  } else if (action === 'reject' || action === 'cancel') {
    fields = (
      <Textarea
        label={action === 'reject' ? t('alerts.form.rejectReason') : t('alerts.form.cancelReason')}
        value={reason}
        onChange={(e) => setReason(e.currentTarget.value)}
        required
        autosize
        minRows={2}
        maxLength={2000}
        error={errors.reason ?? server.reason}
      />
    );
  } else if (action === 'attend') {
    fields = (
      <>
        <DatesProvider settings={{ locale: locale === 'en' ? 'en' : 'es', firstDayOfWeek: 1 }}>
          <DateInput
            label={t('alerts.form.attendedOn')}
            description={t('common.dateHelp')}
            valueFormat="DD/MM/YYYY"
            dateParser={parseDayFirstDate}
            placeholder={formatDate(today, 'es-PE')}
            leftSection={<IconCalendar size={16} aria-hidden />}
            value={attendedOn}
            onChange={(date) => setAttendedOn(date)}
            maxDate={today}
            required
            error={errors.attendedOn ?? server['counterReferral.attendedOn']}
            popoverProps={{ withinPortal: true }}
          />
        </DatesProvider>
        <Textarea
          label={t('alerts.form.actions')}
          description={t('alerts.form.actionsHelp')}
          value={actions}
          onChange={(e) => setActions(e.currentTarget.value)}
          required
          autosize
          minRows={3}
          maxLength={2000}
          error={errors.actions ?? server['counterReferral.actions']}
        />
        <Select
          label={t('alerts.form.outcome')}
          data={OUTCOMES.map((o) => ({ value: o, label: t(`alerts.outcome.${o}`) }))}
          value={outcome}
          onChange={(v) =>
            setOutcome(
              (OUTCOMES as readonly string[]).includes(v ?? '') ? (v as CounterReferralOutcome) : null,
            )
          }
          required
          error={errors.outcome}
          comboboxProps={{ withinPortal: true }}
        />
        <Textarea
          label={t('alerts.form.nextSteps')}
          description={t('alerts.form.optional')}
          value={nextSteps}
          onChange={(e) => setNextSteps(e.currentTarget.value)}
          autosize
          minRows={2}
          maxLength={2000}
        />
      </>
    );
  }

  const Icon = ACTION_ICON[action];
  return (
    <form onSubmit={submit} noValidate aria-label={t(`alerts.action.${action}`)}>
      <Stack gap="sm">
        {fields}
        {step.isError && !onError && <StepError error={step.error} seenStage={seenStage} />}
        <Group gap="sm">
          <Button
            type="submit"
            loading={step.isPending}
            color={action === 'cancel' || action === 'reject' ? 'red' : 'indigo'}
            leftSection={<Icon size={18} aria-hidden />}
          >
            {t(`alerts.submit.${action}`)}
          </Button>
          {onCancel && (
            <Button variant="default" onClick={onCancel} disabled={step.isPending}>
              {t('alerts.form.back')}
            </Button>
          )}
        </Group>
      </Stack>
    </form>
  );
}

/** "Qué hacer ahora": the steps this reader may take, each opening its form. */
export function StepsPanel({ alert }: { alert: AlertDetail }) {
  const { t } = useTranslation();
  const allowed = ACTION_ORDER.filter((a) => alert.allowedActions.includes(a));
  const [open, setOpen] = useState<AlertAction | null>(null);
  const [done, setDone] = useState<AlertAction | null>(null);
  // Kept here: after a conflict the alert is read again and the form may no longer apply.
  const [error, setError] = useState<{ error: unknown; seenStage: AlertStage } | null>(null);
  const current = open && allowed.includes(open) ? open : null;
  if (allowed.length === 0 && !done && !error) return null;
  return (
    <Paper
      withBorder
      radius="md"
      p={{ base: 'sm', sm: 'md' }}
      component="section"
      aria-labelledby="steps-title"
    >
      <Title order={2} size="h4" id="steps-title" mb="sm">
        {t('alerts.steps.title')}
      </Title>
      {done && (
        <Alert color="green" variant="light" icon={<IconCircleCheck aria-hidden />} role="status" mb="sm">
          {t(`alerts.done.${done}`)}
        </Alert>
      )}
      {error !== null && (
        <Stack mb="sm">
          <StepError error={error.error} seenStage={error.seenStage} />
        </Stack>
      )}
      {allowed.length === 0 ? (
        <Text size="sm" c="gray.7">
          {t('alerts.steps.none')}
        </Text>
      ) : (
        <Stack gap="sm">
          <Group gap="xs" role="group" aria-label={t('alerts.steps.choose')}>
            {allowed.map((action) => {
              const Icon = ACTION_ICON[action];
              return (
                <Button
                  key={action}
                  variant={current === action ? 'filled' : 'default'}
                  color={action === 'cancel' || action === 'reject' ? 'red' : 'indigo'}
                  aria-pressed={current === action}
                  leftSection={<Icon size={18} aria-hidden />}
                  onClick={() => {
                    setDone(null);
                    setError(null);
                    setOpen(current === action ? null : action);
                  }}
                >
                  {t(`alerts.action.${action}`)}
                </Button>
              );
            })}
          </Group>
          {current && (
            <StepForm
              key={`${current}-${alert.id}`}
              alertId={alert.id}
              version={alert.version}
              action={current}
              onDone={() => {
                setDone(current);
                setError(null);
                setOpen(null);
              }}
              onError={(e) => setError({ error: e, seenStage: alert.stage })}
            />
          )}
        </Stack>
      )}
    </Paper>
  );
}
