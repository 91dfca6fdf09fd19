import {
  Anchor,
  Badge,
  Button,
  Card,
  Group,
  Paper,
  Select,
  Skeleton,
  Stack,
  Table,
  Text,
  TextInput,
  Title,
} from '@mantine/core';
import { IconAdjustmentsHorizontal, IconFilterOff, IconSearch } from '@tabler/icons-react';
import type { HouseholdSummary, Programme } from '@tejido/schemas';
import { type FormEvent, useEffect, useMemo, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, useLocation, useSearchParams } from 'react-router';
import { householdsLabel, paths } from '../../app/access';
import { type AppLocale, formatNumber } from '../../app/format';
import { EmptyState, ErrorAlert, LoadMore, usePageTitle } from '../../app/ui';
import { useLocale } from '../../i18n';
import { useSession } from '../auth/session';
import { useHouseholdSearch, useProgrammes } from './api';
import {
  EMPTY_FILTERS,
  type HouseholdFilters,
  hasFilters,
  readFilters,
  searchKind,
  writeFilters,
} from './searchParams';
import { TerritoryFilter } from './TerritoryFilter';

function programmeName(programme: Programme, locale: AppLocale): string {
  return locale === 'en' ? programme.nameEn : programme.nameEs;
}

/** Programmes are known by their short names (JUNTOS, QALI WARMA); the official names are long. */
function shortName(code: string): string {
  return code.replace(/_/g, ' ');
}

/** Programme short names as badges; the official name, in the interface language, on hover. */
function ProgrammeBadges({ codes, names }: { codes: string[]; names: Map<string, string> }) {
  const { t } = useTranslation();
  if (codes.length === 0)
    return (
      <Text size="sm" c="gray.7">
        {t('households.noProgramme')}
      </Text>
    );
  return (
    <Group gap={4}>
      {codes.map((code) => (
        <Badge
          key={code}
          variant="light"
          color="indigo"
          radius="sm"
          tt="none"
          c="indigo.9"
          title={names.get(code) ?? code}
        >
          {shortName(code)}
        </Badge>
      ))}
    </Group>
  );
}

function place(item: HouseholdSummary): string {
  return item.villageName ? `${item.districtName} / ${item.villageName}` : item.districtName;
}

function MatchedPerson({ item }: { item: HouseholdSummary }) {
  const { t } = useTranslation();
  if (!item.matchedPerson) return null;
  const { name, document } = item.matchedPerson;
  return (
    <Text size="xs" c="gray.7">
      {t('households.matched', { name })}
      {document ? ` · ${document}` : ''}
    </Text>
  );
}

interface ResultsProps {
  items: HouseholdSummary[];
  names: Map<string, string>;
  /** The search to come back to from a household page. */
  from: string;
}

function ResultsTable({ items, names, from }: ResultsProps) {
  const { t } = useTranslation();
  const locale = useLocale();
  return (
    <Table.ScrollContainer minWidth={860} type="native">
      <Table striped highlightOnHover verticalSpacing="sm" aria-label={t('households.resultsLabel')}>
        <Table.Thead>
          <Table.Tr>
            <Table.Th scope="col">{t('households.columns.code')}</Table.Th>
            <Table.Th scope="col">{t('households.columns.head')}</Table.Th>
            <Table.Th scope="col">{t('households.columns.place')}</Table.Th>
            <Table.Th scope="col" ta="right">
              {t('households.columns.members')}
            </Table.Th>
            <Table.Th scope="col" ta="right">
              {t('households.columns.under36')}
            </Table.Th>
            <Table.Th scope="col" ta="right">
              {t('households.columns.pregnancies')}
            </Table.Th>
            <Table.Th scope="col">{t('households.columns.programmes')}</Table.Th>
          </Table.Tr>
        </Table.Thead>
        <Table.Tbody>
          {items.map((item) => (
            <Table.Tr key={item.id}>
              <Table.Td>
                <Anchor
                  component={Link}
                  to={paths.household(item.id)}
                  state={{ from }}
                  fw={600}
                  ff="monospace"
                  style={{ whiteSpace: 'nowrap' }}
                >
                  {item.code}
                </Anchor>
              </Table.Td>
              <Table.Td>
                <Text size="sm">{item.headName ?? t('households.noHead')}</Text>
                <MatchedPerson item={item} />
              </Table.Td>
              <Table.Td>
                <Text size="sm">{place(item)}</Text>
              </Table.Td>
              <Table.Td ta="right" className="tabular">
                {formatNumber(item.memberCount, locale)}
              </Table.Td>
              <Table.Td ta="right" className="tabular">
                {formatNumber(item.childrenUnder36Months, locale)}
              </Table.Td>
              <Table.Td ta="right" className="tabular">
                {formatNumber(item.ongoingPregnancies, locale)}
              </Table.Td>
              <Table.Td>
                <ProgrammeBadges codes={item.programmes} names={names} />
              </Table.Td>
            </Table.Tr>
          ))}
        </Table.Tbody>
      </Table>
    </Table.ScrollContainer>
  );
}

