import {
  Anchor,
  Badge,
  Card,
  Group,
  Paper,
  SimpleGrid,
  Stack,
  Table,
  Tabs,
  Text,
  Title,
} from '@mantine/core';
import { IconArrowLeft, IconHistory, IconHome, IconPhone, IconTrafficLights } from '@tabler/icons-react';
import type { Enrolment, Household, Person, Pregnancy } from '@tejido/schemas';
import type { ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, useLocation, useParams, useSearchParams } from 'react-router';
import { canSeeAlerts, paths } from '../../app/access';
import { isApiError } from '../../app/api';
import { formatAge, formatDate, formatNumber } from '../../app/format';
import { StatusBadge, type Tone } from '../../app/StatusBadge';
import { EmptyState, ErrorAlert, Fact, PageSkeleton, usePageTitle } from '../../app/ui';
import { useLocale } from '../../i18n';
import { AlertsSection } from '../alerts/RaiseAlert';
import { useSession } from '../auth/session';
import { useHousehold } from './api';
import { HouseholdHistory } from './HouseholdHistory';
import { documentLabel, hasTracking, personName } from './people';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

const ENROLMENT_TONE: Record<Enrolment['status'], Tone> = {
  active: 'positive',
  suspended: 'pending',
  ended: 'neutral',
};
const PREGNANCY_TONE: Record<Pregnancy['status'], Tone> = {
  ongoing: 'positive',
  delivered: 'neutral',
  lost: 'neutral',
};

function HouseholdFacts({ household }: { household: Household }) {
  const { t } = useTranslation();
  const locale = useLocale();
  return (
    <Paper
      withBorder
      radius="md"
      p={{ base: 'sm', sm: 'md' }}
      component="section"
      aria-labelledby="place-title"
    >
      <Title order={2} size="h4" mb="sm" id="place-title">
        {t('household.placeAndContact')}
      </Title>
      <SimpleGrid component="dl" cols={{ base: 1, xs: 2, md: 3 }} spacing="md" verticalSpacing="sm" m={0}>
        <Fact label={t('household.address')}>{household.address}</Fact>
        <Fact label={t('household.reference')}>{household.reference}</Fact>
        <Fact label={t('territory.village')}>{household.village?.name}</Fact>
        <Fact label={t('territory.district')}>{household.territory.name}</Fact>
        <Fact label={t('territory.province')}>{household.province.name}</Fact>
        <Fact label={t('territory.region')}>{household.region.name}</Fact>
        <Fact label={t('household.altitude')}>
          {household.altitudeM === null
            ? null
            : t('household.altitudeValue', { metres: formatNumber(household.altitudeM, locale) })}
        </Fact>
        <Fact label={t('household.area')}>
          {household.rural ? t('household.rural') : t('household.urban')}
        </Fact>
        <Fact label={t('household.phone')}>
          {household.phone ? (
            <Anchor href={`tel:${household.phone.replace(/[\s-]/g, '')}`} size="sm">
              <Group gap={4} component="span" wrap="nowrap">
                <IconPhone size={14} aria-hidden />
                {household.phone}
              </Group>
            </Anchor>
          ) : null}
        </Fact>
        <Fact label={t('household.healthFacility')}>{household.healthFacility?.name}</Fact>
        <Fact label={t('household.fieldWorker')}>{household.fieldWorker?.name}</Fact>
      </SimpleGrid>
    </Paper>
  );
}

function PersonStatus({ person }: { person: Person }) {
  const { t } = useTranslation();
  if (person.status === 'active') return null;
  return <StatusBadge tone="neutral">{t(`personStatus.${person.status}`)}</StatusBadge>;
}

/** "Seguimiento": the tracking page of a child under 36 months or a pregnant woman. */
function TrackingLink({ person }: { person: Person }) {
  const { t } = useTranslation();
  const location = useLocation();
  if (!hasTracking(person)) return null;
  const name = personName(person);
  return (
    <Anchor
      component={Link}
      to={paths.personTracking(person.id)}
      state={{ from: `${location.pathname}${location.search}` }}
      size="sm"
      fw={500}
      aria-label={t('household.trackingOf', { name })}
    >
      <Group gap={4} component="span" wrap="nowrap">
        <IconTrafficLights size={16} aria-hidden />
        {t('household.tracking')}
      </Group>
    </Anchor>
  );
}

