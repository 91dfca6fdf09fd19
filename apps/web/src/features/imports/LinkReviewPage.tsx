import './imports.css';
import {
  Alert,
  Anchor,
  Button,
  Card,
  Group,
  Pagination,
  SegmentedControl,
  Skeleton,
  Stack,
  Tabs,
  Text,
  Title,
} from '@mantine/core';
import {
  IconAlertTriangle,
  IconArrowBackUp,
  IconChevronLeft,
  IconChevronRight,
  IconCircleCheck,
  IconFilter,
  IconGitMerge,
  IconInbox,
  IconLink,
  IconTrash,
  IconUserQuestion,
  IconUsers,
  IconUserX,
} from '@tabler/icons-react';
import type { DuplicatePairView, LinkReviewView } from '@tejido/schemas';
import { type ReactNode, useEffect, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, useSearchParams } from 'react-router';
import { paths } from '../../app/access';
import { isApiError } from '../../app/api';
import { formatDateTime, formatNumber } from '../../app/format';
import { EmptyState, ErrorAlert, usePageTitle } from '../../app/ui';
import { useLocale } from '../../i18n';
import {
  REVIEW_PAGE_SIZE,
  type ReviewStatus,
  useDuplicateDecision,
  useDuplicates,
  useImportBatch,
  useLinkDecision,
  useLinkReviews,
  useRevertLink,
  useRevertMerge,
} from './api';
import {
  Comparison,
  DecisionModal,
  personValues,
  RecordSays,
  recordValues,
  ScoreBadge,
  type Side,
} from './LinkageParts';
import { fullName, reasonsByField, scoreBand } from './linkage';
import {
  type DuplicateFilter,
  pageCount,
  type ReviewParams,
  type ReviewTab,
  readReviewParams,
  writeReviewParams,
} from './reviewParams';

/** Tells the page what happened: a decision taken, or refused because somebody decided first. */
type Notify = (text: string, tone?: 'done' | 'conflict') => void;

/** A 409: the record or pair was decided by somebody else meanwhile; the list is read again. */
function isConflict(error: unknown): boolean {
  return isApiError(error) && error.status === 409;
}

/**
 * The dialog of a card and what closing it means: cancelled (the mutations forget their error),
 * done (the page says what happened) or refused because somebody decided first (the card may
 * leave the list when it is read again, so the page says it, not the dialog).
 */
function useCardDialog<D>(mutations: ReadonlyArray<{ reset: () => void }>, onDone: Notify) {
  const { t } = useTranslation();
  const [dialog, setDialog] = useState<D | null>(null);
  return {
    dialog,
    setDialog,
    close: () => {
      setDialog(null);
      for (const m of mutations) m.reset();
    },
    finish: (text: string) => {
      setDialog(null);
      onDone(text);
    },
    refused: (error: unknown) => {
      if (!isConflict(error)) return;
      setDialog(null);
      onDone(t('linkage.conflict'), 'conflict');
    },
  };
}

type HeldDialog =
  | { kind: 'link'; personId: string; name: string }
  | { kind: 'dismiss' }
  | { kind: 'revert'; name: string };

