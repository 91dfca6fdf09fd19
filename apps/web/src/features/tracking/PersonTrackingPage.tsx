import './tracking.css';
import '@mantine/dates/styles.css';
import 'dayjs/locale/es';
import { Alert, Anchor, Badge, Button, Group, Paper, SimpleGrid, Stack, Text, Title } from '@mantine/core';
import { DateInput, DatesProvider } from '@mantine/dates';
import { IconArrowLeft, IconCalendar, IconHistory, IconHome, IconUserSearch } from '@tabler/icons-react';
import type { PersonTracking, TrackingRisk } from '@tejido/schemas';
import type { TFunction } from 'i18next';
import { type ReactNode, useMemo } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, useLocation, useParams, useSearchParams } from 'react-router';
import { canSeeAlerts, paths } from '../../app/access';
import { isApiError } from '../../app/api';
import { formatAge, formatDate, parseDayFirstDate, todayInPeru } from '../../app/format';
import { EmptyState, ErrorAlert, PageSkeleton, usePageTitle } from '../../app/ui';
import { useLocale } from '../../i18n';
import { AlertsSection } from '../alerts/RaiseAlert';
import { useSession } from '../auth/session';
import { personName } from '../registry/people';
import { completedMonths, daysBetween, gestationalWeeksOn } from './ages';
import { usePersonTracking } from './api';
import { EvidenceForm } from './EvidenceForm';
import { GrowthChart } from './GrowthChart';
import { LightBadge } from './LightBadge';
import { labelText, reasonText } from './labels';
import { EvidenceList, HemoglobinHistory } from './PersonRecords';
import { Timeline } from './Timeline';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const DATE = /^\d{4}-\d{2}-\d{2}$/;
/** The address parameter of the date viewed: /personas/<id>/seguimiento?al=2026-10-01. */
const AS_OF_PARAM = 'al';

/** Risks whose severity is worth saying (anemia moderada, desnutrición crónica severa). */
const GRADED = new Set<TrackingRisk['code']>(['anemia', 'stunting', 'wasting', 'underweight']);

function riskText(risk: TrackingRisk, t: TFunction): string {
  const name = t(`risk.${risk.code}`);
  return GRADED.has(risk.code) ? `${name} ${t(`tracking.severity.${risk.severity}`)}` : name;
}

function ageLine(p: PersonTracking, t: TFunction, locale: ReturnType<typeof useLocale>): string {
  if (p.subject === 'pregnancy') {
    const weeks = gestationalWeeksOn(p.anchorDate, p.asOf);
    return [
      weeks === null ? t('subject.pregnancy') : t('pregnancy.weeks', { n: weeks }),
      t('tracking.lastPeriod', { date: formatDate(p.anchorDate, locale) }),
    ].join(' · ');
  }
  return [
    formatAge(completedMonths(p.birthDate, p.asOf), locale),
    t('tracking.born', { date: formatDate(p.birthDate, locale) }),
  ].join(' · ');
}

function Header({ tracking, back }: { tracking: PersonTracking; back: ReactNode }) {
  const { t } = useTranslation();
  const locale = useLocale();
  return (
    <Stack gap="xs">
      <div>{back}</div>
      <Group gap="sm" align="center">
        <Title order={1} size="h2" className="break-anywhere">
          {personName(tracking)}
        </Title>
        <LightBadge light={tracking.light} />
      </Group>
      <Text c="gray.8">{ageLine(tracking, t, locale)}</Text>
      <Group gap="xs">
        <Anchor component={Link} to={paths.household(tracking.householdId)} size="sm">
          <Group gap={4} component="span" wrap="nowrap">
            <IconHome size={16} aria-hidden />
            {t('tracking.household')}
          </Group>
        </Anchor>
        {tracking.risks.map((risk) => (
          <Badge
            key={`${risk.code}-${risk.evidenceId ?? ''}`}
            variant="outline"
            color={risk.severity === 'mild' ? 'orange' : 'red'}
            c={risk.severity === 'mild' ? 'orange.9' : 'red.9'}
            tt="none"
            radius="sm"
            title={risk.detail}
          >
            {riskText(risk, t)}
          </Badge>
        ))}
      </Group>
      <Paper withBorder radius="md" p="sm" component="section" aria-labelledby="reasons-title">
        <Title order={2} size="h5" id="reasons-title" mb={4}>
          {t('tracking.reasons')}
        </Title>
        {tracking.reasons.length === 0 ? (
          <Text size="sm">{t('tracking.noReasons')}</Text>
        ) : (
          <Stack gap={2} component="ul" m={0} pl="md">
            {tracking.reasons.map((reason) => (
              <Text component="li" size="sm" key={`${reason.code}-${reason.itemId ?? ''}`}>
                {reasonText(reason, locale)}
              </Text>
            ))}
          </Stack>
        )}
      </Paper>
    </Stack>
  );
}

/** "Ver al": the page as it stood on a past day, from the records known then. */
function AsOfPicker({
  asOf,
  onChange,
  birthDate,
}: {
  asOf: string;
  onChange: (date: string) => void;
  birthDate: string;
}) {
  const { t } = useTranslation();
  const locale = useLocale();
  const today = todayInPeru();
  return (
    <Stack gap="xs">
      <Group align="flex-end" gap="sm">
        <DatesProvider settings={{ locale: locale === 'en' ? 'en' : 'es', firstDayOfWeek: 1 }}>
          <DateInput
            label={t('tracking.asOf')}
            description={t('tracking.asOfHelp')}
            valueFormat="DD/MM/YYYY"
            dateParser={parseDayFirstDate}
            placeholder={formatDate(today, 'es-PE')}
            leftSection={<IconCalendar size={16} aria-hidden />}
            value={asOf || null}
            onChange={(date) => onChange(date && date < today ? date : '')}
            maxDate={today}
            minDate={birthDate}
            clearable
            popoverProps={{ withinPortal: true }}
            w={{ base: '100%', xs: 280 }}
          />
        </DatesProvider>
      </Group>
      {asOf && (
        <Alert color="indigo" variant="light" icon={<IconHistory aria-hidden />} role="status">
          <Group gap="sm" justify="space-between">
            <Text size="sm">{t('tracking.viewingPast', { date: formatDate(asOf, locale) })}</Text>
            <Button size="compact-sm" variant="default" onClick={() => onChange('')}>
              {t('tracking.backToToday')}
            </Button>
          </Group>
        </Alert>
      )}
    </Stack>
  );
}