function DocumentCell({ person }: { person: Person }) {
  const { t } = useTranslation();
  const label = documentLabel(person.document);
  if (label)
    return (
      <span className="tabular" style={{ whiteSpace: 'nowrap' }}>
        {label}
      </span>
    );
  return <StatusBadge tone="warning">{t('member.noDocument')}</StatusBadge>;
}

function InsuranceCell({ person }: { person: Person }) {
  const { t } = useTranslation();
  if (person.healthInsuranceNumber) return <span className="tabular">{person.healthInsuranceNumber}</span>;
  return (
    <Text span size="sm" c="gray.7" fs="italic">
      {t('member.noInsurance')}
    </Text>
  );
}

function MembersSection({ members }: { members: Person[] }) {
  const { t } = useTranslation();
  const locale = useLocale();
  return (
    <Paper
      withBorder
      radius="md"
      p={{ base: 'sm', sm: 'md' }}
      component="section"
      aria-labelledby="members-title"
    >
      <Title order={2} size="h4" mb="sm" id="members-title">
        {t('household.members', { n: members.length })}
      </Title>
      {members.length === 0 ? (
        <Text c="gray.7">{t('household.noMembers')}</Text>
      ) : (
        <>
          <Table.ScrollContainer minWidth={900} type="native" visibleFrom="sm">
            <Table verticalSpacing="sm" striped aria-labelledby="members-title">
              <Table.Thead>
                <Table.Tr>
                  <Table.Th scope="col">{t('member.name')}</Table.Th>
                  <Table.Th scope="col">{t('member.relationship')}</Table.Th>
                  <Table.Th scope="col">{t('member.sex')}</Table.Th>
                  <Table.Th scope="col">{t('member.birthDate')}</Table.Th>
                  <Table.Th scope="col">{t('member.age')}</Table.Th>
                  <Table.Th scope="col">{t('member.document')}</Table.Th>
                  <Table.Th scope="col">{t('member.insurance')}</Table.Th>
                </Table.Tr>
              </Table.Thead>
              <Table.Tbody>
                {members.map((person) => (
                  <Table.Tr key={person.id}>
                    <Table.Th scope="row" fw={500}>
                      <Group gap="xs">
                        {personName(person)}
                        <PersonStatus person={person} />
                      </Group>
                      <TrackingLink person={person} />
                    </Table.Th>
                    <Table.Td>{t(`relationship.${person.relationship}`)}</Table.Td>
                    <Table.Td>{t(`sex.${person.sex}`)}</Table.Td>
                    <Table.Td className="tabular">{formatDate(person.birthDate, locale)}</Table.Td>
                    <Table.Td className="tabular" style={{ whiteSpace: 'nowrap' }}>
                      {formatAge(person.ageMonths, locale)}
                    </Table.Td>
                    <Table.Td>
                      <DocumentCell person={person} />
                    </Table.Td>
                    <Table.Td>
                      <InsuranceCell person={person} />
                    </Table.Td>
                  </Table.Tr>
                ))}
              </Table.Tbody>
            </Table>
          </Table.ScrollContainer>
          <Stack gap="xs" hiddenFrom="sm" component="ul" p={0} m={0} style={{ listStyle: 'none' }}>
            {members.map((person) => (
              <Card key={person.id} component="li" withBorder padding="sm">
                <Group gap="xs" justify="space-between">
                  <Group gap="xs">
                    <Text fw={600}>{personName(person)}</Text>
                    <PersonStatus person={person} />
                  </Group>
                  <TrackingLink person={person} />
                </Group>
                <Text size="sm" c="gray.7">
                  {t(`relationship.${person.relationship}`)} · {t(`sex.${person.sex}`)}
                </Text>
                <SimpleGrid component="dl" cols={2} spacing="xs" verticalSpacing={6} m={0} mt="xs">
                  <Fact label={t('member.birthDate')}>{formatDate(person.birthDate, locale)}</Fact>
                  <Fact label={t('member.age')}>{formatAge(person.ageMonths, locale)}</Fact>
                  <Fact label={t('member.document')}>
                    <DocumentCell person={person} />
                  </Fact>
                  <Fact label={t('member.insurance')}>
                    <InsuranceCell person={person} />
                  </Fact>
                </SimpleGrid>
              </Card>
            ))}
          </Stack>
        </>
      )}
    </Paper>
  );
}