/** One held record beside its candidates, with what the steward may decide. */
function ReviewCard({ item, onDone }: { item: LinkReviewView; onDone: Notify }) {
  const { t } = useTranslation();
  const locale = useLocale();
  const decide = useLinkDecision();
  const revert = useRevertLink();
  const { dialog, setDialog, close, finish, refused } = useCardDialog<HeldDialog>([decide, revert], onDone);
  const open = item.status === 'review' || item.status === 'unmatched';
  const linkedPerson = item.candidates.find((c) => c.person.id === item.linkedPersonId)?.person;
  const linkedName = linkedPerson ? (fullName(linkedPerson) ?? '') : t('linkage.record.anotherPerson');
  const recordName = fullName(item.record) ?? item.record.document ?? t('linkage.record.noName');
  // The record's territory code named after a candidate of the same code, when there is one.
  const territoryName =
    item.candidates.find((c) => c.person.territoryCode === item.record.territoryCode)?.person.territoryName ??
    null;

  const sides: Side[] = [
    {
      key: 'record',
      title: t('linkage.record.title'),
      values: recordValues(item.record, t, locale, territoryName),
    },
    ...item.candidates.map((c, i): Side => {
      const name = fullName(c.person) ?? '';
      const linked = c.person.id === item.linkedPersonId;
      return {
        key: c.person.id,
        title: t('linkage.record.candidate', { n: i + 1 }),
        subtitle: (
          <Group gap={4}>
            <ScoreBadge band={scoreBand(c)} weight={c.weight} />
            {linked && (
              <Text size="xs" fw={700} c="green.9">
                <IconCircleCheck size={14} aria-hidden style={{ verticalAlign: 'text-bottom' }} />{' '}
                {t('linkage.record.linkedTo')}
              </Text>
            )}
          </Group>
        ),
        values: personValues(c.person, t, locale),
        reasons: reasonsByField(c.reasons),
        highlighted: linked,
        actions: open ? (
          <Button
            size="compact-sm"
            leftSection={<IconLink size={16} aria-hidden />}
            onClick={() => setDialog({ kind: 'link', personId: c.person.id, name })}
            aria-label={t('linkage.action.linkOf', { name })}
          >
            {t('linkage.action.link')}
          </Button>
        ) : undefined,
      };
    }),
  ];

  const headingId = `record-${item.id}`;
  return (
    <Card withBorder radius="md" padding="md" component="article" aria-labelledby={headingId}>
      <Stack gap="sm">
        <Group justify="space-between" align="flex-start" gap="sm">
          <Stack gap={2} style={{ minWidth: 0, flex: '1 1 280px' }}>
            <Title order={3} size="h5" id={headingId} className="break-anywhere">
              {recordName}
            </Title>
            <RecordSays summary={item.summary} />
            <Text size="xs" c="gray.7">
              {t('linkage.record.from')}{' '}
              <Anchor component={Link} to={paths.importBatch(item.batchId)} size="xs">
                {item.fileName}
              </Anchor>
              {`, ${t('linkage.record.line', { line: formatNumber(item.line, locale) })}`}
              {item.decidedAt &&
                ` · ${t('linkage.record.decidedAt', { when: formatDateTime(item.decidedAt, locale) })}`}
            </Text>
          </Stack>
          {item.status === 'linked' && (
            <Text size="sm" fw={600} c="green.9">
              {t('linkage.record.linkedWith', { name: linkedName })}
            </Text>
          )}
        </Group>

        {item.candidates.length === 0 ? (
          <Alert color="gray" variant="light" icon={<IconUserQuestion aria-hidden />}>
            {t(
              item.status === 'linked' ? 'linkage.record.linkedNoCandidates' : 'linkage.record.noCandidates',
            )}
          </Alert>
        ) : (
          <Comparison sides={sides} label={t('linkage.record.comparison', { name: recordName })} />
        )}

        <Group gap="sm">
          {open && (
            <Button
              variant="default"
              color="red"
              leftSection={<IconTrash size={16} aria-hidden />}
              onClick={() => setDialog({ kind: 'dismiss' })}
              aria-label={t('linkage.action.dismissOf', { name: recordName })}
            >
              {t('linkage.action.dismiss')}
            </Button>
          )}
          {item.status === 'linked' && item.linkId && (
            <Button
              variant="default"
              color="red"
              leftSection={<IconArrowBackUp size={16} aria-hidden />}
              onClick={() => setDialog({ kind: 'revert', name: linkedName })}
              aria-label={t('linkage.action.revertOf', { name: recordName })}
            >
              {t('linkage.action.revert')}
            </Button>
          )}
        </Group>
      </Stack>

      <DecisionModal
        key={dialog?.kind ?? 'none'}
        opened={dialog !== null}
        onClose={close}
        title={
          dialog?.kind === 'link'
            ? t('linkage.confirmLink.title')
            : dialog?.kind === 'revert'
              ? t('linkage.revert.title')
              : t('linkage.dismiss.title')
        }
        body={
          dialog?.kind === 'link'
            ? t('linkage.confirmLink.body', { name: dialog.name })
            : dialog?.kind === 'revert'
              ? t('linkage.revert.body', { name: dialog.name })
              : t('linkage.dismiss.body')
        }
        text={dialog?.kind === 'link' ? 'none' : 'required'}
        textLabel={t('linkage.reason')}
        submitLabel={
          dialog?.kind === 'link'
            ? t('linkage.confirmLink.submit')
            : dialog?.kind === 'revert'
              ? t('linkage.action.revert')
              : t('linkage.action.dismiss')
        }
        submitIcon={
          dialog?.kind === 'link' ? (
            <IconLink size={18} aria-hidden />
          ) : dialog?.kind === 'revert' ? (
            <IconArrowBackUp size={18} aria-hidden />
          ) : (
            <IconTrash size={18} aria-hidden />
          )
        }
        danger={dialog?.kind !== 'link'}
        pending={decide.isPending || revert.isPending}
        error={decide.error ?? revert.error}
        onSubmit={(reason) => {
          if (!dialog) return;
          if (dialog.kind === 'link') {
            const { name, personId } = dialog;
            decide.mutate(
              { id: item.id, decision: { action: 'link', personId } },
              { onSuccess: () => finish(t('linkage.done.link', { name })), onError: refused },
            );
          } else if (dialog.kind === 'dismiss') {
            decide.mutate(
              { id: item.id, decision: { action: 'dismiss', reason } },
              { onSuccess: () => finish(t('linkage.done.dismiss')), onError: refused },
            );
          } else if (item.linkId) {
            revert.mutate(
              { linkId: item.linkId, reason },
              { onSuccess: () => finish(t('linkage.done.revert')), onError: refused },
            );
          }
        }}
      />
    </Card>
  );
}