function ResultCards({ items, names, from }: ResultsProps) {
  const { t } = useTranslation();
  const locale = useLocale();
  return (
    <Stack
      gap="sm"
      component="ul"
      p={0}
      m={0}
      style={{ listStyle: 'none' }}
      aria-label={t('households.resultsLabel')}
    >
      {items.map((item) => (
        <Card key={item.id} component="li" withBorder padding="sm" radius="md">
          <Stack gap={6}>
            <Group justify="space-between" wrap="nowrap" align="flex-start">
              <Anchor component={Link} to={paths.household(item.id)} state={{ from }} fw={700} ff="monospace">
                {item.code}
              </Anchor>
            </Group>
            <div>
              <Text fw={600}>{item.headName ?? t('households.noHead')}</Text>
              <MatchedPerson item={item} />
              <Text size="sm" c="gray.7">
                {place(item)}
              </Text>
            </div>
            <Group gap={0} className="tabular" style={{ rowGap: 2, columnGap: 16 }}>
              <Text size="sm">
                {t('households.columns.members')}: <b>{formatNumber(item.memberCount, locale)}</b>
              </Text>
              <Text size="sm">
                {t('households.columns.under36')}: <b>{formatNumber(item.childrenUnder36Months, locale)}</b>
              </Text>
              <Text size="sm">
                {t('households.columns.pregnancies')}: <b>{formatNumber(item.ongoingPregnancies, locale)}</b>
              </Text>
            </Group>
            <ProgrammeBadges codes={item.programmes} names={names} />
          </Stack>
        </Card>
      ))}
    </Stack>
  );
}

function ResultsSkeleton() {
  const { t } = useTranslation();
  return (
    <Stack gap="sm" aria-busy="true" aria-label={t('common.loading')}>
      {Array.from({ length: 6 }, (_, i) => (
        // biome-ignore lint/suspicious/noArrayIndexKey: placeholders have no identity
        <Skeleton key={i} height={44} radius="sm" />
      ))}
    </Stack>
  );
}

function NoResults({ filters, onClear }: { filters: HouseholdFilters; onClear: () => void }) {
  const { t } = useTranslation();
  const me = useSession();
  if (!hasFilters(filters)) {
    return (
      <EmptyState
        title={me.role === 'field_worker' ? t('households.emptyAssigned') : t('households.emptyScope')}
      >
        <Text c="gray.7" maw={520}>
          {t('households.emptyScopeHelp')}
        </Text>
      </EmptyState>
    );
  }
  const kind = searchKind(filters.q);
  return (
    <EmptyState title={t('households.noResults')}>
      <Text c="gray.7" maw={520}>
        {kind === 'document'
          ? t('households.noResultsDocument')
          : kind === 'code'
            ? t('households.noResultsCode')
            : t('households.noResultsHelp')}
      </Text>
      <Button variant="default" leftSection={<IconFilterOff size={16} aria-hidden />} onClick={onClear}>
        {t('households.clearFilters')}
      </Button>
    </EmptyState>
  );
}

/**
 * Household search: one box for an identity number, a household code or a name, a
 * territory cascade and a programme. Everything is in the address. With no filter it lists
 * the households in the person's scope (a field worker's own households).
 */