function PregnanciesSection({ members }: { members: Person[] }) {
  const { t } = useTranslation();
  const locale = useLocale();
  const pregnancies = members
    .flatMap((person) => person.pregnancies.map((pregnancy) => ({ person, pregnancy })))
    .sort((a, b) => Number(b.pregnancy.status === 'ongoing') - Number(a.pregnancy.status === 'ongoing'));
  return (
    <Paper
      withBorder
      radius="md"
      p={{ base: 'sm', sm: 'md' }}
      component="section"
      aria-labelledby="pregnancies-title"
    >
      <Title order={2} size="h4" mb="sm" id="pregnancies-title">
        {t('household.pregnancies')}
      </Title>
      {pregnancies.length === 0 ? (
        <Text c="gray.7">{t('household.noPregnancies')}</Text>
      ) : (
        <Stack gap="sm" component="ul" p={0} m={0} style={{ listStyle: 'none' }}>
          {pregnancies.map(({ person, pregnancy }) => (
            <Card key={pregnancy.id} component="li" withBorder padding="sm">
              <Group justify="space-between" gap="xs" align="flex-start">
                <Text fw={600}>{personName(person)}</Text>
                <StatusBadge tone={PREGNANCY_TONE[pregnancy.status]}>
                  {t(`pregnancyStatus.${pregnancy.status}`)}
                </StatusBadge>
              </Group>
              {pregnancy.status === 'ongoing' && pregnancy.gestationalWeeks !== null && (
                <Text size="lg" fw={700} mt={4}>
                  {t('pregnancy.weeks', { n: pregnancy.gestationalWeeks })}
                </Text>
              )}
              <SimpleGrid component="dl" cols={2} spacing="xs" m={0} mt="xs">
                <Fact label={t('pregnancy.lastPeriod')}>
                  {pregnancy.lastMenstrualPeriod ? formatDate(pregnancy.lastMenstrualPeriod, locale) : null}
                </Fact>
                <Fact label={t('pregnancy.dueDate')}>
                  {pregnancy.estimatedDeliveryDate
                    ? formatDate(pregnancy.estimatedDeliveryDate, locale)
                    : null}
                </Fact>
                {pregnancy.endedOn && (
                  <Fact label={t('pregnancy.endedOn')}>{formatDate(pregnancy.endedOn, locale)}</Fact>
                )}
              </SimpleGrid>
            </Card>
          ))}
        </Stack>
      )}
    </Paper>
  );
}

function EnrolmentsSection({ enrolments }: { enrolments: Enrolment[] }) {
  const { t } = useTranslation();
  const locale = useLocale();
  return (
    <Paper
      withBorder
      radius="md"
      p={{ base: 'sm', sm: 'md' }}
      component="section"
      aria-labelledby="enrolments-title"
    >
      <Title order={2} size="h4" mb="sm" id="enrolments-title">
        {t('household.enrolments')}
      </Title>
      {enrolments.length === 0 ? (
        <Text c="gray.7">{t('household.noEnrolments')}</Text>
      ) : (
        <Stack gap="xs" component="ul" p={0} m={0} style={{ listStyle: 'none' }}>
          {enrolments.map((enrolment) => (
            <Group
              key={enrolment.id}
              component="li"
              justify="space-between"
              gap="xs"
              py={6}
              style={{ borderBottom: '1px solid var(--mantine-color-gray-2)' }}
            >
              <div style={{ flex: '1 1 240px' }}>
                <Text fw={700}>{enrolment.programmeCode.replace(/_/g, ' ')}</Text>
                <Text size="sm">{enrolment.programmeName}</Text>
                <Text size="sm" c="gray.7" className="tabular">
                  {enrolment.endDate
                    ? t('enrolment.period', {
                        from: formatDate(enrolment.startDate, locale),
                        to: formatDate(enrolment.endDate, locale),
                      })
                    : t('enrolment.since', { from: formatDate(enrolment.startDate, locale) })}
                </Text>
              </div>
              <StatusBadge tone={ENROLMENT_TONE[enrolment.status]}>
                {t(`enrolmentStatus.${enrolment.status}`)}
              </StatusBadge>
            </Group>
          ))}
        </Stack>
      )}
    </Paper>
  );
}

