import {
  Alert,
  Anchor,
  Button,
  Group,
  Paper,
  Progress,
  SimpleGrid,
  Skeleton,
  Stack,
  Table,
  Text,
  Title,
} from '@mantine/core';
import {
  IconAlertTriangle,
  IconArrowsJoin,
  IconCircleCheck,
  IconDownload,
  IconInfoCircle,
} from '@tabler/icons-react';
import type { ImportBatchView, ImportIssueView } from '@tejido/schemas';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';
import { canReviewLinkage, paths } from '../../app/access';
import { formatDateTime, formatNumber } from '../../app/format';
import { StatusBadge, type Tone } from '../../app/StatusBadge';
import { ErrorAlert, Fact } from '../../app/ui';
import { useLocale } from '../../i18n';
import { useSession } from '../auth/session';
import { rejectsHref, useImportIssues } from './api';
import { formatBytes, hasRejectsFile, IMPORT_PHASES, type ImportBatch, progressOf } from './importView';

const STATUS_TONE: Record<ImportBatchView['status'], Tone> = {
  running: 'pending',
  completed: 'positive',
  failed: 'negative',
};

export function BatchStatusBadge({ status }: { status: ImportBatchView['status'] }) {
  const { t } = useTranslation();
  return <StatusBadge tone={STATUS_TONE[status]}>{t(`imports.status.${status}`)}</StatusBadge>;
}

const DELIMITER_NAMES: Record<string, 'semicolon' | 'comma' | 'tab' | 'pipe'> = {
  ';': 'semicolon',
  ',': 'comma',
  '\t': 'tab',
  '|': 'pipe',
};

/** Long button texts wrap on a phone instead of being cut. */
const WRAPPING_BUTTON = {
  root: { height: 'auto', minHeight: 36, paddingBlock: 6 },
  label: { whiteSpace: 'normal' as const, textAlign: 'left' as const },
};

/**
 * A progress bar that says its value in words to screen readers ("Línea 1.200 de 10.000"),
 * not only as a percentage; without a percentage it moves without end.
 */
export function ProgressBar({
  percent,
  label,
  valueText,
  moving = false,
}: {
  percent: number | null;
  label: string;
  valueText: string;
  moving?: boolean;
}) {
  const unknown = percent === null;
  return (
    <Progress.Root size="lg" radius="sm">
      <Progress.Section
        value={percent ?? 100}
        striped={moving || unknown}
        animated={moving || unknown}
        withAria={false}
        role="progressbar"
        aria-label={label}
        aria-valuemin={0}
        aria-valuemax={100}
        aria-valuenow={percent ?? undefined}
        aria-valuetext={valueText}
      />
    </Progress.Root>
  );
}

/** A running import: the phase in words, a bar, and how far it is. */
export function BatchProgress({ batch }: { batch: ImportBatch }) {
  const { t } = useTranslation();
  const locale = useLocale();
  const p = progressOf(batch);
  const phase = t(`imports.phase.${p.phase}`);
  const amount =
    p.total === null
      ? t('imports.progress.linesNoTotal', { done: formatNumber(p.done, locale) })
      : p.phase === 'reading'
        ? t('imports.progress.lines', {
            done: formatNumber(p.done, locale),
            total: formatNumber(p.total, locale),
          })
        : t('imports.progress.items', {
            done: formatNumber(p.done, locale),
            total: formatNumber(p.total, locale),
          });
  return (
    <Stack gap="xs">
      {/* Only the phase is announced: a number read out every second would drown everything else. */}
      <Text fw={600} role="status" aria-live="polite">
        {t('imports.progress.step', { step: p.step, phase })}
      </Text>
      <ProgressBar
        percent={p.percent}
        moving
        label={t('imports.progress.bar')}
        valueText={p.percent === null ? amount : `${p.percent} % · ${amount}`}
      />
      <Group justify="space-between" gap="xs">
        <Text size="sm" className="tabular">
          {amount}
        </Text>
        {p.percent !== null && (
          <Text size="sm" fw={600} className="tabular">
            {t('imports.progress.percent', { percent: p.percent })}
          </Text>
        )}
      </Group>
      <Group
        gap="xs"
        component="ol"
        p={0}
        m={0}
        style={{ listStyle: 'none' }}
        aria-label={t('imports.progress.steps')}
      >
        {IMPORT_PHASES.map((name, i) => {
          const state = i + 1 < p.step ? 'done' : i + 1 === p.step ? 'current' : 'todo';
          return (
            <Text
              key={name}
              component="li"
              size="xs"
              c={state === 'todo' ? 'gray.7' : state === 'done' ? 'green.9' : 'indigo.9'}
              fw={state === 'current' ? 700 : 400}
              aria-current={state === 'current' ? 'step' : undefined}
            >
              {i + 1}. {t(`imports.phase.${name}`)}
              {state === 'done' && (
                <>
                  <span aria-hidden> ✓</span>
                  <span className="visually-hidden"> ({t('imports.progress.stepDone')})</span>
                </>
              )}
            </Text>
          );
        })}
      </Group>
      <Text size="sm" c="gray.7">
        {t('imports.progress.leave')}
      </Text>
    </Stack>
  );
}

