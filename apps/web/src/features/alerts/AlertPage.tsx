import './alerts.css';
import {
  Alert,
  Anchor,
  Button,
  FileButton,
  Group,
  Paper,
  SimpleGrid,
  Stack,
  Text,
  Title,
} from '@mantine/core';
import {
  IconAlertTriangle,
  IconArrowLeft,
  IconBan,
  IconBell,
  IconCheck,
  IconCircleCheck,
  IconClipboardCheck,
  IconClock,
  IconFile,
  IconFlag,
  IconHome,
  IconLock,
  IconPaperclip,
  IconPhone,
  IconSend,
  IconStairsUp,
  IconStethoscope,
  IconTrafficLights,
  IconUpload,
  IconX,
} from '@tabler/icons-react';
import type { AlertDetail, AlertEvent, AlertEventAction, CounterReferral } from '@tejido/schemas';
import { type ReactNode, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, useLocation, useParams } from 'react-router';
import { canRaiseAlerts, paths } from '../../app/access';
import { isApiError } from '../../app/api';
import { formatDate, formatDateTime, formatNumber } from '../../app/format';
import { EmptyState, ErrorAlert, Fact, PageSkeleton, usePageTitle } from '../../app/ui';
import { useLocale } from '../../i18n';
import { useSession } from '../auth/session';
import { StepsPanel } from './AlertSteps';
import { attachmentHref, useAlert, useAlertTypes, useUploadAttachment } from './api';
import { ATTACHMENT_TYPES, attachmentProblem, fileSize, megabytes, readAttachment } from './attachments';
import { isEnded } from './deadline';
import {
  DeadlineBadge,
  EscalationBadge,
  SensitiveBadge,
  SeverityBadge,
  StageBadge,
  typeName,
  useNow,
} from './parts';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

const EVENT_ICON: Record<AlertEventAction, typeof IconSend> = {
  raise: IconFlag,
  refer: IconSend,
  accept: IconCheck,
  reject: IconX,
  attend: IconStethoscope,
  verify: IconClipboardCheck,
  cancel: IconBan,
  resolve: IconCircleCheck,
  escalate: IconStairsUp,
  remind: IconBell,
  attach: IconPaperclip,
};

function CounterReferralFacts({ counterReferral }: { counterReferral: CounterReferral }) {
  const { t } = useTranslation();
  const locale = useLocale();
  return (
    <SimpleGrid component="dl" cols={{ base: 1, xs: 2 }} spacing="md" verticalSpacing="sm" m={0}>
      <Fact label={t('alerts.form.attendedOn')}>{formatDate(counterReferral.attendedOn, locale)}</Fact>
      <Fact label={t('alerts.form.outcome')}>{t(`alerts.outcome.${counterReferral.outcome}`)}</Fact>
      <Fact label={t('alerts.form.actions')}>
        <span style={{ whiteSpace: 'pre-wrap' }}>{counterReferral.actions}</span>
      </Fact>
      <Fact label={t('alerts.form.nextSteps')}>
        {counterReferral.nextSteps ? (
          <span style={{ whiteSpace: 'pre-wrap' }}>{counterReferral.nextSteps}</span>
        ) : null}
      </Fact>
    </SimpleGrid>
  );
}

/** The texts an event's detail may carry that are worth showing. */
function eventNotes(event: AlertEvent): {
  note: string | null;
  override: string | null;
  level: number | null;
} {
  const d = event.detail ?? {};
  const text = (v: unknown) => (typeof v === 'string' && v.trim() ? v : null);
  return {
    note: text(d.note),
    override: text(d.overrideReason),
    level:
      typeof d.level === 'number'
        ? d.level
        : typeof d.escalationLevel === 'number'
          ? d.escalationLevel
          : null,
  };
}

function counterReferralOf(event: AlertEvent): CounterReferral | null {
  const c = event.detail?.counterReferral as Partial<CounterReferral> | undefined;
  if (
    !c ||
    typeof c.actions !== 'string' ||
    typeof c.attendedOn !== 'string' ||
    typeof c.outcome !== 'string'
  )
    return null;
  return c as CounterReferral;
}