function ListSkeleton() {
  const { t } = useTranslation();
  return (
    <Stack gap="sm" aria-busy="true" aria-label={t('common.loading')}>
      <Skeleton height={220} radius="md" />
      <Skeleton height={220} radius="md" />
    </Stack>
  );
}

/** Page numbers under a list whose total is known. */
function Pages({ page, total, onChange }: { page: number; total: number; onChange: (page: number) => void }) {
  const { t } = useTranslation();
  const pages = pageCount(total, REVIEW_PAGE_SIZE);
  if (pages <= 1) return null;
  return (
    <Group justify="center" mt="sm">
      <Pagination
        total={pages}
        value={page + 1}
        onChange={(n) => onChange(n - 1)}
        getItemProps={(n) => ({
          'aria-label': t('linkage.paging.page', { n }),
          'aria-current': n === page + 1 ? 'page' : undefined,
        })}
        getControlProps={(control) =>
          control === 'previous'
            ? { 'aria-label': t('linkage.paging.previous') }
            : control === 'next'
              ? { 'aria-label': t('linkage.paging.next') }
              : control === 'first'
                ? { 'aria-label': t('linkage.paging.first') }
                : { 'aria-label': t('linkage.paging.last') }
        }
        aria-label={t('linkage.paging.label')}
      />
    </Group>
  );
}

/** Previous and next, for a list whose total is not known (duplicates). */
function PrevNext({
  page,
  hasNext,
  onChange,
}: {
  page: number;
  hasNext: boolean;
  onChange: (page: number) => void;
}) {
  const { t } = useTranslation();
  if (page === 0 && !hasNext) return null;
  return (
    <Group justify="center" gap="sm" mt="sm" component="nav" aria-label={t('linkage.paging.label')}>
      <Button
        variant="default"
        size="sm"
        leftSection={<IconChevronLeft size={16} aria-hidden />}
        disabled={page === 0}
        onClick={() => onChange(page - 1)}
      >
        {t('linkage.paging.previous')}
      </Button>
      <Text size="sm" aria-current="page">
        {t('linkage.paging.page', { n: page + 1 })}
      </Text>
      <Button
        variant="default"
        size="sm"
        rightSection={<IconChevronRight size={16} aria-hidden />}
        disabled={!hasNext}
        onClick={() => onChange(page + 1)}
      >
        {t('linkage.paging.next')}
      </Button>
    </Group>
  );
}

/** The held records of one status, a page at a time. */
function ReviewList({
  status,
  params,
  onPage,
  onDone,
}: {
  status: Exclude<ReviewStatus, 'dismissed'>;
  params: ReviewParams;
  onPage: (page: number) => void;
  onDone: Notify;
}) {
  const { t } = useTranslation();
  const locale = useLocale();
  const reviews = useLinkReviews(status, params.page, params.batchId);
  const data = reviews.data;
  // The last record of the last page was decided: show the page before.
  const stale = reviews.isPlaceholderData;
  useEffect(() => {
    if (data && !stale && data.items.length === 0 && data.total > 0 && params.page > 0)
      onPage(pageCount(data.total, REVIEW_PAGE_SIZE) - 1);
  }, [data, stale, params.page, onPage]);

  if (reviews.isPending) return <ListSkeleton />;
  if (!data) return <ErrorAlert error={reviews.error} onRetry={() => void reviews.refetch()} />;
  if (data.total === 0)
    return (
      <EmptyState
        title={t(`linkage.empty.${status}`)}
        icon={status === 'linked' ? <IconLink size={28} /> : <IconInbox size={28} />}
      >
        <Text c="gray.7" maw={560}>
          {t(`linkage.empty.${status}Help`)}
        </Text>
      </EmptyState>
    );
  return (
    <Stack gap="md" aria-busy={reviews.isFetching || undefined}>
      {reviews.isError && <ErrorAlert error={reviews.error} onRetry={() => void reviews.refetch()} />}
      <Text size="sm" c="gray.7" role="status">
        {t(`linkage.total.${status}`, { n: formatNumber(data.total, locale) })}
      </Text>
      {data.items.map((item) => (
        <ReviewCard key={item.id} item={item} onDone={onDone} />
      ))}
      <Pages page={params.page} total={data.total} onChange={onPage} />
    </Stack>
  );
}

