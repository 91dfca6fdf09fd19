import './tracking.css';
import '@mantine/dates/styles.css';
import 'dayjs/locale/es';
import {
  Alert,
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
import {
  IconAlertTriangle,
  IconCalendar,
  IconCircleCheck,
  IconCircleX,
  IconFileSpreadsheet,
  IconFileTypeCsv,
  IconFilterOff,
  IconHistory,
  IconPrinter,
  IconUsers,
} from '@tabler/icons-react';
import type { LightCounts, RosterRow, TrafficLight } from '@tejido/schemas';
import { type ComponentType, useMemo, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, useLocation, useSearchParams } from 'react-router';
import { paths } from '../../app/access';
import { formatDate, formatDateTime, formatNumber, parseDayFirstDate, todayInPeru } from '../../app/format';
import { EmptyState, ErrorAlert, FilterToggle, LoadMore, usePageTitle } from '../../app/ui';
import { useLocale } from '../../i18n';
import { useSession } from '../auth/session';
import { personName } from '../registry/people';
import { TerritoryFilter } from '../registry/TerritoryFilter';
import { useHealthFacilities, usePathways, useRoster, useTrackingRun } from './api';
import { AGE_BANDS, isOneOf, RISKS, SUBJECTS } from './codes';
import { LightBadge } from './LightBadge';
import { pathwayItemOptions, reasonText, rosterAgeText } from './labels';
import {
  countFilters,
  EMPTY_ROSTER_FILTERS,
  hasRosterFilters,
  PAST_ROSTER_MAX_HOUSEHOLDS,
  pastDay,
  type RosterFilterValues,
  readRosterFilters,
  rosterExportHref,
  rosterFilterProblem,
  rosterPrintPath,
  writeRosterFilters,
} from './rosterParams';

const LIGHT_ICON: Record<TrafficLight | 'all', ComponentType<{ size?: number; 'aria-hidden'?: boolean }>> = {
  red: IconCircleX,
  amber: IconAlertTriangle,
  green: IconCircleCheck,
  all: IconUsers,
};

const LIGHT_ICON_COLOR: Record<TrafficLight | 'all', string> = {
  red: 'var(--mantine-color-red-8)',
  amber: 'var(--mantine-color-orange-9)',
  green: 'var(--mantine-color-green-8)',
  all: 'var(--mantine-color-indigo-8)',
};

/**
 * How many people have each light, as toggles that filter the list: pressing "Rojo" shows
 * the red ones only, pressing it again (or "Todos") shows everybody.
 */
function LightSummary({
  counts,
  failed,
  value,
  onChange,
}: {
  counts: LightCounts | undefined;
  /** The roster could not be read: no count to wait for. */
  failed: boolean;
  value: TrafficLight | '';
  onChange: (light: TrafficLight | '') => void;
}) {
  const { t } = useTranslation();
  const locale = useLocale();
  const cards: { key: TrafficLight | 'all'; n: number | undefined }[] = [
    { key: 'red', n: counts?.red },
    { key: 'amber', n: counts?.amber },
    { key: 'green', n: counts?.green },
    { key: 'all', n: counts?.total },
  ];
  return (
    <SimpleGrid
      cols={{ base: 2, xs: 4 }}
      spacing="xs"
      role="group"
      aria-label={t('roster.summary')}
      component="div"
    >
      {cards.map(({ key, n }) => {
        const Icon = LIGHT_ICON[key];
        const pressed = key === 'all' ? value === '' : value === key;
        const label = key === 'all' ? t('roster.all') : t(`light.${key}`);
        const count = n === undefined ? (failed ? '—' : '…') : formatNumber(n, locale);
        return (
          <button
            key={key}
            type="button"
            className="light-card"
            data-light={key}
            aria-pressed={pressed}
            aria-label={
              key === 'all'
                ? t('roster.allCard', { n: count })
                : t('roster.lightCard', { light: label, n: count })
            }
            onClick={() => onChange(key === 'all' || pressed ? '' : key)}
          >
            <Group gap={6} wrap="nowrap" aria-hidden>
              <span style={{ color: LIGHT_ICON_COLOR[key], display: 'inline-flex' }}>
                <Icon size={18} aria-hidden />
              </span>
              <Text size="sm" fw={600}>
                {label}
              </Text>
            </Group>
            <Text fz={26} fw={700} className="tabular" lh={1.2} aria-hidden>
              {count}
            </Text>
          </button>
        );
      })}
    </SimpleGrid>
  );
}

function RosterFiltersPanel({
  filters,
  onApply,
  territoryError,
}: {
  filters: RosterFilterValues;
  onApply: (next: RosterFilterValues) => void;
  /** Why the territory must be narrowed, said under it. */
  territoryError: string | null;
}) {
  const { t } = useTranslation();
  const locale = useLocale();
  const me = useSession();
  const active = countFilters(filters);
  const [openAsked, setOpen] = useState(active > 0);
  // The territory to narrow is shown even on a phone.
  const open = openAsked || territoryError !== null;
  const apply = (change: Partial<RosterFilterValues>) => onApply({ ...filters, ...change });

  // Facilities of the chosen territory, or of the coordinator's territory; a facility's own staff do not choose.
  const scopeTerritory = me.scope.kind === 'territory' ? me.scope.territoryCode : '';
  const chooseFacility = me.scope.kind !== 'institution';
  const facilities = useHealthFacilities(filters.territory || scopeTerritory, chooseFacility);
  const facilityData = (facilities.data ?? []).map((f) => ({ value: f.id, label: f.name }));
  if (filters.facility && !facilityData.some((f) => f.value === filters.facility))
    facilityData.push({ value: filters.facility, label: t('roster.facility') });

  const pathways = usePathways();
  const itemGroups = useMemo(
    () => pathwayItemOptions(pathways.data ?? [], filters.subject, locale),
    [pathways.data, filters.subject, locale],
  );

  return (
    <Paper
      withBorder
      p={{ base: 'sm', sm: 'md' }}
      radius="md"
      component="section"
      aria-label={t('roster.filters')}
    >
      <FilterToggle
        open={open}
        active={active}
        controls="filtros-padron"
        onToggle={() => setOpen((o) => !o)}
        openLabel={t('roster.fewerFilters')}
        closedLabel={t('roster.moreFilters')}
      />
      {/* On phones the filters fold away until asked for. */}
      <Stack gap="sm" id="filtros-padron" className="fold-on-phone" data-open={open}>
        <div>
          <TerritoryFilter
            value={filters.territory}
            onChange={(territory) => apply({ territory, facility: '' })}
          />
          {territoryError && (
            <Text size="sm" c="red.8" mt={4} id="territorio-error">
              {territoryError}
            </Text>
          )}
        </div>
        <SimpleGrid cols={{ base: 1, xs: 2, md: 3 }} spacing="sm" verticalSpacing="xs">
          {chooseFacility && (
            <Select
              label={t('roster.facility')}
              placeholder={t('roster.allFacilities')}
              data={facilityData}
              value={filters.facility || null}
              onChange={(facility) => apply({ facility: facility ?? '' })}
              searchable
              clearable
              nothingFoundMessage={facilities.isPending ? t('common.loading') : t('territory.noneFound')}
              error={facilities.isError ? t('roster.facilitiesFailed') : undefined}
              comboboxProps={{ withinPortal: true }}
            />
          )}
          <Select
            label={t('roster.subject')}
            placeholder={t('roster.allSubjects')}
            data={SUBJECTS.map((s) => ({ value: s, label: t(`subject.${s}`) }))}
            value={filters.subject || null}
            onChange={(subject) =>
              apply({ subject: isOneOf(SUBJECTS, subject) ? subject : '', overdueItem: '' })
            }
            clearable
            allowDeselect
          />
          <Select
            label={t('roster.ageBand')}
            placeholder={t('roster.allAges')}
            description={filters.subject === 'pregnancy' ? t('roster.ageOnlyChildren') : undefined}
            disabled={filters.subject === 'pregnancy'}
            data={AGE_BANDS.map((band) => ({ value: band, label: t(`ageBand.${band}`) }))}
            value={filters.ageBand || null}
            onChange={(band) => apply({ ageBand: isOneOf(AGE_BANDS, band) ? band : '' })}
            clearable
          />
          <Select
            label={t('roster.overdueItem')}
            placeholder={t('roster.anyItem')}
            data={itemGroups}
            value={filters.overdueItem || null}
            onChange={(item) => apply({ overdueItem: item ?? '' })}
            searchable
            clearable
            nothingFoundMessage={pathways.isPending ? t('common.loading') : t('territory.noneFound')}
            error={pathways.isError ? t('roster.itemsFailed') : undefined}
            comboboxProps={{ withinPortal: true }}
          />
          <Select
            label={t('roster.risk')}
            placeholder={t('roster.anyRisk')}
            data={RISKS.map((risk) => ({ value: risk, label: t(`risk.${risk}`) }))}
            value={filters.risk || null}
            onChange={(risk) => apply({ risk: isOneOf(RISKS, risk) ? risk : '' })}
            clearable
          />
        </SimpleGrid>
        {active > 0 && (
          <Group>
            <Button
              variant="subtle"
              leftSection={<IconFilterOff size={16} aria-hidden />}
              onClick={() => onApply({ ...EMPTY_ROSTER_FILTERS, light: filters.light, asOf: filters.asOf })}
            >
              {t('roster.clearFilters')}
            </Button>
          </Group>
        )}
      </Stack>
    </Paper>
  );
}

interface RowsProps {
  rows: RosterRow[];
  /** The roster to come back to from a person's page. */
  from: string;
  /** The past day of the roster, which a person's page opens on too; '' for today. */
  asOf: string;
}

function Reasons({ row }: { row: RosterRow }) {
  const { t } = useTranslation();
  const locale = useLocale();
  if (row.reasons.length === 0)
    return (
      <Text size="sm" c="gray.7">
        {t('roster.noReasons')}
      </Text>
    );
  const more = row.reasons.length - 2;
  return (
    <Stack gap={2} component="ul" p={0} m={0} style={{ listStyle: 'none' }}>
      {row.reasons.slice(0, 2).map((reason) => (
        <Text component="li" size="sm" key={`${reason.code}-${reason.itemId ?? ''}`}>
          {reasonText(reason, locale)}
        </Text>
      ))}
      {more > 0 && (
        <Text component="li" size="xs" c="gray.7">
          {t('roster.moreReasons', { n: more })}
        </Text>
      )}
    </Stack>
  );
}

function PersonLink({ row, from, asOf }: { row: RosterRow; from: string; asOf: string }) {
  const to = paths.personTracking(row.personId);
  return (
    <Anchor component={Link} to={asOf ? `${to}?al=${asOf}` : to} state={{ from }} fw={600}>
      {personName(row)}
    </Anchor>
  );
}

function HouseholdLink({ row, from }: { row: RosterRow; from: string }) {
  return (
    <Anchor
      component={Link}
      to={paths.household(row.householdId)}
      state={{ from }}
      ff="monospace"
      size="sm"
      style={{ whiteSpace: 'nowrap' }}
    >
      {row.householdCode}
    </Anchor>
  );
}

function RosterTable({ rows, from, asOf }: RowsProps) {
  const { t } = useTranslation();
  return (
    <Table.ScrollContainer minWidth={760} type="native">
      <Table striped highlightOnHover verticalSpacing="sm" aria-label={t('roster.results')}>
        <Table.Thead>
          <Table.Tr>
            <Table.Th scope="col">{t('roster.columns.light')}</Table.Th>
            <Table.Th scope="col">{t('roster.columns.name')}</Table.Th>
            <Table.Th scope="col">{t('roster.columns.age')}</Table.Th>
            <Table.Th scope="col">{t('roster.columns.village')}</Table.Th>
            <Table.Th scope="col">{t('roster.columns.reasons')}</Table.Th>
            <Table.Th scope="col">{t('roster.columns.household')}</Table.Th>
          </Table.Tr>
        </Table.Thead>
        <Table.Tbody>
          {rows.map((row) => (
            <Table.Tr key={row.personId} data-light={row.light}>
              <Table.Td>
                <LightBadge light={row.light} />
              </Table.Td>
              <Table.Th scope="row" fw={400} maw={240}>
                <PersonLink row={row} from={from} asOf={asOf} />
              </Table.Th>
              <Table.Td className="tabular" style={{ whiteSpace: 'nowrap' }}>
                {rosterAgeText(row, t)}
              </Table.Td>
              <Table.Td>{row.villageName ?? '—'}</Table.Td>
              <Table.Td miw={260} maw={440}>
                <Reasons row={row} />
              </Table.Td>
              <Table.Td>
                <HouseholdLink row={row} from={from} />
              </Table.Td>
            </Table.Tr>
          ))}
        </Table.Tbody>
      </Table>
    </Table.ScrollContainer>
  );
}

function RosterCards({ rows, from, asOf }: RowsProps) {
  const { t } = useTranslation();
  return (
    <Stack gap="sm" component="ul" p={0} m={0} style={{ listStyle: 'none' }} aria-label={t('roster.results')}>
      {rows.map((row) => (
        <Card key={row.personId} component="li" withBorder padding="sm" radius="md" data-light={row.light}>
          <Stack gap={6}>
            <Group justify="space-between" gap="xs" wrap="nowrap" align="flex-start">
              <div style={{ minWidth: 0 }} className="break-anywhere">
                <PersonLink row={row} from={from} asOf={asOf} />
              </div>
              <LightBadge light={row.light} />
            </Group>
            <Text size="sm" c="gray.7">
              {[rosterAgeText(row, t), row.villageName].filter(Boolean).join(' · ')}
            </Text>
            <Reasons row={row} />
            <Group gap={6}>
              <Text size="sm" c="gray.7">
                {t('roster.columns.household')}:
              </Text>
              <HouseholdLink row={row} from={from} />
            </Group>
          </Stack>
        </Card>
      ))}
    </Stack>
  );
}

function RosterSkeleton() {
  const { t } = useTranslation();
  return (
    <Stack gap="sm" aria-busy="true" aria-label={t('common.loading')}>
      {Array.from({ length: 6 }, (_, i) => (
        // biome-ignore lint/suspicious/noArrayIndexKey: placeholders have no identity
        <Skeleton key={i} height={48} radius="sm" />
      ))}
    </Stack>
  );
}

/**
 * "Padrón al": the roster as it stood on a past day, rebuilt from the records known then;
 * cleared, today's roster.
 */
function RosterDatePicker({
  asOf,
  onChange,
  error,
}: {
  asOf: string;
  onChange: (date: string) => void;
  /** Why the server refused the date, if it did. */
  error: string | null;
}) {
  const { t } = useTranslation();
  const locale = useLocale();
  const today = todayInPeru();
  return (
    <DatesProvider settings={{ locale: locale === 'en' ? 'en' : 'es', firstDayOfWeek: 1 }}>
      <DateInput
        label={t('roster.asOfLabel')}
        description={t('roster.asOfHelp')}
        valueFormat="DD/MM/YYYY"
        dateParser={parseDayFirstDate}
        placeholder={t('roster.today')}
        leftSection={<IconCalendar size={16} aria-hidden />}
        value={asOf || null}
        onChange={(date) => onChange(pastDay(date ?? '', today))}
        maxDate={today}
        clearable
        error={error ?? undefined}
        popoverProps={{ withinPortal: true }}
        w={{ base: '100%', xs: 240 }}
      />
    </DatesProvider>
  );
}

/** Export and print the list with the filters on screen. */
function RosterActions({ filters }: { filters: RosterFilterValues }) {
  const { t } = useTranslation();
  const locale = useLocale();
  return (
    <Group gap="xs" role="group" aria-label={t('roster.actions')}>
      <Button
        component="a"
        href={rosterExportHref(filters, 'csv', locale)}
        download
        variant="default"
        size="sm"
        leftSection={<IconFileTypeCsv size={18} aria-hidden />}
      >
        {t('roster.exportCsv')}
      </Button>
      <Button
        component="a"
        href={rosterExportHref(filters, 'xlsx', locale)}
        download
        variant="default"
        size="sm"
        leftSection={<IconFileSpreadsheet size={18} aria-hidden />}
      >
        {t('roster.exportXlsx')}
      </Button>
      <Button
        component={Link}
        to={rosterPrintPath(filters)}
        variant="default"
        size="sm"
        leftSection={<IconPrinter size={18} aria-hidden />}
      >
        {t('roster.print')}
      </Button>
    </Group>
  );
}

/**
 * The traffic-light roster (padrón nominal semaforizado): the children and pregnant women in
 * the person's scope, the most urgent first, with why. Filters are in the address.
 */
export function RosterPage() {
  const { t } = useTranslation();
  const locale = useLocale();
  usePageTitle(t('roster.title'));
  const location = useLocation();
  const [params, setParams] = useSearchParams();
  const filters = useMemo(() => readRosterFilters(params), [params]);
  const roster = useRoster(filters);
  const run = useTrackingRun();
  const rows = useMemo(() => roster.data?.pages.flatMap((page) => page.rows) ?? [], [roster.data]);
  const first = roster.data?.pages[0];
  const apply = (next: RosterFilterValues) => setParams(writeRosterFilters(next));
  const from = `${location.pathname}${location.search}`;
  const total = first ? (filters.light ? first.counts[filters.light] : first.counts.total) : 0;
  // A refusal about the filters is said next to them, in the person's language; the list says nothing more.
  const problem = rows.length === 0 ? rosterFilterProblem(roster.error) : null;
  const tooLarge =
    problem === 'tooLarge'
      ? t('roster.pastTooLarge', { max: formatNumber(PAST_ROSTER_MAX_HOUSEHOLDS, locale) })
      : null;

  return (
    <Stack gap="md">
      <Group justify="space-between" align="flex-end" gap="sm">
        <div>
          <Title order={1} size="h2">
            {t('roster.title')}
          </Title>
          <Text c="gray.8" mt={4} fw={600}>
            {first || filters.asOf
              ? t('roster.asOf', { date: formatDate(first?.asOf ?? filters.asOf, locale) })
              : '\u00a0'}
          </Text>
          <Text size="sm" c="gray.7">
            {run.data?.computedAt && !filters.asOf
              ? `${t('roster.computedAt', { when: formatDateTime(run.data.computedAt, locale) })} · `
              : ''}
            {t('roster.sortedByUrgency')}
          </Text>
        </div>
        <RosterDatePicker
          asOf={filters.asOf}
          onChange={(asOf) => apply({ ...filters, asOf })}
          error={problem === 'futureDate' ? t('roster.futureDate') : null}
        />
      </Group>

      {filters.asOf && (
        <Alert color="indigo" variant="light" icon={<IconHistory aria-hidden />} role="status">
          <Group gap="sm" justify="space-between">
            <Text size="sm">{t('roster.rebuilt', { date: formatDate(filters.asOf, locale) })}</Text>
            <Button size="compact-sm" variant="default" onClick={() => apply({ ...filters, asOf: '' })}>
              {t('roster.backToToday')}
            </Button>
          </Group>
        </Alert>
      )}

      {tooLarge && (
        <Alert color="orange" variant="light" icon={<IconAlertTriangle aria-hidden />} role="alert">
          <Text size="sm">{tooLarge}</Text>
        </Alert>
      )}

      <LightSummary
        counts={first?.counts}
        failed={roster.isError && !first}
        value={filters.light}
        onChange={(light) => apply({ ...filters, light })}
      />

      <RosterFiltersPanel filters={filters} onApply={apply} territoryError={tooLarge} />

      {/* A refused roster has nothing to download or print. */}
      {!problem && <RosterActions filters={filters} />}

      <section aria-label={t('roster.results')}>
        {roster.isPending ? (
          <RosterSkeleton />
        ) : problem ? null : roster.isError && rows.length === 0 ? (
          <ErrorAlert error={roster.error} onRetry={() => void roster.refetch()} />
        ) : rows.length === 0 ? (
          hasRosterFilters(filters) ? (
            <EmptyState title={t('roster.noResults')}>
              <Text c="gray.7" maw={520}>
                {t('roster.noResultsHelp')}
              </Text>
              <Button
                variant="default"
                leftSection={<IconFilterOff size={16} aria-hidden />}
                onClick={() => apply(EMPTY_ROSTER_FILTERS)}
              >
                {t('roster.clearFilters')}
              </Button>
            </EmptyState>
          ) : (
            <EmptyState title={t('roster.empty')}>
              <Text c="gray.7" maw={520}>
                {t('roster.emptyHelp')}
              </Text>
            </EmptyState>
          )
        ) : (
          <>
            <Paper withBorder radius="md" className="wide-only">
              <RosterTable rows={rows} from={from} asOf={filters.asOf} />
            </Paper>
            <div className="narrow-only">
              <RosterCards rows={rows} from={from} asOf={filters.asOf} />
            </div>
            {roster.isFetchNextPageError && (
              <Stack mt="sm">
                <ErrorAlert error={roster.error} onRetry={() => void roster.fetchNextPage()} />
              </Stack>
            )}
            <LoadMore
              shown={rows.length}
              hasMore={roster.hasNextPage}
              loading={roster.isFetchingNextPage}
              onLoadMore={() => void roster.fetchNextPage()}
              shownLabel={t('roster.shown', {
                n: formatNumber(rows.length, locale),
                total: formatNumber(total, locale),
              })}
            />
          </>
        )}
      </section>
    </Stack>
  );
}
