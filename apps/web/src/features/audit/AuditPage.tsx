import {
  Alert,
  Button,
  Card,
  Code,
  Group,
  Paper,
  SimpleGrid,
  Skeleton,
  Stack,
  Table,
  Text,
  TextInput,
  Title,
} from '@mantine/core';
import '@mantine/dates/styles.css';
import 'dayjs/locale/es';
import { DateInput, DatesProvider } from '@mantine/dates';
import {
  IconCalendar,
  IconFilter,
  IconFilterOff,
  IconShieldCheck,
  IconShieldSearch,
  IconShieldX,
} from '@tabler/icons-react';
import type { AuditEntry, AuditVerification } from '@tejido/schemas';
import type { TFunction } from 'i18next';
import { type FormEvent, useEffect, useMemo, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useSearchParams } from 'react-router';
import { formatDateTime, formatNumber, parseDayFirstDate } from '../../app/format';
import { EmptyState, ErrorAlert, FilterToggle, LoadMore, usePageTitle } from '../../app/ui';
import { useLocale } from '../../i18n';
import { translateOr } from '../../i18n/dynamic';
import { useAuditTrail, useVerifyAuditChain } from './api';
import {
  type AuditFilters,
  checkAuditFilters,
  EMPTY_AUDIT_FILTERS,
  readAuditFilters,
  writeAuditFilters,
} from './auditParams';

function actorText(entry: AuditEntry, t: TFunction): string {
  return entry.actorName ?? t(`audit.actorKind.${entry.actorKind}`);
}

function roleText(entry: AuditEntry, t: TFunction): string {
  return entry.actorRole ? translateOr(t, `roles.${entry.actorRole}`, entry.actorRole) : '—';
}

/** An action code ('login.failed') as words, with the code itself for filtering. */
function ActionCell({ action }: { action: string }) {
  const { t } = useTranslation();
  const words = translateOr(t, `audit.actions.${action.replace(/\./g, '_')}`, '');
  return (
    <div>
      {words && <Text size="sm">{words}</Text>}
      <Code>{action}</Code>
    </div>
  );
}

function entityText(entry: AuditEntry, t: TFunction): string | null {
  return entry.entity ? translateOr(t, `history.entities.${entry.entity}`, entry.entity) : null;
}

function VerificationResult({ result }: { result: AuditVerification }) {
  const { t } = useTranslation();
  const locale = useLocale();
  if (result.ok) {
    return (
      <Alert
        role="status"
        color="green"
        variant="light"
        icon={<IconShieldCheck aria-hidden />}
        title={t('audit.verifyOk')}
        styles={{ title: { color: 'var(--mantine-color-green-9)' } }}
      >
        {t('audit.verifyOkBody', { n: formatNumber(result.entries, locale) })}
      </Alert>
    );
  }
  return (
    <Alert
      role="alert"
      color="red"
      variant="light"
      icon={<IconShieldX aria-hidden />}
      title={t('audit.verifyBroken')}
      styles={{ title: { color: 'var(--mantine-color-red-9)' } }}
    >
      <Stack gap={4}>
        {result.firstBroken ? (
          <Text size="sm">
            {t('audit.verifyBrokenAt', { seq: result.firstBroken.seq })}{' '}
            <Code>{result.firstBroken.reason}</Code>
          </Text>
        ) : null}
        <Text size="sm">{t('audit.verifyBrokenBody', { n: formatNumber(result.entries, locale) })}</Text>
      </Stack>
    </Alert>
  );
}

function VerifyChain() {
  const { t } = useTranslation();
  const verify = useVerifyAuditChain();
  return (
    <Paper
      withBorder
      radius="md"
      p={{ base: 'sm', sm: 'md' }}
      component="section"
      aria-labelledby="verify-title"
    >
      <Group justify="space-between" align="center" gap="sm">
        <div>
          <Title order={2} size="h4" id="verify-title">
            {t('audit.verifyTitle')}
          </Title>
          <Text size="sm" c="gray.7">
            {t('audit.verifyHelp')}
          </Text>
        </div>
        <Button
          leftSection={<IconShieldSearch size={18} aria-hidden />}
          onClick={() => verify.mutate()}
          loading={verify.isPending}
        >
          {t('audit.verify')}
        </Button>
      </Group>
      <Stack mt={verify.data || verify.isError ? 'sm' : 0} aria-live="polite">
        {verify.data && <VerificationResult result={verify.data} />}
        {verify.isError && <ErrorAlert error={verify.error} onRetry={() => verify.mutate()} />}
      </Stack>
    </Paper>
  );
}