type PairDialog = 'same_person' | 'distinct' | 'revert';

/** Two persons of the registry that may be one: side by side, with the steward's decision. */
function DuplicateCard({ pair, onDone }: { pair: DuplicatePairView; onDone: Notify }) {
  const { t } = useTranslation();
  const locale = useLocale();
  const decide = useDuplicateDecision();
  const revert = useRevertMerge();
  const { dialog, setDialog, close, finish, refused } = useCardDialog<PairDialog>([decide, revert], onDone);
  const nameA = fullName(pair.a) ?? '';
  const nameB = fullName(pair.b) ?? '';
  const both = `${nameA} / ${nameB}`;
  const sides: Side[] = [
    { key: 'a', title: t('linkage.duplicates.personA'), values: personValues(pair.a, t, locale) },
    {
      key: 'b',
      title: t('linkage.duplicates.personB'),
      values: personValues(pair.b, t, locale),
      reasons: reasonsByField(pair.reasons),
    },
  ];
  const headingId = `pair-${pair.id}`;
  const body: Record<PairDialog, ReactNode> = {
    same_person: (
      <Stack gap="xs">
        <Text size="sm">{t('linkage.duplicates.sameBody')}</Text>
        <Text size="sm">{t('linkage.duplicates.sameUndo')}</Text>
      </Stack>
    ),
    distinct: t('linkage.duplicates.distinctBody'),
    revert: t('linkage.duplicates.revertBody'),
  };
  return (
    <Card withBorder radius="md" padding="md" component="article" aria-labelledby={headingId}>
      <Stack gap="sm">
        <Group justify="space-between" align="flex-start" gap="sm">
          <Stack gap={2} style={{ minWidth: 0, flex: '1 1 280px' }}>
            <Title order={3} size="h5" id={headingId} className="break-anywhere">
              {both}
            </Title>
            <Text size="xs" c="gray.7">
              {t('linkage.duplicates.found', { when: formatDateTime(pair.foundAt, locale) })}
              {pair.decidedAt &&
                ` · ${t('linkage.record.decidedAt', { when: formatDateTime(pair.decidedAt, locale) })}`}
            </Text>
          </Stack>
          <ScoreBadge band={scoreBand(pair)} weight={pair.weight} />
        </Group>
        {pair.status === 'same_person' && (
          <Text size="sm" fw={600} c="green.9">
            {t('linkage.duplicates.merged')}
          </Text>
        )}
        {pair.status === 'distinct' && (
          <Text size="sm" fw={600}>
            {t('linkage.duplicates.markedDistinct')}
          </Text>
        )}
        {pair.decisionNote && (
          <Text size="sm">
            <strong>{t('linkage.duplicates.note')}:</strong> {pair.decisionNote}
          </Text>
        )}
        <Comparison sides={sides} label={t('linkage.duplicates.comparison', { names: both })} />
        <Group gap="sm">
          {pair.status === 'open' && (
            <>
              <Button
                leftSection={<IconGitMerge size={16} aria-hidden />}
                onClick={() => setDialog('same_person')}
                aria-label={t('linkage.duplicates.sameOf', { names: both })}
              >
                {t('linkage.duplicates.same')}
              </Button>
              <Button
                variant="default"
                leftSection={<IconUsers size={16} aria-hidden />}
                onClick={() => setDialog('distinct')}
                aria-label={t('linkage.duplicates.distinctOf', { names: both })}
              >
                {t('linkage.duplicates.distinct')}
              </Button>
            </>
          )}
          {pair.status === 'same_person' && (
            <Button
              variant="default"
              color="red"
              leftSection={<IconArrowBackUp size={16} aria-hidden />}
              onClick={() => setDialog('revert')}
              aria-label={t('linkage.duplicates.revertOf', { names: both })}
            >
              {t('linkage.duplicates.revert')}
            </Button>
          )}
        </Group>
      </Stack>
      <DecisionModal
        key={dialog ?? 'none'}
        opened={dialog !== null}
        onClose={close}
        title={dialog ? t(`linkage.duplicates.${dialog}Title`) : ''}
        body={dialog ? body[dialog] : null}
        text={dialog === 'revert' ? 'required' : 'optional'}
        textLabel={dialog === 'revert' ? t('linkage.reason') : t('linkage.duplicates.note')}
        submitLabel={
          dialog === 'same_person'
            ? t('linkage.duplicates.same')
            : dialog === 'distinct'
              ? t('linkage.duplicates.distinct')
              : t('linkage.duplicates.revert')
        }
        submitIcon={
          dialog === 'same_person' ? (
            <IconGitMerge size={18} aria-hidden />
          ) : dialog === 'distinct' ? (
            <IconUsers size={18} aria-hidden />
          ) : (
            <IconArrowBackUp size={18} aria-hidden />
          )
        }
        danger={dialog === 'revert'}
        pending={decide.isPending || revert.isPending}
        error={decide.error ?? revert.error}
        onSubmit={(text) => {
          if (dialog === 'revert')
            revert.mutate(
              { id: pair.id, reason: text },
              { onSuccess: () => finish(t('linkage.done.revertMerge')), onError: refused },
            );
          else if (dialog)
            decide.mutate(
              { id: pair.id, decision: dialog, note: text || undefined },
              {
                onSuccess: () =>
                  finish(dialog === 'same_person' ? t('linkage.done.same') : t('linkage.done.distinct')),
                onError: refused,
              },
            );
        }}
      />
    </Card>
  );
}

