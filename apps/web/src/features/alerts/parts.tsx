import { Anchor, Badge, Card, Group, Paper, Stack, Table, Text } from '@mantine/core';
import {
  IconAlertOctagon,
  IconArrowUp,
  IconLock,
  IconStairsUp,
  IconUrgent,
  IconUserExclamation,
} from '@tabler/icons-react';
import type { AlertSeverity, AlertStage, AlertSummary, AlertType } from '@tejido/schemas';
import { type ReactNode, useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';
import { paths } from '../../app/access';
import { formatDateTime } from '../../app/format';
import { StatusBadge, type Tone } from '../../app/StatusBadge';
import { useLocale } from '../../i18n';
import { isEnded, TIME_LEFT_TONE, timeLeft, timeLeftText } from './deadline';

/** The current time, again every minute, so "vence en 5 h" stays true while the page is open. */
export function useNow(everyMs = 60_000): Date {
  const [now, setNow] = useState(() => new Date());
  useEffect(() => {
    const timer = setInterval(() => setNow(new Date()), everyMs);
    return () => clearInterval(timer);
  }, [everyMs]);
  return now;
}

const STAGE_TONE: Record<AlertStage, Tone> = {
  identified: 'warning',
  referred: 'pending',
  accepted: 'pending',
  rejected: 'negative',
  attended: 'positive',
  closed: 'positive',
  cancelled: 'neutral',
};

export function StageBadge({ stage }: { stage: AlertStage }) {
  const { t } = useTranslation();
  return <StatusBadge tone={STAGE_TONE[stage]}>{t(`alerts.stage.${stage}`)}</StatusBadge>;
}

const SEVERITY_STYLE: Record<AlertSeverity, { color: string; icon: typeof IconUrgent }> = {
  critical: { color: 'red', icon: IconUrgent },
  high: { color: 'orange', icon: IconAlertOctagon },
  medium: { color: 'yellow', icon: IconArrowUp },
  low: { color: 'gray', icon: IconArrowUp },
};

export function SeverityBadge({ severity }: { severity: AlertSeverity }) {
  const { t } = useTranslation();
  const { color, icon: Icon } = SEVERITY_STYLE[severity];
  return (
    <Badge
      variant="outline"
      color={color}
      c={`${color}.9`}
      radius="sm"
      tt="none"
      fw={600}
      leftSection={<Icon size={14} aria-hidden />}
    >
      {t(`alerts.severity.${severity}`)}
    </Badge>
  );
}

/** Escalated to the coordinators above: the level in words. */
export function EscalationBadge({ level }: { level: number }) {
  const { t } = useTranslation();
  if (level <= 0) return null;
  return (
    <Badge
      variant="light"
      color="grape"
      c="grape.9"
      radius="sm"
      tt="none"
      leftSection={<IconStairsUp size={14} aria-hidden />}
    >
      {t('alerts.escalated', { n: level })}
    </Badge>
  );
}

export function SensitiveBadge() {
  const { t } = useTranslation();
  return (
    <Badge
      variant="light"
      color="dark"
      radius="sm"
      tt="none"
      leftSection={<IconLock size={14} aria-hidden />}
    >
      {t('alerts.sensitive')}
    </Badge>
  );
}

/** The time left in the stage, coloured and worded; the exact deadline as a tooltip. */
export function DeadlineBadge({ stage, dueAt, now }: { stage: AlertStage; dueAt: string | null; now: Date }) {
  const { t } = useTranslation();
  const locale = useLocale();
  if (isEnded(stage))
    return (
      <Text size="sm" c="gray.7">
        {t('alerts.deadline.ended')}
      </Text>
    );
  const left = timeLeft(dueAt, now);
  return (
    <span title={dueAt ? t('alerts.deadline.at', { when: formatDateTime(dueAt, locale) }) : undefined}>
      <StatusBadge tone={TIME_LEFT_TONE[left.state]}>{timeLeftText(left, t)}</StatusBadge>
    </span>
  );
}

/** The name of an alert type in the interface language; its code while the types load. */
export function typeName(types: AlertType[] | undefined, code: string | null, locale: string): string {
  if (!code) return '';
  const type = types?.find((x) => x.code === code);
  if (!type) return code;
  return locale === 'en' ? type.name.en : type.name.es;
}

/** A sensitive alert the reader may not see: its name and nothing else. */
export function RestrictedLabel() {
  const { t } = useTranslation();
  return (
    <Group gap={6} wrap="nowrap" component="span">
      <IconLock size={16} aria-hidden />
      <Text span fw={600} size="sm">
        {t('alerts.restricted')}
      </Text>
    </Group>
  );
}

interface ListProps {
  items: AlertSummary[];
  types: AlertType[] | undefined;
  /** The page to come back to from an alert. */
  from: string;
  now: Date;
  /** Buttons under each alert (the inbox's accept, reject, attend). */
  actions?: (alert: AlertSummary) => ReactNode;
  label: string;
  /** Leave out the person and household columns (on their own pages). */
  compact?: boolean;
  /** Draw a border around the table (off inside a panel that has one). */
  framed?: boolean;
  /** Leave out the institution (in an institution's own inbox). */
  showInstitution?: boolean;
}

function AlertLink({
  alert,
  types,
  from,
}: {
  alert: AlertSummary;
  types: AlertType[] | undefined;
  from: string;
}) {
  const locale = useLocale();
  return (
    <Anchor component={Link} to={paths.alert(alert.id)} state={{ from }} fw={600}>
      {typeName(types, alert.typeCode, locale)}
    </Anchor>
  );
}

function Who({ alert, from }: { alert: AlertSummary; from: string }) {
  const { t } = useTranslation();
  return (
    <Stack gap={0}>
      {alert.personName && (
        <Group gap={4} wrap="nowrap">
          <IconUserExclamation size={14} aria-hidden />
          <Text size="sm">{alert.personName}</Text>
        </Group>
      )}
      {alert.householdId && alert.householdCode && (
        <Anchor
          component={Link}
          to={paths.household(alert.householdId)}
          state={{ from }}
          size="sm"
          ff="monospace"
          aria-label={t('alerts.householdLink', { code: alert.householdCode })}
        >
          {alert.householdCode}
        </Anchor>
      )}
    </Stack>
  );
}

/** Alerts as a table on wide screens and as cards on phones. */
export function AlertList({
  items,
  types,
  from,
  now,
  actions,
  label,
  compact = false,
  framed = true,
  showInstitution = true,
}: ListProps) {
  const { t } = useTranslation();
  return (
    <>
      <Paper withBorder={framed} radius="md" className="wide-only">
        <Table.ScrollContainer minWidth={(compact ? 600 : 900) + (actions ? 160 : 0)} type="native">
          <Table striped highlightOnHover verticalSpacing="sm" aria-label={label}>
            <Table.Thead>
              <Table.Tr>
                <Table.Th scope="col">{t('alerts.columns.deadline')}</Table.Th>
                <Table.Th scope="col">{t('alerts.columns.alert')}</Table.Th>
                <Table.Th scope="col">{t('alerts.columns.stage')}</Table.Th>
                {!compact && <Table.Th scope="col">{t('alerts.columns.who')}</Table.Th>}
                {!compact && <Table.Th scope="col">{t('alerts.columns.place')}</Table.Th>}
                {showInstitution && <Table.Th scope="col">{t('alerts.columns.institution')}</Table.Th>}
                {actions && <Table.Th scope="col">{t('alerts.columns.actions')}</Table.Th>}
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {items.map((alert) =>
                alert.restricted ? (
                  <Table.Tr key={alert.id} data-restricted="true">
                    <Table.Td colSpan={(compact ? 3 : 5) + (showInstitution ? 1 : 0) + (actions ? 1 : 0)}>
                      <RestrictedLabel />
                    </Table.Td>
                  </Table.Tr>
                ) : (
                  <Table.Tr key={alert.id} data-stage={alert.stage}>
                    <Table.Td>
                      {/* Badges truncate in a narrow cell; the cell takes the badge's whole width instead. */}
                      <div style={{ width: 'max-content' }}>
                        <DeadlineBadge stage={alert.stage} dueAt={alert.stageDueAt} now={now} />
                      </div>
                    </Table.Td>
                    <Table.Th scope="row" fw={400} maw={280}>
                      <Stack gap={4}>
                        <AlertLink alert={alert} types={types} from={from} />
                        <Group gap={4}>
                          {alert.severity && <SeverityBadge severity={alert.severity} />}
                          <EscalationBadge level={alert.escalationLevel} />
                        </Group>
                      </Stack>
                    </Table.Th>
                    <Table.Td>
                      <div style={{ width: 'max-content' }}>
                        <StageBadge stage={alert.stage} />
                      </div>
                    </Table.Td>
                    {!compact && (
                      <Table.Td>
                        <Who alert={alert} from={from} />
                      </Table.Td>
                    )}
                    {!compact && <Table.Td>{alert.territoryName ?? '—'}</Table.Td>}
                    {showInstitution && <Table.Td maw={220}>{alert.institution?.name ?? '—'}</Table.Td>}
                    {actions && <Table.Td>{actions(alert)}</Table.Td>}
                  </Table.Tr>
                ),
              )}
            </Table.Tbody>
          </Table>
        </Table.ScrollContainer>
      </Paper>
      <div className="narrow-only">
        <Stack gap="sm" component="ul" p={0} m={0} style={{ listStyle: 'none' }} aria-label={label}>
          {items.map((alert) => (
            <Card key={alert.id} component="li" withBorder padding="sm" radius="md">
              {alert.restricted ? (
                <RestrictedLabel />
              ) : (
                <Stack gap={6}>
                  <Group justify="space-between" gap="xs" align="flex-start">
                    <div className="break-anywhere" style={{ minWidth: 0, flex: '1 1 160px' }}>
                      <AlertLink alert={alert} types={types} from={from} />
                    </div>
                    <StageBadge stage={alert.stage} />
                  </Group>
                  <Group gap={4}>
                    <DeadlineBadge stage={alert.stage} dueAt={alert.stageDueAt} now={now} />
                    {alert.severity && <SeverityBadge severity={alert.severity} />}
                    <EscalationBadge level={alert.escalationLevel} />
                  </Group>
                  {!compact && <Who alert={alert} from={from} />}
                  {!compact && alert.territoryName && (
                    <Text size="sm" c="gray.7">
                      {alert.territoryName}
                    </Text>
                  )}
                  {showInstitution && alert.institution && (
                    <Text size="sm">
                      {t('alerts.referredTo')}: {alert.institution.name}
                    </Text>
                  )}
                  {actions?.(alert)}
                </Stack>
              )}
            </Card>
          ))}
        </Stack>
      </div>
    </>
  );
}