function FiltersForm({
  applied,
  onApply,
}: {
  applied: AuditFilters;
  onApply: (filters: AuditFilters) => void;
}) {
  const { t } = useTranslation();
  const locale = useLocale();
  const [draft, setDraft] = useState(applied);
  const [showProblems, setShowProblems] = useState(false);
  // Back and forward change the address: the form follows it.
  useEffect(() => {
    setDraft(applied);
    setShowProblems(false);
  }, [applied]);
  const problems = showProblems ? checkAuditFilters(draft) : {};
  const active = Object.values(applied).filter(Boolean).length;
  const [open, setOpen] = useState(active > 0);
  const set = (key: keyof AuditFilters) => (value: string) => setDraft((d) => ({ ...d, [key]: value }));

  function submit(event: FormEvent) {
    event.preventDefault();
    const trimmed = { ...draft, householdId: draft.householdId.trim().toLowerCase() };
    if (Object.keys(checkAuditFilters(trimmed)).length > 0) {
      setShowProblems(true);
      return;
    }
    onApply(trimmed);
  }

  const dateProps = {
    valueFormat: 'DD/MM/YYYY',
    dateParser: parseDayFirstDate,
    placeholder: t('common.datePlaceholder'),
    clearable: true,
    leftSection: <IconCalendar size={16} aria-hidden />,
    popoverProps: { withinPortal: true },
  } as const;

  return (
    <Paper
      withBorder
      radius="md"
      p={{ base: 'sm', sm: 'md' }}
      component="section"
      aria-label={t('audit.filters')}
    >
      <FilterToggle
        open={open}
        active={active}
        controls="filtros-auditoria"
        onToggle={() => setOpen((o) => !o)}
        openLabel={t('audit.hideFilters')}
        closedLabel={t('audit.showFilters')}
      />
      {/* On phones the filters fold away until asked for. */}
      <form onSubmit={submit} noValidate id="filtros-auditoria" className="fold-on-phone" data-open={open}>
        {/* Calendars in the interface language; weeks start on Monday in Peru. */}
        <DatesProvider settings={{ locale: locale === 'en' ? 'en' : 'es', firstDayOfWeek: 1 }}>
          <SimpleGrid cols={{ base: 1, xs: 2, md: 3, lg: 5 }} spacing="sm" verticalSpacing="xs">
            <TextInput
              label={t('audit.actor')}
              description={t('audit.actorHelp')}
              value={draft.actor}
              onChange={(e) => set('actor')(e.currentTarget.value)}
              maxLength={100}
              autoComplete="off"
            />
            <TextInput
              label={t('audit.action')}
              description={t('audit.actionHelp')}
              value={draft.action}
              onChange={(e) => set('action')(e.currentTarget.value)}
              maxLength={40}
              autoComplete="off"
            />
            <TextInput
              label={t('audit.householdId')}
              description={t('audit.householdIdHelp')}
              value={draft.householdId}
              onChange={(e) => set('householdId')(e.currentTarget.value)}
              error={problems.householdId ? t('audit.householdIdInvalid') : undefined}
              autoComplete="off"
              spellCheck={false}
            />
            <DateInput
              {...dateProps}
              label={t('audit.from')}
              description={t('common.dateHelp')}
              value={draft.from || null}
              onChange={(value) => set('from')(value ?? '')}
            />
            <DateInput
              {...dateProps}
              label={t('audit.to')}
              description={t('common.dateHelp')}
              value={draft.to || null}
              onChange={(value) => set('to')(value ?? '')}
              error={problems.range ? t('audit.rangeInvalid') : undefined}
            />
          </SimpleGrid>
        </DatesProvider>
        <Group mt="sm" gap="sm">
          <Button type="submit" leftSection={<IconFilter size={16} aria-hidden />}>
            {t('audit.apply')}
          </Button>
          <Button
            variant="default"
            leftSection={<IconFilterOff size={16} aria-hidden />}
            onClick={() => onApply(EMPTY_AUDIT_FILTERS)}
          >
            {t('audit.clear')}
          </Button>
        </Group>
      </form>
    </Paper>
  );
}

function EntityCell({ entry }: { entry: AuditEntry }) {
  const { t } = useTranslation();
  const entity = entityText(entry, t);
  if (!entity && !entry.entityId) return null;
  return (
    <div>
      {entity && <Text size="sm">{entity}</Text>}
      {entry.entityId && (
        <Text size="xs" ff="monospace" c="gray.7" className="break-anywhere">
          {entry.entityId}
        </Text>
      )}
    </div>
  );
}

