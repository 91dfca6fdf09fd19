import './alerts.css';
import {
  Alert,
  Anchor,
  Button,
  Group,
  Select,
  SimpleGrid,
  Skeleton,
  Stack,
  Switch,
  Text,
  Title,
} from '@mantine/core';
import { IconChartFunnel, IconFilter, IconFilterOff } from '@tabler/icons-react';
import type { AlertPage, AlertType } from '@tejido/schemas';
import { useMemo } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, useLocation, useSearchParams } from 'react-router';
import { canSeeAlertFunnel, paths } from '../../app/access';
import { formatDate, formatNumber } from '../../app/format';
import { EmptyState, ErrorAlert, FilterPanel, LoadMore, usePageTitle } from '../../app/ui';
import { useLocale } from '../../i18n';
import { useSession } from '../auth/session';
import { TerritoryFilter } from '../registry/TerritoryFilter';
import {
  type BoardFilters,
  countBoardFilters,
  EMPTY_BOARD_FILTERS,
  hasBoardFilters,
  OPEN_STAGES,
  readBoardFilters,
  SEVERITIES,
  writeBoardFilters,
} from './alertParams';
import { useAlerts, useAlertTypes } from './api';
import { AlertList, typeName, useNow } from './parts';

/** How many open alerts are in each stage, as toggles that filter the list. */
function StageSummary({
  counts,
  failed,
  value,
  onChange,
}: {
  counts: AlertPage['counts'] | undefined;
  failed: boolean;
  value: BoardFilters['stage'];
  onChange: (stage: BoardFilters['stage']) => void;
}) {
  const { t } = useTranslation();
  const locale = useLocale();
  return (
    <SimpleGrid
      cols={{ base: 2, xs: 3, md: 5 }}
      spacing="xs"
      role="group"
      aria-label={t('alerts.board.summary')}
    >
      {OPEN_STAGES.map((stage) => {
        const n = counts?.[stage];
        const count = n === undefined ? (failed ? '—' : '…') : formatNumber(n, locale);
        const pressed = value === stage;
        const label = t(`alerts.stage.${stage}`);
        return (
          <button
            key={stage}
            type="button"
            className="stage-card"
            aria-pressed={pressed}
            aria-label={t('alerts.board.stageCard', { stage: label, n: count })}
            onClick={() => onChange(pressed ? '' : stage)}
          >
            <Text size="sm" fw={600} aria-hidden>
              {label}
            </Text>
            <Text fz={24} fw={700} className="tabular" lh={1.2} aria-hidden>
              {count}
            </Text>
          </button>
        );
      })}
    </SimpleGrid>
  );
}

function typeOptions(types: AlertType[] | undefined, locale: string) {
  const list = types ?? [];
  return (['person', 'rule'] as const)
    .map((origin) => ({
      origin,
      items: list
        .filter((x) => x.origin === origin)
        .map((x) => ({ value: x.code, label: typeName(list, x.code, locale) })),
    }))
    .filter((g) => g.items.length > 0);
}

function BoardFiltersPanel({
  filters,
  onApply,
}: {
  filters: BoardFilters;
  onApply: (next: BoardFilters) => void;
}) {
  const { t } = useTranslation();
  const locale = useLocale();
  const types = useAlertTypes();
  const active = countBoardFilters(filters);
  const apply = (change: Partial<BoardFilters>) => onApply({ ...filters, ...change });
  const typeData = typeOptions(types.data, locale).map((g) => ({
    group: t(`alerts.originKind.${g.origin}`),
    items: g.items,
  }));
  if (filters.type && !types.data?.some((x) => x.code === filters.type))
    typeData.push({ group: '—', items: [{ value: filters.type, label: filters.type }] });

  return (
    <FilterPanel label={t('alerts.board.filters')} id="filtros-alertas" active={active}>
      <TerritoryFilter value={filters.territory} onChange={(territory) => apply({ territory })} />
      <SimpleGrid cols={{ base: 1, xs: 2, md: 4 }} spacing="sm" verticalSpacing="xs">
        <Select
          label={t('alerts.filters.type')}
          placeholder={t('alerts.filters.anyType')}
          data={typeData}
          value={filters.type || null}
          onChange={(type) => apply({ type: type ?? '' })}
          searchable
          clearable
          error={types.isError ? t('alerts.filters.typesFailed') : undefined}
          comboboxProps={{ withinPortal: true }}
        />
        <Select
          label={t('alerts.filters.severity')}
          placeholder={t('alerts.filters.anySeverity')}
          data={SEVERITIES.map((s) => ({ value: s, label: t(`alerts.severity.${s}`) }))}
          value={filters.severity || null}
          onChange={(s) =>
            apply({
              severity: (SEVERITIES as readonly string[]).includes(s ?? '')
                ? (s as BoardFilters['severity'])
                : '',
            })
          }
          clearable
        />
        <Select
          label={t('alerts.filters.status')}
          data={[
            { value: 'all', label: t('alerts.filters.statusAll') },
            { value: 'open', label: t('alerts.filters.statusOpen') },
            { value: 'ended', label: t('alerts.filters.statusEnded') },
          ]}
          value={filters.status || 'all'}
          onChange={(v) => apply({ status: v === 'open' || v === 'ended' ? v : '' })}
          allowDeselect={false}
        />
        <Switch
          label={t('alerts.filters.overdue')}
          description={t('alerts.filters.overdueHelp')}
          checked={filters.overdue}
          onChange={(e) => apply({ overdue: e.currentTarget.checked })}
          mt={{ base: 0, xs: 'lg' }}
        />
      </SimpleGrid>
      {active > 0 && (
        <Group>
          <Button
            variant="subtle"
            leftSection={<IconFilterOff size={16} aria-hidden />}
            onClick={() => onApply({ ...EMPTY_BOARD_FILTERS, stage: filters.stage })}
          >
            {t('roster.clearFilters')}
          </Button>
        </Group>
      )}
    </FilterPanel>
  );
}