const DUPLICATE_FILTERS: readonly DuplicateFilter[] = ['open', 'same_person', 'distinct'];

/** Likely duplicate persons: those to decide, the merged ones (which can be undone), the distinct ones. */
function DuplicateList({
  params,
  onChange,
  onDone,
}: {
  params: ReviewParams;
  onChange: (next: ReviewParams) => void;
  onDone: Notify;
}) {
  const { t } = useTranslation();
  const duplicates = useDuplicates(params.duplicates, params.page);
  const items = duplicates.data ?? [];
  // Going back a page when the last pair of a page was decided.
  const stale = duplicates.isPlaceholderData;
  useEffect(() => {
    if (duplicates.data && !stale && duplicates.data.length === 0 && params.page > 0)
      onChange({ ...params, page: params.page - 1 });
  }, [duplicates.data, stale, params, onChange]);
  return (
    <Stack gap="md">
      <SegmentedControl
        value={params.duplicates}
        onChange={(value) =>
          onChange({
            ...params,
            page: 0,
            duplicates: (DUPLICATE_FILTERS as readonly string[]).includes(value)
              ? (value as DuplicateFilter)
              : 'open',
          })
        }
        data={DUPLICATE_FILTERS.map((f) => ({ value: f, label: t(`linkage.duplicates.filter.${f}`) }))}
        aria-label={t('linkage.duplicates.filterLabel')}
        style={{ alignSelf: 'flex-start' }}
      />
      {duplicates.isPending ? (
        <ListSkeleton />
      ) : !duplicates.data ? (
        <ErrorAlert error={duplicates.error} onRetry={() => void duplicates.refetch()} />
      ) : items.length === 0 ? (
        <EmptyState title={t(`linkage.empty.duplicates.${params.duplicates}`)} icon={<IconUsers size={28} />}>
          <Text c="gray.7" maw={560}>
            {t(`linkage.empty.duplicatesHelp.${params.duplicates}`)}
          </Text>
        </EmptyState>
      ) : (
        <Stack gap="md" aria-busy={duplicates.isFetching || undefined}>
          {duplicates.isError && (
            <ErrorAlert error={duplicates.error} onRetry={() => void duplicates.refetch()} />
          )}
          {items.map((pair) => (
            <DuplicateCard key={pair.id} pair={pair} onDone={onDone} />
          ))}
          <PrevNext
            page={params.page}
            hasNext={items.length === REVIEW_PAGE_SIZE}
            onChange={(page) => onChange({ ...params, page })}
          />
        </Stack>
      )}
    </Stack>
  );
}