export function HouseholdSearchPage() {
  const { t } = useTranslation();
  const locale = useLocale();
  const me = useSession();
  const title = t(householdsLabel(me.role));
  usePageTitle(title);
  const location = useLocation();
  const [params, setParams] = useSearchParams();
  const filters = useMemo(() => readFilters(params), [params]);
  const [draft, setDraft] = useState(filters.q);
  // Back, forward and links change the address: the box follows it.
  useEffect(() => setDraft(filters.q), [filters.q]);

  const activeFilters = (filters.territory ? 1 : 0) + (filters.programme ? 1 : 0);
  const [filtersOpen, setFiltersOpen] = useState(activeFilters > 0);
  const search = useHouseholdSearch(filters);
  const programmes = useProgrammes();
  const names = useMemo(
    () => new Map((programmes.data ?? []).map((p) => [p.code, programmeName(p, locale)])),
    [programmes.data, locale],
  );
  const items = useMemo(() => search.data?.pages.flatMap((page) => page.items) ?? [], [search.data]);

  const apply = (next: Partial<HouseholdFilters>) => setParams(writeFilters({ ...filters, ...next }));
  const clear = () => {
    setDraft('');
    setParams(writeFilters(EMPTY_FILTERS));
  };
  const submit = (event: FormEvent) => {
    event.preventDefault();
    apply({ q: draft });
  };
  const from = `${location.pathname}${location.search}`;

  return (
    <Stack gap="md">
      <Title order={1} size="h2">
        {title}
      </Title>

      <Paper
        withBorder
        p={{ base: 'sm', sm: 'md' }}
        radius="md"
        component="section"
        aria-label={t('households.filters')}
      >
        <Stack gap="sm">
          <search>
            <form onSubmit={submit}>
              <Group align="flex-end" gap="sm" wrap="wrap">
                <TextInput
                  label={t('households.searchLabel')}
                  description={t('households.searchHelp')}
                  type="search"
                  name="q"
                  value={draft}
                  onChange={(e) => setDraft(e.currentTarget.value)}
                  leftSection={<IconSearch size={16} aria-hidden />}
                  style={{ flex: '1 1 260px' }}
                  maxLength={100}
                  autoComplete="off"
                  enterKeyHint="search"
                />
                <Button type="submit" leftSection={<IconSearch size={16} aria-hidden />}>
                  {t('households.search')}
                </Button>
              </Group>
            </form>
          </search>
          <Button
            hiddenFrom="sm"
            variant="subtle"
            size="compact-sm"
            w="fit-content"
            leftSection={<IconAdjustmentsHorizontal size={16} aria-hidden />}
            rightSection={
              activeFilters > 0 ? (
                <Badge size="sm" circle>
                  {activeFilters}
                </Badge>
              ) : null
            }
            aria-expanded={filtersOpen}
            aria-controls="filtros-hogares"
            onClick={() => setFiltersOpen((open) => !open)}
          >
            {filtersOpen ? t('households.fewerFilters') : t('households.moreFilters')}
          </Button>
          {/* On phones the territory and programme filters fold away under the search box. */}
          <Stack gap="sm" id="filtros-hogares" className="fold-on-phone" data-open={filtersOpen}>
            <TerritoryFilter value={filters.territory} onChange={(territory) => apply({ territory })} />
            <Group align="flex-end" gap="sm" wrap="wrap">
              <Select
                label={t('households.programme')}
                placeholder={t('households.allProgrammes')}
                data={(programmes.data ?? []).map((p) => ({ value: p.code, label: shortName(p.code) }))}
                renderOption={({ option }) => (
                  <div>
                    <Text size="sm" fw={600}>
                      {option.label}
                    </Text>
                    <Text size="xs" c="gray.7">
                      {names.get(option.value)}
                    </Text>
                  </div>
                )}
                value={filters.programme || null}
                onChange={(programme) => apply({ programme: programme ?? '' })}
                clearable
                style={{ flex: '1 1 220px', maxWidth: 360 }}
                error={programmes.isError ? t('households.programmesFailed') : undefined}
              />
              {hasFilters(filters) && (
                <Button
                  variant="subtle"
                  leftSection={<IconFilterOff size={16} aria-hidden />}
                  onClick={clear}
                >
                  {t('households.clearFilters')}
                </Button>
              )}
            </Group>
          </Stack>
        </Stack>
      </Paper>

      <section aria-label={t('households.resultsLabel')}>
        {search.isPending ? (
          <ResultsSkeleton />
        ) : search.isError && items.length === 0 ? (
          <ErrorAlert error={search.error} onRetry={() => void search.refetch()} />
        ) : items.length === 0 ? (
          <NoResults filters={filters} onClear={clear} />
        ) : (
          <>
            <Paper withBorder radius="md" visibleFrom="sm">
              <ResultsTable items={items} names={names} from={from} />
            </Paper>
            <Stack hiddenFrom="sm">
              <ResultCards items={items} names={names} from={from} />
            </Stack>
            {search.isFetchNextPageError && (
              <Stack mt="sm">
                <ErrorAlert error={search.error} onRetry={() => void search.fetchNextPage()} />
              </Stack>
            )}
            <LoadMore
              shown={items.length}
              hasMore={search.hasNextPage}
              loading={search.isFetchingNextPage}
              onLoadMore={() => void search.fetchNextPage()}
              shownLabel={t('households.shown', { n: formatNumber(items.length, locale) })}
            />
          </>
        )}
      </section>
    </Stack>
  );
}