/** Filters that came from a link (the funnel, a household) and have no control of their own. */
function LinkedFilters({ filters, onClear }: { filters: BoardFilters; onClear: () => void }) {
  const { t } = useTranslation();
  const locale = useLocale();
  const parts: string[] = [];
  if (filters.reached) parts.push(t('alerts.board.reached', { stage: t(`alerts.stage.${filters.reached}`) }));
  if (filters.from || filters.to)
    parts.push(
      t('alerts.board.period', {
        from: filters.from ? formatDate(filters.from, locale) : '…',
        to: filters.to ? formatDate(filters.to, locale) : '…',
      }),
    );
  if (filters.institution) parts.push(t('alerts.board.oneInstitution'));
  if (filters.household) parts.push(t('alerts.board.oneHousehold'));
  if (filters.person) parts.push(t('alerts.board.onePerson'));
  if (filters.fieldWorker) parts.push(t('alerts.board.oneFieldWorker'));
  if (parts.length === 0) return null;
  return (
    <Alert color="indigo" variant="light" icon={<IconFilter aria-hidden />} role="status">
      <Group gap="sm" justify="space-between">
        <Text size="sm">{parts.join(' · ')}</Text>
        <Button size="compact-sm" variant="default" onClick={onClear}>
          {t('alerts.board.clearLinked')}
        </Button>
      </Group>
    </Alert>
  );
}

/**
 * The alert board: alerts in the person's scope (a field worker's own households, a
 * coordinator's territory), the nearest deadline first, with the time left in words.
 */
export function AlertBoardPage() {
  const { t } = useTranslation();
  const locale = useLocale();
  const me = useSession();
  usePageTitle(t('alerts.board.title'));
  const location = useLocation();
  const [params, setParams] = useSearchParams();
  const filters = useMemo(() => readBoardFilters(params), [params]);
  const alerts = useAlerts(filters);
  const types = useAlertTypes();
  const now = useNow();
  const items = useMemo(() => alerts.data?.pages.flatMap((p) => p.items) ?? [], [alerts.data]);
  const first = alerts.data?.pages[0];
  const apply = (next: BoardFilters) => setParams(writeBoardFilters(next));
  const from = `${location.pathname}${location.search}`;

  return (
    <Stack gap="md">
      <Group justify="space-between" align="flex-end" gap="sm">
        <div>
          <Title order={1} size="h2">
            {t('alerts.board.title')}
          </Title>
          <Text size="sm" c="gray.7" mt={4}>
            {me.role === 'field_worker' ? t('alerts.board.ownHouseholds') : t('alerts.board.scope')} ·{' '}
            {t('alerts.board.sorted')}
          </Text>
        </div>
        {canSeeAlertFunnel(me.role) && (
          <Anchor component={Link} to={paths.funnel} size="sm">
            <Group gap={4} component="span" wrap="nowrap">
              <IconChartFunnel size={16} aria-hidden />
              {t('nav.funnel')}
            </Group>
          </Anchor>
        )}
      </Group>

      <StageSummary
        counts={first?.counts}
        failed={alerts.isError && !first}
        value={filters.stage}
        onChange={(stage) => apply({ ...filters, stage })}
      />
      <LinkedFilters
        filters={filters}
        onClear={() =>
          apply({
            ...filters,
            reached: '',
            from: '',
            to: '',
            institution: '',
            household: '',
            person: '',
            fieldWorker: '',
          })
        }
      />
      <BoardFiltersPanel filters={filters} onApply={apply} />

      <section aria-label={t('alerts.board.results')}>
        {alerts.isPending ? (
          <Stack gap="sm" aria-busy="true" aria-label={t('common.loading')}>
            {Array.from({ length: 5 }, (_, i) => (
              // biome-ignore lint/suspicious/noArrayIndexKey: placeholders have no identity
              <Skeleton key={i} height={48} radius="sm" />
            ))}
          </Stack>
        ) : alerts.isError && items.length === 0 ? (
          <ErrorAlert error={alerts.error} onRetry={() => void alerts.refetch()} />
        ) : items.length === 0 ? (
          <EmptyState
            title={hasBoardFilters(filters) ? t('alerts.board.noResults') : t('alerts.board.empty')}
          >
            <Text c="gray.7" maw={520}>
              {hasBoardFilters(filters) ? t('alerts.board.noResultsHelp') : t('alerts.board.emptyHelp')}
            </Text>
            {hasBoardFilters(filters) && (
              <Button
                variant="default"
                leftSection={<IconFilterOff size={16} aria-hidden />}
                onClick={() => apply(EMPTY_BOARD_FILTERS)}
              >
                {t('roster.clearFilters')}
              </Button>
            )}
          </EmptyState>
        ) : (
          <>
            <AlertList
              items={items}
              types={types.data}
              from={from}
              now={now}
              label={t('alerts.board.results')}
            />
            {alerts.isFetchNextPageError && (
              <Stack mt="sm">
                <ErrorAlert error={alerts.error} onRetry={() => void alerts.fetchNextPage()} />
              </Stack>
            )}
            <LoadMore
              shown={items.length}
              hasMore={alerts.hasNextPage}
              loading={alerts.isFetchingNextPage}
              onLoadMore={() => void alerts.fetchNextPage()}
              shownLabel={t('alerts.board.shown', { n: formatNumber(items.length, locale) })}
            />
          </>
        )}
      </section>
    </Stack>
  );
}