interface CountCardProps {
  label: string;
  help: string;
  value: number;
  tone?: 'good' | 'bad' | 'attention' | 'plain';
}

function CountCard({ label, help, value, tone = 'plain' }: CountCardProps) {
  const locale = useLocale();
  const border =
    value > 0 && tone === 'bad'
      ? 'var(--mantine-color-red-6)'
      : value > 0 && tone === 'attention'
        ? 'var(--mantine-color-orange-6)'
        : value > 0 && tone === 'good'
          ? 'var(--mantine-color-green-7)'
          : 'var(--mantine-color-gray-4)';
  return (
    <Paper withBorder radius="md" p="sm" style={{ borderLeft: `6px solid ${border}` }}>
      <Text component="dt" size="sm" fw={600}>
        {label}
      </Text>
      <Text component="dd" m={0}>
        <Text span fz={28} fw={700} lh={1.2} className="tabular" display="block">
          {formatNumber(value, locale)}
        </Text>
        <Text span size="xs" c="gray.7" display="block">
          {help}
        </Text>
      </Text>
    </Paper>
  );
}

/** The counts of an import as figures, each with what it means. */
export function BatchCounts({ batch }: { batch: ImportBatch }) {
  const { t } = useTranslation();
  const locale = useLocale();
  const c = batch.counts;
  return (
    <Stack gap="xs">
      <SimpleGrid
        component="dl"
        m={0}
        cols={{ base: 1, xs: 2, md: 3 }}
        spacing="sm"
        aria-label={t('imports.counts.title')}
      >
        <CountCard
          label={t('imports.counts.imported')}
          help={t('imports.counts.importedHelp')}
          value={c.imported}
          tone="good"
        />
        <CountCard
          label={t('imports.counts.duplicates')}
          help={t('imports.counts.duplicatesHelp')}
          value={c.duplicates}
        />
        <CountCard
          label={t('imports.counts.rejected')}
          help={t('imports.counts.rejectedHelp')}
          value={c.rejected}
          tone="bad"
        />
        <CountCard
          label={t('imports.counts.review')}
          help={t('imports.counts.reviewHelp')}
          value={c.review}
          tone="attention"
        />
        <CountCard
          label={t('imports.counts.unmatched')}
          help={t('imports.counts.unmatchedHelp')}
          value={c.unmatched}
          tone="attention"
        />
        <CountCard
          label={t('imports.counts.persons')}
          help={t('imports.counts.personsHelp')}
          value={c.personsTouched}
        />
      </SimpleGrid>
      <Text size="sm" c="gray.7">
        {[
          t('imports.counts.read', { n: formatNumber(c.read, locale) }),
          t('imports.counts.byDocument', { n: formatNumber(c.linkedByDocument, locale) }),
          t('imports.counts.byAttributes', { n: formatNumber(c.linkedByAttributes, locale) }),
        ].join(' · ')}
        {batch.statusesRefreshedAt
          ? `. ${t('imports.counts.statuses', { when: formatDateTime(batch.statusesRefreshedAt, locale) })}`
          : ''}
      </Text>
    </Stack>
  );
}

/** The reason of a rejected row: in words by its code, then the server's own sentence (English). */
function IssueReason({ issue }: { issue: ImportIssueView }) {
  const { t } = useTranslation();
  return (
    <Stack gap={2}>
      <Text size="sm" fw={600}>
        {t(`imports.issueCode.${issue.code}`)}
      </Text>
      <Text size="sm" lang="en" className="break-anywhere">
        {issue.reason}
      </Text>
      {issue.resource && (
        <Text size="xs" c="gray.7" ff="monospace">
          {issue.resource}
        </Text>
      )}
    </Stack>
  );
}

