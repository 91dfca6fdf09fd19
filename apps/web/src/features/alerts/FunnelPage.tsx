import './alerts.css';
import '@mantine/dates/styles.css';
import 'dayjs/locale/es';
import {
  Anchor,
  Button,
  Card,
  Group,
  Paper,
  Select,
  SimpleGrid,
  Skeleton,
  Stack,
  Table,
  Text,
  Title,
} from '@mantine/core';
import { DateInput, DatesProvider } from '@mantine/dates';
import { IconCalendar, IconFilterOff, IconListDetails } from '@tabler/icons-react';
import type { Funnel, FunnelCounts } from '@tejido/schemas';
import { useMemo } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, useSearchParams } from 'react-router';
import { paths } from '../../app/access';
import { formatDate, formatNumber, parseDayFirstDate, todayInPeru } from '../../app/format';
import { EmptyState, ErrorAlert, FilterPanel, usePageTitle } from '../../app/ui';
import { useLocale } from '../../i18n';
import { useSession } from '../auth/session';
import { TerritoryFilter } from '../registry/TerritoryFilter';
import {
  EMPTY_FUNNEL_FILTERS,
  FUNNEL_STAGES,
  type FunnelFilters,
  type FunnelNumber,
  funnelListPath,
  GROUP_BY,
  type GroupBy,
  readFunnelFilters,
  writeFunnelFilters,
} from './alertParams';
import { useAlertTypes, useFunnel, useInstitutions } from './api';
import { formatHours, formatPercent, funnelBars, percentOf } from './funnel';
import { typeName } from './parts';

/** A number that opens the list behind it on the alert board. */
function CountLink({
  filters,
  number,
  n,
  row,
  label,
}: {
  filters: FunnelFilters;
  number: FunnelNumber;
  n: number;
  row?: { groupBy: GroupBy; key: string };
  /** What the number counts, for screen readers and the tooltip. */
  label: string;
}) {
  const { t } = useTranslation();
  const locale = useLocale();
  const text = formatNumber(n, locale);
  return (
    <Anchor
      component={Link}
      to={funnelListPath(filters, number, row)}
      className="tabular"
      fw={600}
      title={t('alerts.funnel.seeList', { what: label })}
      aria-label={t('alerts.funnel.countLink', { n: text, what: label })}
    >
      {text}
    </Anchor>
  );
}

function DateField({
  label,
  value,
  onChange,
  min,
  max,
}: {
  label: string;
  value: string;
  onChange: (date: string) => void;
  min?: string;
  max?: string;
}) {
  const { t } = useTranslation();
  return (
    <DateInput
      label={label}
      description={t('common.dateHelp')}
      valueFormat="DD/MM/YYYY"
      dateParser={parseDayFirstDate}
      placeholder={t('common.datePlaceholder')}
      leftSection={<IconCalendar size={16} aria-hidden />}
      value={value || null}
      onChange={(date) => onChange(date ?? '')}
      clearable
      minDate={min || undefined}
      maxDate={max || undefined}
      popoverProps={{ withinPortal: true }}
    />
  );
}