function AuditTable({ items }: { items: AuditEntry[] }) {
  const { t } = useTranslation();
  const locale = useLocale();
  return (
    <>
      <Paper withBorder radius="md" visibleFrom="sm">
        <Table.ScrollContainer minWidth={940} type="native">
          <Table verticalSpacing="xs" striped highlightOnHover aria-label={t('audit.entries')}>
            <Table.Thead>
              <Table.Tr>
                <Table.Th scope="col" ta="right">
                  {t('audit.seq')}
                </Table.Th>
                <Table.Th scope="col">{t('audit.at')}</Table.Th>
                <Table.Th scope="col">{t('audit.actor')}</Table.Th>
                <Table.Th scope="col">{t('audit.role')}</Table.Th>
                <Table.Th scope="col">{t('audit.action')}</Table.Th>
                <Table.Th scope="col">{t('audit.entity')}</Table.Th>
                <Table.Th scope="col">{t('audit.ip')}</Table.Th>
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {items.map((entry) => (
                <Table.Tr key={entry.seq}>
                  <Table.Td ta="right" className="tabular" c="gray.7">
                    {entry.seq}
                  </Table.Td>
                  <Table.Td className="tabular" style={{ whiteSpace: 'nowrap' }}>
                    {formatDateTime(entry.at, locale)}
                  </Table.Td>
                  <Table.Td>{actorText(entry, t)}</Table.Td>
                  <Table.Td>{roleText(entry, t)}</Table.Td>
                  <Table.Td>
                    <ActionCell action={entry.action} />
                  </Table.Td>
                  <Table.Td maw={280}>
                    {entry.entity || entry.entityId ? <EntityCell entry={entry} /> : '—'}
                  </Table.Td>
                  <Table.Td className="tabular" ff="monospace" fz="xs">
                    {entry.ip ?? '—'}
                  </Table.Td>
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
        </Table.ScrollContainer>
      </Paper>
      <Stack
        gap="xs"
        hiddenFrom="sm"
        component="ul"
        p={0}
        m={0}
        style={{ listStyle: 'none' }}
        aria-label={t('audit.entries')}
      >
        {items.map((entry) => (
          <Card key={entry.seq} component="li" withBorder padding="sm">
            <Group justify="space-between" gap="xs">
              <Text size="sm" className="tabular" fw={600}>
                {formatDateTime(entry.at, locale)}
              </Text>
              <Text size="xs" c="gray.7" className="tabular">
                {t('audit.seq')} {entry.seq}
              </Text>
            </Group>
            <Text size="sm">
              {actorText(entry, t)} · {roleText(entry, t)}
            </Text>
            <ActionCell action={entry.action} />
            <EntityCell entry={entry} />
            <Text size="xs" c="gray.7">
              {t('audit.ip')}: {entry.ip ?? '—'}
            </Text>
          </Card>
        ))}
      </Stack>
    </>
  );
}

/** The audit trail, for the auditor: who read or changed what, when and from where; and whether the chain holds. */
export function AuditPage() {
  const { t } = useTranslation();
  const locale = useLocale();
  usePageTitle(t('audit.title'));
  const [params, setParams] = useSearchParams();
  const filters = useMemo(() => readAuditFilters(params), [params]);
  const trail = useAuditTrail(filters);
  const items = useMemo(() => trail.data?.pages.flatMap((page) => page.items) ?? [], [trail.data]);
  const filtered = Object.values(filters).some(Boolean);

  return (
    <Stack gap="md">
      <Title order={1} size="h2">
        {t('audit.title')}
      </Title>
      <VerifyChain />
      <FiltersForm applied={filters} onApply={(next) => setParams(writeAuditFilters(next))} />
      <section aria-label={t('audit.entries')}>
        {trail.isPending ? (
          <Stack aria-busy="true" aria-label={t('common.loading')}>
            {[0, 1, 2, 3, 4].map((i) => (
              <Skeleton key={i} height={36} />
            ))}
          </Stack>
        ) : trail.isError && items.length === 0 ? (
          <ErrorAlert error={trail.error} onRetry={() => void trail.refetch()} />
        ) : items.length === 0 ? (
          <EmptyState title={filtered ? t('audit.noResults') : t('audit.empty')}>
            {filtered && <Text c="gray.7">{t('audit.noResultsHelp')}</Text>}
          </EmptyState>
        ) : (
          <>
            <AuditTable items={items} />
            {trail.isFetchNextPageError && (
              <Stack mt="sm">
                <ErrorAlert error={trail.error} onRetry={() => void trail.fetchNextPage()} />
              </Stack>
            )}
            <LoadMore
              shown={items.length}
              hasMore={trail.hasNextPage}
              loading={trail.isFetchingNextPage}
              onLoadMore={() => void trail.fetchNextPage()}
              shownLabel={t('audit.shown', { n: formatNumber(items.length, locale) })}
            />
          </>
        )}
      </section>
    </Stack>
  );
}