/** The rejected rows of an import: line, column, reason and value, a page at a time. */
export function IssuesTable({ batch }: { batch: ImportBatch }) {
  const { t } = useTranslation();
  const locale = useLocale();
  const running = batch.status === 'running';
  const issues = useImportIssues(batch.id, !running && batch.counts.rejected > 0);
  if (batch.counts.rejected === 0) return null;
  const rows = issues.data?.pages.flatMap((p) => p.rows) ?? [];
  return (
    <Stack gap="xs" component="section" aria-labelledby="issues-title">
      <Title order={3} size="h5" id="issues-title">
        {t('imports.rejects.title')}
      </Title>
      {running ? (
        <Text size="sm" c="gray.7">
          {t('imports.rejects.afterRun')}
        </Text>
      ) : issues.isPending ? (
        <Stack gap={6} aria-busy="true" aria-label={t('common.loading')}>
          <Skeleton height={32} />
          <Skeleton height={32} />
          <Skeleton height={32} />
        </Stack>
      ) : issues.isError && rows.length === 0 ? (
        <ErrorAlert error={issues.error} onRetry={() => void issues.refetch()} />
      ) : (
        <>
          <Paper withBorder radius="md">
            <Table.ScrollContainer minWidth={640} type="native">
              <Table striped verticalSpacing="xs" aria-labelledby="issues-title">
                <Table.Thead>
                  <Table.Tr>
                    <Table.Th scope="col" w={80}>
                      {t('imports.rejects.line')}
                    </Table.Th>
                    <Table.Th scope="col">{t('imports.rejects.column')}</Table.Th>
                    <Table.Th scope="col">{t('imports.rejects.reason')}</Table.Th>
                    <Table.Th scope="col">{t('imports.rejects.value')}</Table.Th>
                  </Table.Tr>
                </Table.Thead>
                <Table.Tbody>
                  {rows.map((issue, i) => (
                    // biome-ignore lint/suspicious/noArrayIndexKey: a line may have several issues of one field
                    <Table.Tr key={`${issue.line}-${issue.field}-${i}`}>
                      <Table.Td className="tabular">{formatNumber(issue.line, locale)}</Table.Td>
                      <Table.Td ff="monospace" className="break-anywhere">
                        {issue.field ?? '—'}
                      </Table.Td>
                      <Table.Td maw={420}>
                        <IssueReason issue={issue} />
                      </Table.Td>
                      <Table.Td ff="monospace" className="break-anywhere" maw={220}>
                        {issue.value ?? '—'}
                      </Table.Td>
                    </Table.Tr>
                  ))}
                </Table.Tbody>
              </Table>
            </Table.ScrollContainer>
          </Paper>
          {issues.isFetchNextPageError && (
            <ErrorAlert error={issues.error} onRetry={() => void issues.fetchNextPage()} />
          )}
          <Group justify="space-between" gap="sm">
            <Text size="sm" c="gray.7" role="status" aria-live="polite">
              {t('imports.rejects.shown', {
                n: formatNumber(rows.length, locale),
                rows: formatNumber(batch.counts.rejected, locale),
              })}
            </Text>
            {issues.hasNextPage && (
              <Button
                variant="default"
                size="sm"
                loading={issues.isFetchingNextPage}
                onClick={() => void issues.fetchNextPage()}
              >
                {t('common.loadMore')}
              </Button>
            )}
          </Group>
        </>
      )}
    </Stack>
  );
}