function FunnelFiltersPanel({
  filters,
  onApply,
}: {
  filters: FunnelFilters;
  onApply: (next: FunnelFilters) => void;
}) {
  const { t } = useTranslation();
  const locale = useLocale();
  const me = useSession();
  const types = useAlertTypes();
  const scopeTerritory = me.scope.kind === 'territory' ? me.scope.territoryCode : '';
  const institutions = useInstitutions(filters.territory || scopeTerritory);
  const active = [filters.territory, filters.type, filters.institution, filters.from, filters.to].filter(
    Boolean,
  ).length;
  const apply = (change: Partial<FunnelFilters>) => onApply({ ...filters, ...change });
  const institutionData = (institutions.data ?? []).map((i) => ({ value: i.id, label: i.name }));
  if (filters.institution && !institutionData.some((i) => i.value === filters.institution))
    institutionData.push({ value: filters.institution, label: t('alerts.funnel.institution') });
  const today = todayInPeru();
  return (
    <FilterPanel label={t('alerts.funnel.filters')} id="filtros-embudo" active={active}>
      <TerritoryFilter
        value={filters.territory}
        onChange={(territory) => apply({ territory, institution: '' })}
      />
      <DatesProvider settings={{ locale: locale === 'en' ? 'en' : 'es', firstDayOfWeek: 1 }}>
        <SimpleGrid cols={{ base: 1, xs: 2, md: 4 }} spacing="sm" verticalSpacing="xs">
          <Select
            label={t('alerts.filters.type')}
            placeholder={t('alerts.filters.anyType')}
            data={(types.data ?? []).map((x) => ({
              value: x.code,
              label: typeName(types.data, x.code, locale),
            }))}
            value={filters.type || null}
            onChange={(type) => apply({ type: type ?? '' })}
            searchable
            clearable
            comboboxProps={{ withinPortal: true }}
          />
          <Select
            label={t('alerts.funnel.institution')}
            placeholder={t('alerts.funnel.anyInstitution')}
            data={institutionData}
            value={filters.institution || null}
            onChange={(institution) => apply({ institution: institution ?? '' })}
            searchable
            clearable
            nothingFoundMessage={institutions.isPending ? t('common.loading') : t('territory.noneFound')}
            error={institutions.isError ? t('alerts.funnel.institutionsFailed') : undefined}
            comboboxProps={{ withinPortal: true }}
          />
          <DateField
            label={t('alerts.funnel.from')}
            value={filters.from}
            onChange={(from) => apply({ from })}
            max={filters.to || today}
          />
          <DateField
            label={t('alerts.funnel.to')}
            value={filters.to}
            onChange={(to) => apply({ to })}
            min={filters.from}
            max={today}
          />
        </SimpleGrid>
      </DatesProvider>
      {active > 0 && (
        <Group>
          <Button
            variant="subtle"
            leftSection={<IconFilterOff size={16} aria-hidden />}
            onClick={() => onApply({ ...EMPTY_FUNNEL_FILTERS, groupBy: filters.groupBy })}
          >
            {t('roster.clearFilters')}
          </Button>
        </Group>
      )}
    </FilterPanel>
  );
}

/** The funnel as horizontal bars: how many reached each stage and what share of the identified that is. */
function FunnelBars({ counts, filters }: { counts: FunnelCounts; filters: FunnelFilters }) {
  const { t } = useTranslation();
  const locale = useLocale();
  const bars = funnelBars(counts);
  return (
    <Paper
      withBorder
      radius="md"
      p={{ base: 'sm', sm: 'md' }}
      component="section"
      aria-labelledby="funnel-title"
    >
      <Title order={2} size="h4" id="funnel-title">
        {t('alerts.funnel.bars')}
      </Title>
      <Text size="sm" c="gray.7" mb="sm">
        {t('alerts.funnel.barsHelp')}
      </Text>
      <Stack gap="sm" component="ol" p={0} m={0} style={{ listStyle: 'none' }} data-testid="funnel-bars">
        {bars.map((bar) => {
          const label = t(`alerts.funnel.stage.${bar.stage}`);
          return (
            <li key={bar.stage} data-stage={bar.stage}>
              <Group justify="space-between" gap="xs" wrap="nowrap" mb={4}>
                <Text size="sm" fw={600}>
                  {label}
                </Text>
                <Group gap="xs" wrap="nowrap">
                  <CountLink filters={filters} number={bar.stage} n={bar.n} label={label} />
                  <Text size="sm" c="gray.7" className="tabular" miw={56} ta="right">
                    {formatPercent(bar.percent, locale)}
                  </Text>
                </Group>
              </Group>
              <div className="funnel-bar-track" aria-hidden>
                <div
                  className="funnel-bar"
                  data-stage={bar.stage}
                  style={{ width: `${Math.min(100, Math.max(0, bar.percent ?? 0))}%` }}
                />
              </div>
            </li>
          );
        })}
      </Stack>
      <SimpleGrid cols={{ base: 2, sm: 4 }} spacing="sm" mt="md" component="dl" m={0}>
        {(
          [
            ['open', counts.open],
            ['overdue', counts.overdue],
            ['cancelled', counts.cancelled],
          ] as const
        ).map(([key, n]) => (
          <div key={key}>
            <Text component="dt" size="xs" fw={600} c="gray.7" tt="uppercase">
              {t(`alerts.funnel.extra.${key}`)}
            </Text>
            <Text component="dd" m={0} fz="lg">
              <CountLink filters={filters} number={key} n={n} label={t(`alerts.funnel.extra.${key}`)} />
            </Text>
          </div>
        ))}
        <div>
          <Text component="dt" size="xs" fw={600} c="gray.7" tt="uppercase">
            {t('alerts.funnel.extra.resolvedByEvidence')}
          </Text>
          <Text component="dd" m={0} fz="lg" fw={600} className="tabular">
            {formatNumber(counts.resolvedByEvidence, locale)}
          </Text>
        </div>
      </SimpleGrid>
    </Paper>
  );
}

