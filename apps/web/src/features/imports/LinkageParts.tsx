import {
  Alert,
  Anchor,
  Badge,
  Button,
  Card,
  Group,
  Modal,
  Paper,
  SimpleGrid,
  Stack,
  Table,
  Text,
  Textarea,
} from '@mantine/core';
import { IconAlertTriangle, IconCheck, IconMinus, IconTilde, IconX } from '@tabler/icons-react';
import type { LinkPersonView, LinkReviewView } from '@tejido/schemas';
import type { TFunction } from 'i18next';
import { type FormEvent, type ReactNode, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';
import { paths } from '../../app/access';
import { isApiError } from '../../app/api';
import { formatDate } from '../../app/format';
import { ErrorAlert } from '../../app/ui';
import { useLocale } from '../../i18n';
import { translateOr } from '../../i18n/dynamic';
import {
  formatWeight,
  type LinkReason,
  type ReasonField,
  type ReasonTone,
  reasonTone,
  type ScoreBand,
  summaryParts,
} from './linkage';

const TONE_STYLE: Record<ReasonTone, { color: string; icon: typeof IconCheck }> = {
  agree: { color: 'green', icon: IconCheck },
  partial: { color: 'yellow', icon: IconTilde },
  disagree: { color: 'red', icon: IconX },
  missing: { color: 'gray', icon: IconMinus },
};

/** A field's outcome in words, e.g. "Fecha con día y mes invertidos". */
export function outcomeLabel(t: TFunction, reason: Pick<LinkReason, 'field' | 'outcome'>): string {
  return translateOr(
    t,
    `linkage.outcome.${reason.field}.${reason.outcome}`,
    translateOr(t, `linkage.outcomeAny.${reason.outcome}`, reason.outcome),
  );
}

/** One reason of a score: its words, coloured by whether it speaks for or against the match, and its weight. */
export function ReasonChip({ reason }: { reason: LinkReason }) {
  const { t } = useTranslation();
  const tone = reasonTone(reason);
  const { color, icon: Icon } = TONE_STYLE[tone];
  const weight = reason.weight !== 0 ? ` (${formatWeight(reason.weight)})` : '';
  return (
    <Badge
      variant="light"
      color={color}
      radius="sm"
      tt="none"
      fw={600}
      size="md"
      leftSection={<Icon size={14} aria-hidden />}
      styles={{
        root: { color: `var(--mantine-color-${color}-9)`, height: 'auto', minHeight: 22 },
        label: {
          whiteSpace: 'normal',
          overflow: 'visible',
          lineHeight: 1.3,
          paddingBlock: 2,
          textAlign: 'left',
        },
      }}
      title={t(`linkage.tone.${tone}`)}
      data-tone={tone}
    >
      <span className="visually-hidden">{t(`linkage.tone.${tone}`)}: </span>
      {outcomeLabel(t, reason)}
      {weight}
    </Badge>
  );
}

const BAND_COLOR: Record<ScoreBand, string> = {
  document: 'orange',
  high: 'green',
  probable: 'yellow',
  low: 'gray',
};

/** The score of a candidate: its band in words and the weight in bits. */
export function ScoreBadge({ band, weight }: { band: ScoreBand; weight: number | null }) {
  const { t } = useTranslation();
  const color = BAND_COLOR[band];
  return (
    <Badge
      variant="outline"
      color={color}
      c={`${color}.9`}
      radius="sm"
      tt="none"
      fw={600}
      title={t('linkage.score.help')}
    >
      {t(`linkage.score.band.${band}`)}
      {weight !== null && band !== 'document'
        ? ` · ${t('linkage.score.label', { weight: formatWeight(weight) })}`
        : ''}
    </Badge>
  );
}

/** What a held record says, from the server's short summary: "Vacuna · Pentavalente · Dosis 2 · 05/03/2026". */
export function RecordSays({ summary }: { summary: string }) {
  const { t } = useTranslation();
  const locale = useLocale();
  const parts = summaryParts(summary);
  let text: string;
  switch (parts.type) {
    case 'evidence': {
      const words = [translateOr(t, `evidence.kind.${parts.kind}`, parts.kind)];
      if (parts.code) words.push(translateOr(t, `evidence.code.${parts.code}`, parts.code));
      if (parts.dose !== null) words.push(t('evidence.dose', { n: parts.dose }));
      for (const [key, value] of parts.values)
        words.push(`${translateOr(t, `linkage.value.${key}`, key)}: ${value}`);
      if (parts.date) words.push(formatDate(parts.date, locale));
      text = words.join(' · ');
      break;
    }
    case 'school':
      text = [
        t('linkage.summary.school', { code: parts.schoolCode, period: parts.period }),
        parts.enrolled ? null : t('linkage.summary.notEnrolled'),
      ]
        .filter(Boolean)
        .join(' · ');
      break;
    case 'birth':
      text = t('linkage.summary.birth', { number: parts.certificate });
      break;
    case 'text':
      text = parts.text;
      break;
  }
  return <Text size="sm">{text}</Text>;
}

/** The rows of a comparison, in order. */
const ROWS = ['document', 'givenNames', 'surnames', 'sex', 'birthDate', 'territory', 'household'] as const;
type RowKey = (typeof ROWS)[number];

export type SideValues = Record<RowKey, ReactNode>;

/** One column of a comparison: the imported record or a registry person, with the reasons of its score. */
export interface Side {
  key: string;
  /** The column's heading (a short name: "Registro importado", "Candidato 1"). */
  title: ReactNode;
  /** Under the heading: the score, a badge. */
  subtitle?: ReactNode;
  values: SideValues;
  reasons?: Partial<Record<ReasonField, LinkReason>>;
  /** The person the record is linked to: the column is highlighted. */
  highlighted?: boolean;
  /** Buttons under the column. */
  actions?: ReactNode;
}

function Value({ children }: { children: ReactNode }) {
  const { t } = useTranslation();
  const empty = children === null || children === undefined || children === '';
  return (
    <Text
      size="sm"
      c={empty ? 'gray.7' : undefined}
      fs={empty ? 'italic' : undefined}
      className="break-anywhere"
    >
      {empty ? t('common.notRecorded') : children}
    </Text>
  );
}

/** The values of an imported record. */
export function recordValues(
  record: LinkReviewView['record'],
  t: TFunction,
  locale: 'es-PE' | 'en',
  territoryName: string | null,
): SideValues {
  return {
    document: record.document,
    givenNames: record.givenNames,
    surnames: [record.firstSurname, record.secondSurname].filter(Boolean).join(' ') || null,
    sex: record.sex ? t(`sex.${record.sex}`) : null,
    birthDate: record.birthDate ? formatDate(record.birthDate, locale) : null,
    territory: record.territoryCode
      ? territoryName
        ? `${territoryName} (${record.territoryCode})`
        : record.territoryCode
      : null,
    household: null,
  };
}

/** The values of a registry person, the household a link to its page. */
export function personValues(person: LinkPersonView, t: TFunction, locale: 'es-PE' | 'en'): SideValues {
  return {
    document: person.document,
    givenNames: person.givenNames,
    surnames: [person.firstSurname, person.secondSurname].filter(Boolean).join(' '),
    sex: t(`sex.${person.sex}`),
    birthDate: formatDate(person.birthDate, locale),
    territory: person.territoryName
      ? `${person.territoryName} (${person.territoryCode})`
      : person.territoryCode,
    household: (
      <Anchor component={Link} to={paths.household(person.householdId)} size="sm" ff="monospace">
        {person.householdCode}
      </Anchor>
    ),
  };
}

function rowLabel(t: TFunction, row: RowKey): string {
  return t(`linkage.field.${row}`);
}

/**
 * The record and its candidates side by side (or two persons): one row per field, each
 * candidate's value with the reason of its score under it. A table on wide screens, one card
 * per column on phones.
 */
export function Comparison({ sides, label }: { sides: Side[]; label: string }) {
  const { t } = useTranslation();
  const withActions = sides.some((s) => s.actions);
  return (
    <>
      <Paper withBorder radius="md" className="wide-only">
        <Table.ScrollContainer minWidth={180 + sides.length * 230} type="native">
          <Table verticalSpacing="xs" className="linkage-table" aria-label={label} layout="fixed">
            <Table.Thead>
              <Table.Tr>
                <Table.Th scope="col" w={170}>
                  {t('linkage.field.label')}
                </Table.Th>
                {sides.map((side) => (
                  <Table.Th key={side.key} scope="col" data-linked={side.highlighted || undefined}>
                    <Stack gap={4} align="flex-start">
                      <span>{side.title}</span>
                      {side.subtitle}
                    </Stack>
                  </Table.Th>
                ))}
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {ROWS.map((row) => (
                <Table.Tr key={row}>
                  <Table.Th scope="row" fw={600}>
                    {rowLabel(t, row)}
                  </Table.Th>
                  {sides.map((side) => {
                    const reason = row === 'household' ? undefined : side.reasons?.[row];
                    return (
                      <Table.Td key={side.key} data-linked={side.highlighted || undefined}>
                        <Stack gap={4} align="flex-start">
                          <Value>{side.values[row]}</Value>
                          {reason && <ReasonChip reason={reason} />}
                        </Stack>
                      </Table.Td>
                    );
                  })}
                </Table.Tr>
              ))}
              {withActions && (
                <Table.Tr>
                  <Table.Td />
                  {sides.map((side) => (
                    <Table.Td key={side.key} data-linked={side.highlighted || undefined}>
                      {side.actions}
                    </Table.Td>
                  ))}
                </Table.Tr>
              )}
            </Table.Tbody>
          </Table>
        </Table.ScrollContainer>
      </Paper>
      <div className="narrow-only">
        <Stack gap="sm">
          {sides.map((side) => (
            <Card
              key={side.key}
              withBorder
              padding="sm"
              radius="md"
              bg={side.highlighted ? 'green.0' : undefined}
              component="section"
              aria-label={typeof side.title === 'string' ? side.title : undefined}
            >
              <Stack gap="xs">
                <Stack gap={4} align="flex-start">
                  <Text fw={700} size="sm">
                    {side.title}
                  </Text>
                  {side.subtitle}
                </Stack>
                <SimpleGrid component="dl" cols={1} spacing={6} m={0}>
                  {ROWS.map((row) => {
                    const reason = row === 'household' ? undefined : side.reasons?.[row];
                    return (
                      <div key={row}>
                        <Text component="dt" size="xs" fw={600} c="gray.7" tt="uppercase" lts={0.3}>
                          {rowLabel(t, row)}
                        </Text>
                        <Stack component="dd" m={0} gap={4} align="flex-start">
                          <Value>{side.values[row]}</Value>
                          {reason && <ReasonChip reason={reason} />}
                        </Stack>
                      </div>
                    );
                  })}
                </SimpleGrid>
                {side.actions}
              </Stack>
            </Card>
          ))}
        </Stack>
      </div>
    </>
  );
}

/** A refused decision: somebody decided first (409), or the problem as the app says it. */
export function DecisionError({ error }: { error: unknown }) {
  const { t } = useTranslation();
  if (isApiError(error) && error.status === 409)
    return (
      <Alert
        role="alert"
        color="orange"
        variant="light"
        icon={<IconAlertTriangle aria-hidden />}
        title={t('linkage.conflict')}
        styles={{ title: { color: 'var(--mantine-color-orange-9)' } }}
      >
        {error.problem.detail && (
          <Text size="sm" lang="en">
            {error.problem.detail}
          </Text>
        )}
      </Alert>
    );
  return <ErrorAlert error={error} />;
}

interface DecisionModalProps {
  opened: boolean;
  onClose: () => void;
  title: string;
  body: ReactNode;
  /** 'required': a reason of at least 3 characters; 'optional': a note; 'none': a confirmation. */
  text: 'required' | 'optional' | 'none';
  textLabel?: string;
  submitLabel: string;
  submitIcon: ReactNode;
  danger?: boolean;
  pending: boolean;
  error: unknown;
  onSubmit: (text: string) => void;
}

/** Asks before a decision: what it will do, and the reason or note it needs. */
export function DecisionModal({
  opened,
  onClose,
  title,
  body,
  text,
  textLabel,
  submitLabel,
  submitIcon,
  danger = false,
  pending,
  error,
  onSubmit,
}: DecisionModalProps) {
  const { t } = useTranslation();
  const [value, setValue] = useState('');
  const [missing, setMissing] = useState(false);
  const submit = (event: FormEvent) => {
    event.preventDefault();
    const trimmed = value.trim();
    if (text === 'required' && trimmed.length < 3) {
      setMissing(true);
      return;
    }
    setMissing(false);
    onSubmit(trimmed);
  };
  return (
    <Modal opened={opened} onClose={pending ? () => undefined : onClose} title={title} size="lg">
      <form onSubmit={submit} noValidate aria-label={title}>
        <Stack gap="sm">
          {typeof body === 'string' ? <Text size="sm">{body}</Text> : body}
          {text !== 'none' && (
            <Textarea
              label={textLabel}
              description={text === 'optional' ? t('linkage.optional') : undefined}
              value={value}
              onChange={(e) => {
                setValue(e.currentTarget.value);
                if (missing) setMissing(false);
              }}
              required={text === 'required'}
              autosize
              minRows={2}
              maxLength={500}
              error={missing ? t('linkage.reasonRequired') : undefined}
              data-autofocus
            />
          )}
          {error !== null && error !== undefined && <DecisionError error={error} />}
          <Group gap="sm">
            <Button
              type="submit"
              loading={pending}
              color={danger ? 'red' : 'indigo'}
              leftSection={submitIcon}
            >
              {submitLabel}
            </Button>
            <Button variant="default" onClick={onClose} disabled={pending}>
              {t('linkage.cancel')}
            </Button>
          </Group>
        </Stack>
      </form>
    </Modal>
  );
}