function GrowthSection({ tracking }: { tracking: PersonTracking }) {
  const { t } = useTranslation();
  const ageDays = Math.max(0, daysBetween(tracking.birthDate, tracking.asOf));
  return (
    <section aria-labelledby="growth-title">
      <Title order={2} size="h4" id="growth-title" mb="xs">
        {t('tracking.growth')}
      </Title>
      <SimpleGrid cols={{ base: 1, md: 2, xl: 3 }} spacing="md">
        {(['weightForAge', 'lengthForAge', 'weightForLength'] as const).map((indicator) => (
          <GrowthChart
            key={indicator}
            indicator={indicator}
            sex={tracking.sex}
            growth={tracking.growth}
            ageDays={ageDays}
          />
        ))}
      </SimpleGrid>
    </section>
  );
}

/**
 * A child's or a pregnant woman's tracking: light and reasons, the care pathway as a
 * timeline, growth charts, hemoglobin, the records received, and a form to record care.
 */
export function PersonTrackingPage() {
  const { t } = useTranslation();
  const me = useSession();
  const locale = useLocale();
  const { id = '' } = useParams();
  const location = useLocation();
  const [params, setParams] = useSearchParams();
  const validId = UUID.test(id);
  const wanted = params.get(AS_OF_PARAM) ?? '';
  const asOf = DATE.test(wanted) && wanted < todayInPeru() ? wanted : '';
  const tracking = usePersonTracking(id, asOf, validId);
  const notFound = !validId || (isApiError(tracking.error) && tracking.error.status === 404);
  usePageTitle(
    notFound
      ? t('tracking.notFound')
      : tracking.data
        ? t('tracking.title', { name: personName(tracking.data) })
        : t('tracking.loadingTitle'),
  );

  const from = (location.state as { from?: string } | null)?.from;
  const fromHousehold = from?.startsWith(`${paths.households}/`);
  const backTo = from && (from.startsWith(paths.roster) || fromHousehold) ? from : paths.roster;
  const back = (
    <Anchor component={Link} to={backTo} size="sm">
      <Group gap={4} component="span" wrap="nowrap">
        <IconArrowLeft size={16} aria-hidden />
        {fromHousehold ? t('tracking.backToHousehold') : t('tracking.backToRoster')}
      </Group>
    </Anchor>
  );

  const setAsOf = (date: string) => {
    const next = new URLSearchParams(params);
    if (date) next.set(AS_OF_PARAM, date);
    else next.delete(AS_OF_PARAM);
    setParams(next, { replace: true, state: location.state });
  };

  const data = tracking.data;
  const pathwayName = useMemo(() => (data ? labelText(data.pathway.name, locale) : ''), [data, locale]);

  if (notFound)
    return (
      <EmptyState title={t('tracking.notFound')} icon={<IconUserSearch size={28} />}>
        <Text c="gray.7" maw={520}>
          {t('tracking.notFoundHelp')}
        </Text>
        {back}
      </EmptyState>
    );
  if (tracking.isPending) return <PageSkeleton blocks={[90, 260]} />;
  if (tracking.isError && !data)
    return (
      <Stack>
        {back}
        <ErrorAlert error={tracking.error} onRetry={() => void tracking.refetch()} />
      </Stack>
    );
  if (!data) return <PageSkeleton blocks={[90, 260]} />;

  return (
    <Stack gap="md" aria-busy={tracking.isFetching || undefined}>
      <Header tracking={data} back={back} />
      <AsOfPicker asOf={asOf} onChange={setAsOf} birthDate={data.birthDate} />
      {tracking.isError && <ErrorAlert error={tracking.error} onRetry={() => void tracking.refetch()} />}
      {canSeeAlerts(me.role) && !asOf && (
        <AlertsSection
          householdId={data.householdId}
          personId={data.personId}
          members={[{ id: data.personId, name: personName(data) }]}
        />
      )}

      <SimpleGrid cols={{ base: 1, lg: 2 }} spacing="md" style={{ alignItems: 'start' }}>
        <Paper
          withBorder
          radius="md"
          p={{ base: 'sm', sm: 'md' }}
          component="section"
          aria-labelledby="timeline-title"
        >
          <Title order={2} size="h4" id="timeline-title">
            {t('tracking.timeline')}
          </Title>
          <Text size="sm" c="gray.7" mb="sm">
            {t('tracking.pathway', { name: pathwayName })} · {formatDate(data.asOf, locale)}
          </Text>
          <Timeline items={data.items} evidence={data.evidence} />
        </Paper>
        <EvidenceForm key={data.personId} tracking={data} />
      </SimpleGrid>

      {data.subject === 'child' && <GrowthSection tracking={data} />}

      <SimpleGrid cols={{ base: 1, lg: 2 }} spacing="md" style={{ alignItems: 'start' }}>
        <HemoglobinHistory points={data.hemoglobin} altitudeM={data.altitudeM} />
        <EvidenceList evidence={data.evidence} />
      </SimpleGrid>
    </Stack>
  );
}