/** Median and 90th percentile between stages. */
function StageTimes({ times }: { times: Funnel['times'] }) {
  const { t } = useTranslation();
  const locale = useLocale();
  const step = (row: Funnel['times'][number]) =>
    t('alerts.funnel.step', {
      from: t(`alerts.funnel.stage.${row.from}`),
      to: t(`alerts.funnel.stage.${row.to}`),
    });
  return (
    <Paper
      withBorder
      radius="md"
      p={{ base: 'sm', sm: 'md' }}
      component="section"
      aria-labelledby="times-title"
    >
      <Title order={2} size="h4" id="times-title" mb="sm">
        {t('alerts.funnel.times')}
      </Title>
      {times.length === 0 ? (
        <Text size="sm" c="gray.7">
          {t('alerts.funnel.noTimes')}
        </Text>
      ) : (
        <>
          <div className="wide-only">
            <Table striped verticalSpacing="xs" aria-labelledby="times-title">
              <Table.Thead>
                <Table.Tr>
                  <Table.Th scope="col">{t('alerts.funnel.timeStep')}</Table.Th>
                  <Table.Th scope="col" ta="right">
                    {t('alerts.funnel.timeN')}
                  </Table.Th>
                  <Table.Th scope="col" ta="right">
                    {t('alerts.funnel.median')}
                  </Table.Th>
                  <Table.Th scope="col" ta="right">
                    {t('alerts.funnel.p90')}
                  </Table.Th>
                </Table.Tr>
              </Table.Thead>
              <Table.Tbody>
                {times.map((row) => (
                  <Table.Tr key={`${row.from}-${row.to}`}>
                    <Table.Th scope="row" fw={500}>
                      {step(row)}
                    </Table.Th>
                    <Table.Td ta="right" className="tabular">
                      {formatNumber(row.n, locale)}
                    </Table.Td>
                    <Table.Td ta="right" className="tabular">
                      {formatHours(row.medianHours, locale)}
                    </Table.Td>
                    <Table.Td ta="right" className="tabular">
                      {formatHours(row.p90Hours, locale)}
                    </Table.Td>
                  </Table.Tr>
                ))}
              </Table.Tbody>
            </Table>
          </div>
          <Stack gap="xs" className="narrow-only" component="ul" p={0} m={0} style={{ listStyle: 'none' }}>
            {times.map((row) => (
              <Card key={`${row.from}-${row.to}`} component="li" withBorder padding="xs">
                <Text fw={600} size="sm">
                  {step(row)}
                </Text>
                <Text size="sm" className="tabular">
                  {t('alerts.funnel.timeCard', {
                    median: formatHours(row.medianHours, locale),
                    p90: formatHours(row.p90Hours, locale),
                    n: formatNumber(row.n, locale),
                  })}
                </Text>
              </Card>
            ))}
          </Stack>
        </>
      )}
    </Paper>
  );
}