/** Every step of the alert: who, when, from which stage to which, why. */
function EventTimeline({
  events,
  counterReferral,
}: {
  events: AlertEvent[];
  counterReferral: CounterReferral | null;
}) {
  const { t } = useTranslation();
  const locale = useLocale();
  const sorted = [...events].sort((a, b) => a.seq - b.seq);
  return (
    <ol className="alert-timeline" aria-labelledby="timeline-title">
      {sorted.map((event) => {
        const Icon = EVENT_ICON[event.action];
        const { note, override, level } = eventNotes(event);
        const cr = event.action === 'attend' ? (counterReferralOf(event) ?? counterReferral) : null;
        const actor =
          event.actorKind === 'system'
            ? t('alerts.event.system')
            : event.actorKind === 'token'
              ? t('alerts.event.token', { name: event.actorName })
              : event.actorName;
        return (
          <li key={event.seq} data-action={event.action}>
            <span className="alert-timeline-icon" aria-hidden>
              <Icon size={16} />
            </span>
            <Stack gap={2}>
              <Text fw={600} size="sm">
                {t(`alerts.event.${event.action}`)}
                {event.institution && event.action !== 'attend' ? ` · ${event.institution.name}` : ''}
              </Text>
              <Text size="sm" c="gray.7">
                {actor} · <span className="tabular">{formatDateTime(event.at, locale)}</span>
              </Text>
              {event.fromStage && event.fromStage !== event.toStage && (
                <Text size="sm">
                  {t('alerts.event.stageChange', {
                    from: t(`alerts.stage.${event.fromStage}`),
                    to: t(`alerts.stage.${event.toStage}`),
                  })}
                </Text>
              )}
              {event.reason && (
                <Text size="sm">
                  <strong>{t('alerts.event.reason')}:</strong> {event.reason}
                </Text>
              )}
              {note && (
                <Text size="sm">
                  <strong>{t('alerts.form.note')}:</strong> {note}
                </Text>
              )}
              {override && (
                <Text size="sm">
                  <strong>{t('alerts.refer.overrideReason')}:</strong> {override}
                </Text>
              )}
              {event.action === 'escalate' && level !== null && (
                <Text size="sm">{t('alerts.escalated', { n: level })}</Text>
              )}
              {cr && (
                <Paper withBorder radius="sm" p="xs" mt={4}>
                  <Text size="xs" fw={700} tt="uppercase" c="gray.7" mb={4}>
                    {t('alerts.counterReferral')}
                  </Text>
                  <CounterReferralFacts counterReferral={cr} />
                </Paper>
              )}
            </Stack>
          </li>
        );
      })}
    </ol>
  );
}

function Attachments({ alert }: { alert: AlertDetail }) {
  const { t } = useTranslation();
  const locale = useLocale();
  const me = useSession();
  const upload = useUploadAttachment(alert.id);
  const [problem, setProblem] = useState<string | null>(null);
  const mayUpload = canRaiseAlerts(me.role) && !isEnded(alert.stage);

  const send = async (file: File | null) => {
    setProblem(null);
    if (!file) return;
    const wrong = attachmentProblem(file);
    if (wrong) {
      setProblem(t(`alerts.attachment.${wrong}`, { size: megabytes(file.size) }));
      return;
    }
    try {
      upload.mutate(await readAttachment(file));
    } catch {
      setProblem(t('alerts.attachment.unreadable'));
    }
  };

  return (
    <Paper
      withBorder
      radius="md"
      p={{ base: 'sm', sm: 'md' }}
      component="section"
      aria-labelledby="attachments-title"
    >
      <Title order={2} size="h4" id="attachments-title" mb="sm">
        {t('alerts.attachments', { n: alert.attachments.length })}
      </Title>
      {alert.attachments.length === 0 ? (
        <Text size="sm" c="gray.7">
          {t('alerts.noAttachments')}
        </Text>
      ) : (
        <Stack gap={6} component="ul" p={0} m={0} style={{ listStyle: 'none' }}>
          {alert.attachments.map((a) => (
            <li key={a.id}>
              <Group gap={6} wrap="nowrap" align="flex-start">
                <IconFile size={18} aria-hidden style={{ flexShrink: 0, marginTop: 2 }} />
                <div style={{ minWidth: 0 }} className="break-anywhere">
                  <Anchor href={attachmentHref(alert.id, a.id)} target="_blank" rel="noopener" size="sm">
                    {a.fileName}
                  </Anchor>
                  <Text size="xs" c="gray.7">
                    {t('alerts.attachment.meta', {
                      size: fileSize(a.sizeBytes),
                      when: formatDateTime(a.uploadedAt, locale),
                    })}
                  </Text>
                </div>
              </Group>
            </li>
          ))}
        </Stack>
      )}
      {mayUpload && (
        <Stack gap="xs" mt="sm">
          <FileButton onChange={(f) => void send(f)} accept={ATTACHMENT_TYPES.join(',')}>
            {(props) => (
              <Button
                {...props}
                variant="default"
                size="sm"
                leftSection={<IconUpload size={16} aria-hidden />}
                loading={upload.isPending}
                w="fit-content"
              >
                {t('alerts.attachment.add')}
              </Button>
            )}
          </FileButton>
          <Text size="xs" c="gray.7">
            {t('alerts.attachment.help')}
          </Text>
          {problem && (
            <Text size="sm" c="red.8" role="alert">
              {problem}
            </Text>
          )}
          {upload.isError && <ErrorAlert error={upload.error} />}
        </Stack>
      )}
    </Paper>
  );
}