/** Neither "does not exist" nor "not yours" is told apart: the server answers 404 to both. */
function HouseholdNotFound({ back }: { back: ReactNode }) {
  const { t } = useTranslation();
  return (
    <EmptyState title={t('household.notFound')} icon={<IconHome size={28} />}>
      <Text c="gray.7" maw={520}>
        {t('household.notFoundHelp')}
      </Text>
      {back}
    </EmptyState>
  );
}

type TabValue = 'datos' | 'historial';

/** One household: where it is, who lives there, pregnancies, programmes, and what changed. */
export function HouseholdPage() {
  const { t } = useTranslation();
  const me = useSession();
  const { id = '' } = useParams();
  const location = useLocation();
  const [params, setParams] = useSearchParams();
  const validId = UUID.test(id);
  const household = useHousehold(id, validId);
  const notFound = !validId || (isApiError(household.error) && household.error.status === 404);
  usePageTitle(
    notFound
      ? t('household.notFound')
      : household.data
        ? t('household.title', { code: household.data.code })
        : t('household.loadingTitle'),
  );

  const from = (location.state as { from?: string } | null)?.from;
  // Back to the search, or to the roster the household was opened from.
  const fromRoster = from?.startsWith(paths.roster) ?? false;
  const backTo = from?.startsWith(paths.households) || fromRoster ? from! : paths.households;
  const back = (
    <Anchor component={Link} to={backTo} size="sm">
      <Group gap={4} component="span" wrap="nowrap">
        <IconArrowLeft size={16} aria-hidden />
        {fromRoster ? t('tracking.backToRoster') : t('household.backToSearch')}
      </Group>
    </Anchor>
  );
  const tab: TabValue = params.get('pestana') === 'historial' ? 'historial' : 'datos';

  if (notFound) return <HouseholdNotFound back={back} />;
  if (household.isPending) return <PageSkeleton titleWidth={260} blocks={[160, 220]} />;
  if (household.isError) {
    return (
      <Stack>
        {back}
        <ErrorAlert error={household.error} onRetry={() => void household.refetch()} />
      </Stack>
    );
  }
  const h = household.data;
  const place = [h.village?.name, h.territory.name, h.province.name, h.region.name]
    .filter(Boolean)
    .join(', ');

  return (
    <Stack gap="md">
      <div>{back}</div>
      <div>
        <Group gap="sm" align="center">
          <Title order={1} size="h2">
            {t('household.title', { code: h.code })}
          </Title>
          {h.status === 'inactive' && <StatusBadge tone="neutral">{t('household.inactive')}</StatusBadge>}
          <Badge variant="outline" color="gray" tt="none" c="gray.8">
            {h.rural ? t('household.rural') : t('household.urban')}
          </Badge>
        </Group>
        <Text c="gray.7" mt={4}>
          {[h.address, place].filter(Boolean).join(' · ')}
        </Text>
      </div>

      <Tabs
        value={tab}
        onChange={(value) => {
          const next = new URLSearchParams(params);
          if (value === 'historial') next.set('pestana', 'historial');
          else next.delete('pestana');
          setParams(next, { replace: true, state: location.state });
        }}
        keepMounted={false}
      >
        <Tabs.List>
          <Tabs.Tab value="datos" leftSection={<IconHome size={16} aria-hidden />}>
            {t('household.tabData')}
          </Tabs.Tab>
          <Tabs.Tab value="historial" leftSection={<IconHistory size={16} aria-hidden />}>
            {t('household.tabHistory')}
          </Tabs.Tab>
        </Tabs.List>
        <Tabs.Panel value="datos" pt="md">
          <Stack gap="md">
            <HouseholdFacts household={h} />
            {canSeeAlerts(me.role) && (
              <AlertsSection
                householdId={h.id}
                members={h.members
                  .filter((person) => person.status === 'active')
                  .map((person) => ({ id: person.id, name: personName(person) }))}
              />
            )}
            <MembersSection members={h.members} />
            <SimpleGrid cols={{ base: 1, md: 2 }} spacing="md">
              <PregnanciesSection members={h.members} />
              <EnrolmentsSection enrolments={h.enrolments} />
            </SimpleGrid>
          </Stack>
        </Tabs.Panel>
        <Tabs.Panel value="historial" pt="md">
          <HouseholdHistory household={h} />
        </Tabs.Panel>
      </Tabs>
    </Stack>
  );
}