/** A row per child territory, type or institution, every number a link to its list. */
function Breakdown({
  funnel,
  filters,
  onGroupBy,
}: {
  funnel: Funnel;
  filters: FunnelFilters;
  onGroupBy: (groupBy: GroupBy | '') => void;
}) {
  const { t } = useTranslation();
  const locale = useLocale();
  const types = useAlertTypes();
  const groupBy = filters.groupBy;
  const rowName = (row: Funnel['rows'][number]) =>
    groupBy === 'type' ? typeName(types.data, row.key, locale) || row.label : row.label;
  return (
    <Paper
      withBorder
      radius="md"
      p={{ base: 'sm', sm: 'md' }}
      component="section"
      aria-labelledby="breakdown-title"
    >
      <Group justify="space-between" align="flex-end" mb="sm" gap="sm">
        <Title order={2} size="h4" id="breakdown-title">
          {t('alerts.funnel.breakdown')}
        </Title>
        <Select
          label={t('alerts.funnel.groupBy')}
          placeholder={t('alerts.funnel.noGroup')}
          data={GROUP_BY.map((g) => ({ value: g, label: t(`alerts.funnel.group.${g}`) }))}
          value={groupBy || null}
          onChange={(g) => onGroupBy((GROUP_BY as readonly string[]).includes(g ?? '') ? (g as GroupBy) : '')}
          clearable
          w={{ base: '100%', xs: 240 }}
        />
      </Group>
      {!groupBy ? (
        <Text size="sm" c="gray.7">
          {t('alerts.funnel.chooseGroup')}
        </Text>
      ) : funnel.rows.length === 0 ? (
        <Text size="sm" c="gray.7">
          {t('alerts.funnel.noRows')}
        </Text>
      ) : (
        <>
          <Table.ScrollContainer minWidth={720} type="native" className="wide-only">
            <Table striped verticalSpacing="xs" aria-labelledby="breakdown-title">
              <Table.Thead>
                <Table.Tr>
                  <Table.Th scope="col">{t(`alerts.funnel.group.${groupBy}`)}</Table.Th>
                  {FUNNEL_STAGES.map((stage) => (
                    <Table.Th scope="col" ta="right" key={stage}>
                      {t(`alerts.funnel.stage.${stage}`)}
                    </Table.Th>
                  ))}
                  <Table.Th scope="col" ta="right">
                    {t('alerts.funnel.attendedShare')}
                  </Table.Th>
                </Table.Tr>
              </Table.Thead>
              <Table.Tbody>
                {funnel.rows.map((row) => (
                  <Table.Tr key={row.key}>
                    <Table.Th scope="row" fw={500}>
                      {rowName(row)}
                    </Table.Th>
                    {FUNNEL_STAGES.map((stage) => (
                      <Table.Td ta="right" key={stage}>
                        <CountLink
                          filters={filters}
                          number={stage}
                          n={row.counts[stage]}
                          row={{ groupBy, key: row.key }}
                          label={`${rowName(row)}: ${t(`alerts.funnel.stage.${stage}`)}`}
                        />
                      </Table.Td>
                    ))}
                    <Table.Td ta="right" className="tabular">
                      {formatPercent(percentOf(row.counts.attended, row.counts.identified), locale)}
                    </Table.Td>
                  </Table.Tr>
                ))}
              </Table.Tbody>
            </Table>
          </Table.ScrollContainer>
          <Stack gap="xs" className="narrow-only" component="ul" p={0} m={0} style={{ listStyle: 'none' }}>
            {funnel.rows.map((row) => (
              <Card key={row.key} component="li" withBorder padding="xs">
                <Text fw={600} size="sm" mb={4}>
                  {rowName(row)}
                </Text>
                <SimpleGrid cols={3} spacing={6} verticalSpacing={4} component="dl" m={0}>
                  {FUNNEL_STAGES.map((stage) => (
                    <div key={stage}>
                      <Text component="dt" size="xs" c="gray.7">
                        {t(`alerts.funnel.stage.${stage}`)}
                      </Text>
                      <Text component="dd" m={0} size="sm">
                        <CountLink
                          filters={filters}
                          number={stage}
                          n={row.counts[stage]}
                          row={{ groupBy, key: row.key }}
                          label={`${rowName(row)}: ${t(`alerts.funnel.stage.${stage}`)}`}
                        />
                      </Text>
                    </div>
                  ))}
                  <div>
                    <Text component="dt" size="xs" c="gray.7">
                      {t('alerts.funnel.attendedShare')}
                    </Text>
                    <Text component="dd" m={0} size="sm" className="tabular">
                      {formatPercent(percentOf(row.counts.attended, row.counts.identified), locale)}
                    </Text>
                  </div>
                </SimpleGrid>
              </Card>
            ))}
          </Stack>
        </>
      )}
    </Paper>
  );
}

