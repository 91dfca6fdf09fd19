import { Card, Paper, Skeleton, Stack, Table, Text } from '@mantine/core';
import { IconHistory } from '@tabler/icons-react';
import type { ChangeEntry, Household } from '@tejido/schemas';
import type { TFunction } from 'i18next';
import { useMemo } from 'react';
import { useTranslation } from 'react-i18next';
import { type AppLocale, formatDate, formatDateTime } from '../../app/format';
import { EmptyState, ErrorAlert, LoadMore } from '../../app/ui';
import { useLocale } from '../../i18n';
import { translateOr } from '../../i18n/dynamic';
import { useHouseholdHistory } from './api';
import { personName } from './people';

const CALENDAR_DATE = /^\d{4}-\d{2}-\d{2}$/;

/** snake_case or camelCase field names from the server, as the camelCase keys of the translations. */
function camel(field: string): string {
  return field.replace(/_([a-z])/g, (_, c: string) => c.toUpperCase());
}

/** Field values whose words have translations: relationship, sex, statuses. */
function enumKey(entity: string, field: string): string | null {
  if (field === 'relationship') return 'relationship';
  if (field === 'sex') return 'sex';
  if (field === 'status') {
    if (entity === 'person') return 'personStatus';
    if (entity === 'enrolment') return 'enrolmentStatus';
    if (entity === 'pregnancy') return 'pregnancyStatus';
    if (entity === 'household') return 'householdStatus';
  }
  return null;
}

function valueText(entry: ChangeEntry, value: unknown, locale: AppLocale, t: TFunction): string {
  if (value === null || value === undefined || value === '') return t('history.none');
  if (typeof value === 'boolean') return value ? t('common.yes') : t('common.no');
  if (typeof value === 'string') {
    const words = enumKey(entry.entity, camel(entry.field));
    if (words) return translateOr(t, `${words}.${value}`, value);
    if (CALENDAR_DATE.test(value)) return formatDate(value, locale);
    return value;
  }
  if (typeof value === 'number') return String(value);
  if (typeof value === 'object' && 'type' in value && 'number' in value) {
    const doc = value as { type: unknown; number: unknown; checkDigit?: unknown };
    return `${String(doc.type)} ${String(doc.number)}${doc.checkDigit ? `-${String(doc.checkDigit)}` : ''}`;
  }
  return JSON.stringify(value);
}

/** What a change was made to: the household, or a member, programme or pregnancy by name. */
function useSubjects(household: Household, t: TFunction) {
  return useMemo(() => {
    const names = new Map<string, string>();
    names.set(household.id, t('history.entities.household'));
    for (const person of household.members) {
      names.set(person.id, personName(person));
      for (const pregnancy of person.pregnancies) {
        names.set(pregnancy.id, t('history.pregnancyOf', { name: personName(person) }));
      }
    }
    for (const enrolment of household.enrolments) names.set(enrolment.id, enrolment.programmeName);
    return (entry: ChangeEntry) =>
      names.get(entry.entityId) ?? translateOr(t, `history.entities.${entry.entity}`, entry.entity);
  }, [household, t]);
}

export function HouseholdHistory({ household }: { household: Household }) {
  const { t } = useTranslation();
  const locale = useLocale();
  const history = useHouseholdHistory(household.id);
  const subject = useSubjects(household, t);
  const items = useMemo(() => history.data?.pages.flatMap((page) => page.items) ?? [], [history.data]);
  const fieldName = (entry: ChangeEntry) =>
    translateOr(t, `history.fields.${camel(entry.field)}`, entry.field);
  const actor = (entry: ChangeEntry) => entry.actorName ?? t(`history.actorKind.${entry.actorKind}`);

  if (history.isPending)
    return (
      <Stack aria-busy="true" aria-label={t('common.loading')}>
        {[0, 1, 2, 3].map((i) => (
          <Skeleton key={i} height={40} />
        ))}
      </Stack>
    );
  if (history.isError && items.length === 0)
    return <ErrorAlert error={history.error} onRetry={() => void history.refetch()} />;
  if (items.length === 0)
    return (
      <EmptyState title={t('history.empty')} icon={<IconHistory size={28} />}>
        <Text c="gray.7">{t('history.emptyHelp')}</Text>
      </EmptyState>
    );

  return (
    <Stack gap="sm">
      <Paper withBorder radius="md" visibleFrom="sm">
        <Table.ScrollContainer minWidth={860} type="native">
          <Table verticalSpacing="sm" striped aria-label={t('household.tabHistory')}>
            <Table.Thead>
              <Table.Tr>
                <Table.Th scope="col">{t('history.when')}</Table.Th>
                <Table.Th scope="col">{t('history.who')}</Table.Th>
                <Table.Th scope="col">{t('history.subject')}</Table.Th>
                <Table.Th scope="col">{t('history.field')}</Table.Th>
                <Table.Th scope="col">{t('history.before')}</Table.Th>
                <Table.Th scope="col">{t('history.after')}</Table.Th>
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {items.map((entry) => (
                <Table.Tr key={entry.id}>
                  <Table.Td className="tabular" style={{ whiteSpace: 'nowrap' }}>
                    {formatDateTime(entry.changedAt, locale)}
                  </Table.Td>
                  <Table.Td>{actor(entry)}</Table.Td>
                  <Table.Td>{subject(entry)}</Table.Td>
                  <Table.Td>{fieldName(entry)}</Table.Td>
                  <Table.Td className="break-anywhere" c="gray.7">
                    {valueText(entry, entry.oldValue, locale, t)}
                  </Table.Td>
                  <Table.Td className="break-anywhere" fw={500}>
                    {valueText(entry, entry.newValue, locale, t)}
                  </Table.Td>
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
        </Table.ScrollContainer>
      </Paper>
      <Stack gap="xs" hiddenFrom="sm" component="ul" p={0} m={0} style={{ listStyle: 'none' }}>
        {items.map((entry) => (
          <Card key={entry.id} component="li" withBorder padding="sm">
            <Text size="xs" c="gray.7" className="tabular">
              {formatDateTime(entry.changedAt, locale)} · {actor(entry)}
            </Text>
            <Text fw={600} size="sm">
              {subject(entry)}: {fieldName(entry)}
            </Text>
            <div className="break-anywhere">
              <Text size="sm" c="gray.7">
                {t('history.before')}: {valueText(entry, entry.oldValue, locale, t)}
              </Text>
              <Text size="sm" fw={500}>
                {t('history.after')}: {valueText(entry, entry.newValue, locale, t)}
              </Text>
            </div>
          </Card>
        ))}
      </Stack>
      {history.isFetchNextPageError && (
        <ErrorAlert error={history.error} onRetry={() => void history.fetchNextPage()} />
      )}
      <LoadMore
        shown={items.length}
        hasMore={history.hasNextPage}
        loading={history.isFetchingNextPage}
        onLoadMore={() => void history.fetchNextPage()}
        shownLabel={t('history.shown', { n: items.length })}
      />
    </Stack>
  );
}