function Header({ alert, back }: { alert: AlertDetail; back: ReactNode }) {
  const { t } = useTranslation();
  const locale = useLocale();
  const types = useAlertTypes();
  const now = useNow();
  const name = typeName(types.data, alert.typeCode, locale);
  return (
    <Stack gap="xs">
      <div>{back}</div>
      <Group gap="sm" align="center">
        <Title order={1} size="h2" className="break-anywhere">
          {name}
        </Title>
        <StageBadge stage={alert.stage} />
      </Group>
      <Group gap="xs">
        {alert.severity && <SeverityBadge severity={alert.severity} />}
        {alert.sensitive && <SensitiveBadge />}
        <EscalationBadge level={alert.escalationLevel} />
        {alert.outcome && (
          <Text size="sm" fw={600}>
            {t(`alerts.closedAs.${alert.outcome}`)}
          </Text>
        )}
      </Group>
      {!isEnded(alert.stage) && (
        <Group gap="xs" align="center">
          <IconClock size={18} aria-hidden />
          <Text size="sm" fw={600}>
            {t(`alerts.deadline.stage.${alert.stage as 'identified'}`)}
            {alert.stageDueAt ? `: ${formatDateTime(alert.stageDueAt, locale)}` : ''}
          </Text>
          <DeadlineBadge stage={alert.stage} dueAt={alert.stageDueAt} now={now} />
        </Group>
      )}
    </Stack>
  );
}

function Facts({ alert }: { alert: AlertDetail }) {
  const { t } = useTranslation();
  const locale = useLocale();
  const location = useLocation();
  const from = `${location.pathname}${location.search}`;
  const h = alert.household;
  return (
    <Paper
      withBorder
      radius="md"
      p={{ base: 'sm', sm: 'md' }}
      component="section"
      aria-labelledby="facts-title"
    >
      <Title order={2} size="h4" id="facts-title" mb="sm">
        {t('alerts.facts')}
      </Title>
      <SimpleGrid component="dl" cols={{ base: 1, xs: 2, md: 3 }} spacing="md" verticalSpacing="sm" m={0}>
        <Fact label={t('alerts.person')}>
          {alert.personName ? (
            <Group gap="xs" component="span">
              <span>{alert.personName}</span>
              {alert.personId && alert.origin === 'rule' && (
                <Anchor component={Link} to={paths.personTracking(alert.personId)} state={{ from }} size="sm">
                  <Group gap={4} component="span" wrap="nowrap">
                    <IconTrafficLights size={14} aria-hidden />
                    {t('household.tracking')}
                  </Group>
                </Anchor>
              )}
            </Group>
          ) : (
            t('alerts.raise.wholeHousehold')
          )}
        </Fact>
        <Fact label={t('alerts.household')}>
          {alert.householdId && alert.householdCode ? (
            <Anchor component={Link} to={paths.household(alert.householdId)} state={{ from }} size="sm">
              <Group gap={4} component="span" wrap="nowrap">
                <IconHome size={14} aria-hidden />
                {alert.householdCode}
              </Group>
            </Anchor>
          ) : null}
        </Fact>
        <Fact label={t('alerts.place')}>
          {[h?.villageName, alert.territoryName].filter(Boolean).join(', ') || null}
        </Fact>
        <Fact label={t('household.address')}>{h?.address}</Fact>
        <Fact label={t('household.reference')}>{h?.reference}</Fact>
        <Fact label={t('household.phone')}>
          {h?.phone ? (
            <Anchor href={`tel:${h.phone.replace(/[\s-]/g, '')}`} size="sm">
              <Group gap={4} component="span" wrap="nowrap">
                <IconPhone size={14} aria-hidden />
                {h.phone}
              </Group>
            </Anchor>
          ) : null}
        </Fact>
        <Fact label={t('alerts.raisedAt')}>
          {alert.raisedAt ? formatDateTime(alert.raisedAt, locale) : null}
        </Fact>
        <Fact label={t('alerts.origin')}>{alert.origin ? t(`alerts.originKind.${alert.origin}`) : null}</Fact>
        <Fact label={t('alerts.referredTo')}>{alert.institution?.name}</Fact>
      </SimpleGrid>
      <Stack gap={4} mt="md">
        <Text size="xs" fw={600} c="gray.7" tt="uppercase" lts={0.3}>
          {t('alerts.observation')}
        </Text>
        <Text size="sm" style={{ whiteSpace: 'pre-wrap' }}>
          {alert.observation ?? t('common.notRecorded')}
        </Text>
      </Stack>
      {alert.counterReferral && (
        <Stack gap={4} mt="md">
          <Title order={3} size="h5">
            {t('alerts.counterReferral')}
          </Title>
          <CounterReferralFacts counterReferral={alert.counterReferral} />
        </Stack>
      )}
    </Paper>
  );
}