/** The funnel of alerts and referrals: identified → referred → accepted → attended → closed, and how long each step takes. */
export function FunnelPage() {
  const { t } = useTranslation();
  const locale = useLocale();
  usePageTitle(t('alerts.funnel.title'));
  const [params, setParams] = useSearchParams();
  const filters = useMemo(() => readFunnelFilters(params), [params]);
  const funnel = useFunnel(filters);
  const apply = (next: FunnelFilters) => setParams(writeFunnelFilters(next));
  const period =
    filters.from || filters.to
      ? t('alerts.board.period', {
          from: filters.from ? formatDate(filters.from, locale) : '…',
          to: filters.to ? formatDate(filters.to, locale) : '…',
        })
      : t('alerts.funnel.allTime');

  return (
    <Stack gap="md">
      <Group justify="space-between" align="flex-end" gap="sm">
        <div>
          <Title order={1} size="h2">
            {t('alerts.funnel.title')}
          </Title>
          <Text size="sm" c="gray.7" mt={4}>
            {period}
          </Text>
        </div>
        <Anchor component={Link} to={paths.alerts} size="sm">
          <Group gap={4} component="span" wrap="nowrap">
            <IconListDetails size={16} aria-hidden />
            {t('alerts.board.title')}
          </Group>
        </Anchor>
      </Group>
      <FunnelFiltersPanel filters={filters} onApply={apply} />
      {funnel.isPending ? (
        <Stack aria-busy="true" aria-label={t('common.loading')}>
          <Skeleton height={220} />
          <Skeleton height={160} />
        </Stack>
      ) : !funnel.data ? (
        <ErrorAlert error={funnel.error} onRetry={() => void funnel.refetch()} />
      ) : funnel.data.counts.identified === 0 ? (
        <EmptyState title={t('alerts.funnel.empty')}>
          <Text c="gray.7" maw={520}>
            {t('alerts.funnel.emptyHelp')}
          </Text>
        </EmptyState>
      ) : (
        <Stack gap="md" aria-busy={funnel.isFetching || undefined}>
          {funnel.isError && <ErrorAlert error={funnel.error} onRetry={() => void funnel.refetch()} />}
          <SimpleGrid cols={{ base: 1, lg: 2 }} spacing="md" style={{ alignItems: 'start' }}>
            <FunnelBars counts={funnel.data.counts} filters={filters} />
            <StageTimes times={funnel.data.times} />
          </SimpleGrid>
          <Breakdown
            funnel={funnel.data}
            filters={filters}
            onGroupBy={(groupBy) => apply({ ...filters, groupBy })}
          />
        </Stack>
      )}
    </Stack>
  );
}
