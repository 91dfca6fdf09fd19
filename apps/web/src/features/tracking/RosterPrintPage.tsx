import './tracking.css';
import { Alert, Anchor, Button, Group, Stack, Text, Title } from '@mantine/core';
import { IconArrowLeft, IconHistory, IconInfoCircle, IconPrinter } from '@tabler/icons-react';
import { useMemo } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, useSearchParams } from 'react-router';
import { paths } from '../../app/access';
import { formatDate, formatDateTime, formatNumber } from '../../app/format';
import { ErrorAlert, PageLoader, usePageTitle } from '../../app/ui';
import { useLocale } from '../../i18n';
import { useSession } from '../auth/session';
import { personName } from '../registry/people';
import { PRINT_MAX_ROWS, useWholeRoster } from './api';
import { useFilterWords } from './filterWords';
import { reasonText, rosterAgeText } from './labels';
import {
  PAST_ROSTER_MAX_HOUSEHOLDS,
  readRosterFilters,
  rosterFilterProblem,
  writeRosterFilters,
} from './rosterParams';

/**
 * The roster on paper, for a field worker's round without signal: every row (up to 2,000),
 * the date and filters in the title, black on white, no menu, rows never split across pages,
 * and a blank column for notes.
 */
export function RosterPrintPage() {
  const { t } = useTranslation();
  const locale = useLocale();
  const me = useSession();
  const [params] = useSearchParams();
  const filters = useMemo(() => readRosterFilters(params), [params]);
  const roster = useWholeRoster(filters);
  const words = useFilterWords(filters);
  const scope = words.length > 0 ? words.join(' · ') : t('rosterPrint.wholeScope');
  // The date of a past roster is known before it arrives (the server echoes it).
  const asOf = roster.data?.asOf ?? filters.asOf;
  const heading = asOf ? t('rosterPrint.title', { date: formatDate(asOf, locale) }) : null;
  usePageTitle(heading ? `${heading} — ${scope}` : t('roster.title'));
  const problem = rosterFilterProblem(roster.error);
  const qs = writeRosterFilters(filters).toString();
  const back = qs ? `${paths.roster}?${qs}` : paths.roster;

  return (
    <main className="print-page">
      <Group justify="space-between" className="no-print" mb="md" gap="sm">
        <Anchor component={Link} to={back} size="sm">
          <Group gap={4} component="span" wrap="nowrap">
            <IconArrowLeft size={16} aria-hidden />
            {t('rosterPrint.back')}
          </Group>
        </Anchor>
        <Button
          leftSection={<IconPrinter size={18} aria-hidden />}
          onClick={() => window.print()}
          disabled={!roster.data}
        >
          {t('rosterPrint.print')}
        </Button>
      </Group>

      {roster.isPending ? (
        <Stack align="center">
          <PageLoader />
          <Text>{t('rosterPrint.preparing')}</Text>
        </Stack>
      ) : roster.isError && problem ? (
        <Alert color="orange" variant="light" icon={<IconInfoCircle aria-hidden />} role="alert">
          {problem === 'tooLarge'
            ? t('roster.pastTooLarge', { max: formatNumber(PAST_ROSTER_MAX_HOUSEHOLDS, locale) })
            : t('roster.futureDate')}
        </Alert>
      ) : roster.isError ? (
        <ErrorAlert error={roster.error} onRetry={() => void roster.refetch()} />
      ) : (
        <>
          <Title order={1} size="h3" c="#000">
            {t('rosterPrint.title', { date: formatDate(roster.data.asOf, locale) })}
          </Title>
          <Text fw={600} c="#000">
            {scope}
          </Text>
          {filters.asOf && (
            <Text size="sm" c="#000">
              <IconHistory size={14} aria-hidden style={{ verticalAlign: '-2px', marginRight: 4 }} />
              {t('roster.rebuilt', { date: formatDate(filters.asOf, locale) })}
            </Text>
          )}
          <Text size="sm" c="#000" mb="sm">
            {t('rosterPrint.people', {
              count: roster.data.rows.length,
              n: formatNumber(roster.data.rows.length, locale),
            })}{' '}
            ·{' '}
            {t('rosterPrint.printedBy', {
              name: me.displayName,
              when: formatDateTime(new Date().toISOString(), locale),
            })}
          </Text>
          {roster.data.truncated && (
            <Alert
              color="gray"
              variant="outline"
              icon={<IconInfoCircle aria-hidden />}
              mb="sm"
              styles={{ message: { color: '#000' } }}
            >
              {t('rosterPrint.truncated', { max: formatNumber(PRINT_MAX_ROWS, locale) })}
            </Alert>
          )}
          <div className="print-scroll">
            <table className="print-table">
              <thead>
                <tr>
                  <th scope="col">#</th>
                  <th scope="col">{t('roster.columns.light')}</th>
                  <th scope="col">{t('roster.columns.name')}</th>
                  <th scope="col">{t('roster.columns.document')}</th>
                  <th scope="col">{t('roster.columns.age')}</th>
                  <th scope="col">{t('roster.columns.village')}</th>
                  <th scope="col">{t('roster.columns.reasons')}</th>
                  <th scope="col">{t('roster.columns.household')}</th>
                  <th scope="col" className="notes">
                    {t('roster.columns.notes')}
                  </th>
                </tr>
              </thead>
              <tbody>
                {roster.data.rows.map((row, i) => (
                  <tr key={row.personId} data-light={row.light}>
                    <td className="tabular">{i + 1}</td>
                    <td className="light-word">{t(`light.${row.light}`)}</td>
                    <th scope="row" style={{ fontWeight: 600 }}>
                      {personName(row)}
                    </th>
                    <td className="tabular">{row.documentNumber ?? '—'}</td>
                    <td className="nowrap">{rosterAgeText(row, t)}</td>
                    <td>{row.villageName ?? '—'}</td>
                    <td>
                      {row.reasons.length === 0
                        ? t('roster.noReasons')
                        : row.reasons.map((reason) => reasonText(reason, locale)).join('; ')}
                    </td>
                    <td className="tabular nowrap">{row.householdCode}</td>
                    <td className="notes" />
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        </>
      )}
    </main>
  );
}