/** The filter to one import's records, said with its file name, and the way back to all of them. */
function BatchFilter({ batchId, onClear }: { batchId: string; onClear: () => void }) {
  const { t } = useTranslation();
  const batch = useImportBatch(batchId);
  return (
    <Alert color="indigo" variant="light" icon={<IconFilter aria-hidden />} role="status">
      <Group gap="sm" justify="space-between">
        <Text size="sm">
          {batch.data ? t('linkage.batchFilter', { name: batch.data.fileName }) : t('linkage.batchFilterAny')}
        </Text>
        <Button size="compact-sm" variant="default" onClick={onClear}>
          {t('linkage.showAll')}
        </Button>
      </Group>
    </Alert>
  );
}

const TAB_ICON: Record<ReviewTab, typeof IconInbox> = {
  review: IconUserQuestion,
  unmatched: IconUserX,
  linked: IconLink,
  duplicates: IconUsers,
};

/**
 * /vinculacion: the data steward's queue. Records held by an import (a probable match to
 * confirm, or nobody found), the links made by review (which can be undone), and likely
 * duplicate persons of the registry.
 */
export function LinkReviewPage() {
  const { t } = useTranslation();
  const locale = useLocale();
  usePageTitle(t('linkage.title'));
  const [search, setSearch] = useSearchParams();
  const params = readReviewParams(search);
  const [notice, setNoticeState] = useState<{ text: string; tone: 'done' | 'conflict' } | null>(null);
  const setNotice = (text: string | null, tone: 'done' | 'conflict' = 'done') =>
    setNoticeState(text === null ? null : { text, tone });
  const noticeRef = useRef<HTMLDivElement>(null);
  // The decided record leaves the list with the button that was pressed: focus goes to the news instead.
  useEffect(() => {
    if (notice) noticeRef.current?.focus();
  }, [notice]);
  // The count on the first tab: the same request as its first page.
  const toReview = useLinkReviews('review', params.tab === 'review' ? params.page : 0, params.batchId);

  const go = (next: ReviewParams) => setSearch(writeReviewParams(next), { replace: true });
  const onPage = (page: number) => {
    setNotice(null);
    go({ ...params, page });
  };

  return (
    <Stack gap="md">
      <div>
        <Title order={1} size="h2">
          {t('linkage.title')}
        </Title>
        <Text size="sm" c="gray.7" mt={4} maw={760}>
          {t('linkage.intro')}
        </Text>
      </div>
      {params.batchId && params.tab !== 'duplicates' && (
        <BatchFilter batchId={params.batchId} onClear={() => go({ ...params, batchId: '', page: 0 })} />
      )}
      {notice && (
        <Alert
          ref={noticeRef}
          tabIndex={-1}
          color={notice.tone === 'done' ? 'green' : 'orange'}
          variant="light"
          icon={notice.tone === 'done' ? <IconCircleCheck aria-hidden /> : <IconAlertTriangle aria-hidden />}
          role="status"
          withCloseButton
          closeButtonLabel={t('linkage.closeNotice')}
          onClose={() => setNotice(null)}
        >
          {notice.text}
        </Alert>
      )}
      <Tabs
        value={params.tab}
        onChange={(value) => {
          setNotice(null);
          const tab = (['review', 'unmatched', 'linked', 'duplicates'] as const).find((x) => x === value);
          if (tab) go({ ...params, tab, page: 0 });
        }}
        keepMounted={false}
      >
        <Tabs.List>
          {(['review', 'unmatched', 'linked', 'duplicates'] as const).map((tab) => {
            const Icon = TAB_ICON[tab];
            const count =
              tab === 'review' && toReview.data ? ` (${formatNumber(toReview.data.total, locale)})` : '';
            return (
              <Tabs.Tab key={tab} value={tab} leftSection={<Icon size={16} aria-hidden />}>
                {t(`linkage.tabs.${tab}`)}
                {count}
              </Tabs.Tab>
            );
          })}
        </Tabs.List>
        {(['review', 'unmatched', 'linked'] as const).map((status) => (
          <Tabs.Panel key={status} value={status} pt="md">
            <Text size="sm" c="gray.7" mb="sm" maw={760}>
              {t(`linkage.tabHelp.${status}`)}
            </Text>
            <ReviewList status={status} params={params} onPage={onPage} onDone={setNotice} />
          </Tabs.Panel>
        ))}
        <Tabs.Panel value="duplicates" pt="md">
          <Text size="sm" c="gray.7" mb="sm" maw={760}>
            {t('linkage.tabHelp.duplicates')}
          </Text>
          <DuplicateList
            params={params}
            onChange={(next) => {
              setNotice(null);
              go(next);
            }}
            onDone={setNotice}
          />
        </Tabs.Panel>
      </Tabs>
    </Stack>
  );
}