/** One alert: what, who, where, its deadline, what to do now, and everything that happened. */
export function AlertPage() {
  const { t } = useTranslation();
  const locale = useLocale();
  const { id = '' } = useParams();
  const location = useLocation();
  const me = useSession();
  const validId = UUID.test(id);
  const alert = useAlert(id, validId);
  const types = useAlertTypes();
  const notFound = !validId || (isApiError(alert.error) && alert.error.status === 404);
  const data = alert.data;
  usePageTitle(
    notFound
      ? t('alerts.notFound')
      : data
        ? data.restricted
          ? t('alerts.restricted')
          : typeName(types.data, data.typeCode, locale) || t('alerts.title')
        : t('alerts.title'),
  );

  const from = (location.state as { from?: string } | null)?.from;
  const home = me.role === 'institution_agent' ? paths.inbox : paths.alerts;
  const backTo = from?.startsWith('/') && !from.startsWith('//') ? from : home;
  const back = (
    <Anchor component={Link} to={backTo} size="sm">
      <Group gap={4} component="span" wrap="nowrap">
        <IconArrowLeft size={16} aria-hidden />
        {backTo.startsWith(paths.inbox)
          ? t('alerts.backToInbox')
          : backTo.startsWith(paths.households)
            ? t('tracking.backToHousehold')
            : backTo.startsWith('/personas')
              ? t('alerts.backToPerson')
              : t('alerts.backToBoard')}
      </Group>
    </Anchor>
  );

  if (notFound)
    return (
      <EmptyState title={t('alerts.notFound')} icon={<IconAlertTriangle size={28} />}>
        <Text c="gray.7" maw={520}>
          {t('alerts.notFoundHelp')}
        </Text>
        {back}
      </EmptyState>
    );
  if (alert.isPending) return <PageSkeleton blocks={[120, 240]} />;
  if (!data)
    return (
      <Stack>
        {back}
        <ErrorAlert error={alert.error} onRetry={() => void alert.refetch()} />
      </Stack>
    );
  if (data.restricted)
    return (
      <EmptyState title={t('alerts.restricted')} icon={<IconLock size={28} />}>
        <Text c="gray.7" maw={520}>
          {t('alerts.restrictedHelp')}
        </Text>
        {back}
      </EmptyState>
    );

  return (
    <Stack gap="md" aria-busy={alert.isFetching || undefined}>
      <Header alert={data} back={back} />
      {alert.isError && <ErrorAlert error={alert.error} onRetry={() => void alert.refetch()} />}
      {data.stage === 'rejected' && (
        <Alert color="orange" variant="light" icon={<IconAlertTriangle aria-hidden />}>
          {t('alerts.rejectedHelp')}
        </Alert>
      )}
      <StepsPanel key={data.id} alert={data} />
      <SimpleGrid cols={{ base: 1, lg: 2 }} spacing="md" style={{ alignItems: 'start' }}>
        <Stack gap="md">
          <Facts alert={data} />
          <Attachments alert={data} />
        </Stack>
        <Paper
          withBorder
          radius="md"
          p={{ base: 'sm', sm: 'md' }}
          component="section"
          aria-labelledby="timeline-title"
        >
          <Title order={2} size="h4" id="timeline-title" mb="sm">
            {t('alerts.timeline', { n: formatNumber(data.events.length, locale) })}
          </Title>
          <EventTimeline events={data.events} counterReferral={data.counterReferral} />
        </Paper>
      </SimpleGrid>
    </Stack>
  );
}