/** The file's facts: who imported it, when, its format, size and fingerprint. */
export function BatchFacts({ batch }: { batch: ImportBatch }) {
  const { t } = useTranslation();
  const locale = useLocale();
  const delimiter = batch.delimiter === null ? null : DELIMITER_NAMES[batch.delimiter];
  return (
    <SimpleGrid component="dl" cols={{ base: 1, xs: 2, md: 4 }} spacing="md" verticalSpacing="sm" m={0}>
      <Fact label={t('imports.facts.kind')}>{t(`imports.kind.${batch.kind}`)}</Fact>
      <Fact label={t('imports.facts.by')}>{batch.startedBy}</Fact>
      <Fact label={t('imports.facts.started')}>{formatDateTime(batch.startedAt, locale)}</Fact>
      <Fact label={t('imports.facts.finished')}>
        {batch.finishedAt ? formatDateTime(batch.finishedAt, locale) : null}
      </Fact>
      <Fact label={t('imports.facts.format')}>{t(`imports.format.${batch.format}`)}</Fact>
      <Fact label={t('imports.facts.size')}>{formatBytes(batch.fileBytes, locale)}</Fact>
      {batch.format === 'csv' && (
        <Fact label={t('imports.facts.encoding')}>
          {[batch.encoding?.toUpperCase(), delimiter ? t(`imports.delimiter.${delimiter}`) : batch.delimiter]
            .filter(Boolean)
            .join(' · ') || null}
        </Fact>
      )}
      <Fact label={t('imports.facts.sha')}>
        <span className="break-anywhere" style={{ fontFamily: 'monospace' }} title={batch.fileSha256}>
          {batch.fileSha256.slice(0, 16)}…
        </span>
      </Fact>
    </SimpleGrid>
  );
}

/**
 * Everything about one import: its progress while it runs; at the end its counts, the rejects
 * file, the first rejected rows and the way to the review queue.
 */
export function BatchReport({ batch }: { batch: ImportBatch }) {
  const { t } = useTranslation();
  const locale = useLocale();
  const me = useSession();
  const reviewer = canReviewLinkage(me.role);
  return (
    <Stack gap="md">
      {batch.status === 'running' && <BatchProgress batch={batch} />}
      {batch.status === 'failed' && (
        <Alert
          role="alert"
          color="red"
          variant="light"
          icon={<IconAlertTriangle aria-hidden />}
          title={t('imports.failed.title')}
          styles={{ title: { color: 'var(--mantine-color-red-9)' } }}
        >
          <Stack gap={4}>
            <Text size="sm">{t('imports.failed.body', { line: formatNumber(batch.linesDone, locale) })}</Text>
            {batch.error && (
              <Text size="sm" lang="en">
                <strong>{t('imports.failed.error')}</strong> {batch.error}
              </Text>
            )}
          </Stack>
        </Alert>
      )}
      {batch.status === 'completed' && (
        <Alert
          color="green"
          variant="light"
          icon={<IconCircleCheck aria-hidden />}
          title={t('imports.done.title')}
          styles={{ title: { color: 'var(--mantine-color-green-9)' } }}
        >
          <Text size="sm">
            {batch.counts.rejected > 0 || batch.counts.review > 0 || batch.counts.unmatched > 0
              ? t('imports.done.withHeld')
              : t('imports.done.clean')}
          </Text>
        </Alert>
      )}
      {batch.status !== 'running' && <BatchCounts batch={batch} />}

      {batch.status !== 'running' && (hasRejectsFile(batch) || batch.counts.review > 0) && (
        <Group gap="sm">
          {hasRejectsFile(batch) && (
            <Button
              component="a"
              href={rejectsHref(batch.id)}
              download
              variant="default"
              styles={WRAPPING_BUTTON}
              leftSection={<IconDownload size={18} aria-hidden />}
            >
              {t('imports.rejects.download')}
            </Button>
          )}
          {reviewer && batch.counts.review > 0 && (
            <Button
              component={Link}
              to={`${paths.linkage}?lote=${encodeURIComponent(batch.id)}`}
              styles={WRAPPING_BUTTON}
              leftSection={<IconArrowsJoin size={18} aria-hidden />}
            >
              {t('imports.review.link', { n: formatNumber(batch.counts.review, locale) })}
            </Button>
          )}
          {reviewer && batch.counts.unmatched > 0 && (
            <Anchor
              component={Link}
              to={`${paths.linkage}?pestana=sin-vinculo&lote=${encodeURIComponent(batch.id)}`}
              size="sm"
            >
              {t('imports.review.unmatched', { n: formatNumber(batch.counts.unmatched, locale) })}
            </Anchor>
          )}
        </Group>
      )}
      {batch.status !== 'running' && hasRejectsFile(batch) && (
        <Group gap={6} wrap="nowrap" align="flex-start">
          <IconInfoCircle size={16} aria-hidden style={{ flexShrink: 0, marginTop: 2 }} />
          <Text size="sm" c="gray.7">
            {t('imports.rejects.downloadHelp')}
          </Text>
        </Group>
      )}
      <IssuesTable batch={batch} />
    </Stack>
  );
}
