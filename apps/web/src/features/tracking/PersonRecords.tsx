import { Badge, Button, Group, Paper, Stack, Table, Text, Title } from '@mantine/core';
import type { EvidenceView, HemoglobinPoint } from '@tejido/schemas';
import type { TFunction } from 'i18next';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import {
  type AppLocale,
  formatDate,
  formatDateTime,
  formatDecimal,
  formatMeasure,
  formatNumber,
} from '../../app/format';
import { StatusBadge, type Tone } from '../../app/StatusBadge';
import { useLocale } from '../../i18n';
import { translateOr } from '../../i18n/dynamic';
import { codeText } from './labels';

const ANEMIA_TONE: Record<NonNullable<HemoglobinPoint['anemia']>, Tone> = {
  none: 'positive',
  mild: 'warning',
  moderate: 'negative',
  severe: 'negative',
};

function AnemiaBadge({ anemia }: { anemia: HemoglobinPoint['anemia'] }) {
  const { t } = useTranslation();
  if (anemia === null)
    return (
      <Text size="sm" c="gray.7">
        {t('anemia.unknown')}
      </Text>
    );
  return (
    <span style={{ whiteSpace: 'nowrap' }}>
      <StatusBadge tone={ANEMIA_TONE[anemia]}>{t(`anemia.${anemia}`)}</StatusBadge>
    </span>
  );
}

/** Hemoglobin results, newest first: as measured, adjusted for the altitude of the home, and the anemia class. */
export function HemoglobinHistory({ points, altitudeM }: { points: HemoglobinPoint[]; altitudeM: number }) {
  const { t } = useTranslation();
  const locale = useLocale();
  const rows = [...points].reverse();
  const hb = (value: number) => t('hemoglobin.value', { value: formatDecimal(value, 1, locale) });
  return (
    <Paper withBorder radius="md" p={{ base: 'sm', sm: 'md' }} component="section" aria-labelledby="hb-title">
      <Title order={2} size="h4" id="hb-title">
        {t('tracking.hemoglobin')}
      </Title>
      <Text size="sm" c="gray.7" mb="xs">
        {t('hemoglobin.altitude', { metres: formatNumber(altitudeM, locale) })}
      </Text>
      {rows.length === 0 ? (
        <Text size="sm" c="gray.7">
          {t('hemoglobin.empty')}
        </Text>
      ) : (
        <>
          <div className="wide-only">
            <Table
              striped
              verticalSpacing="xs"
              horizontalSpacing="xs"
              fz="sm"
              aria-labelledby="hb-title"
              data-testid="hemoglobin-history"
            >
              <Table.Thead>
                <Table.Tr>
                  <Table.Th scope="col">{t('hemoglobin.date')}</Table.Th>
                  <Table.Th scope="col">{t('hemoglobin.measured')}</Table.Th>
                  <Table.Th scope="col">{t('hemoglobin.adjusted')}</Table.Th>
                  <Table.Th scope="col">{t('hemoglobin.anemia')}</Table.Th>
                </Table.Tr>
              </Table.Thead>
              <Table.Tbody>
                {rows.map((p) => (
                  <Table.Tr key={p.evidenceId}>
                    <Table.Td className="tabular" style={{ whiteSpace: 'nowrap' }}>
                      {formatDate(p.date, locale)}
                    </Table.Td>
                    <Table.Td className="tabular" style={{ whiteSpace: 'nowrap' }}>
                      {hb(p.hbGdl)}
                    </Table.Td>
                    <Table.Td className="tabular" style={{ whiteSpace: 'nowrap' }}>
                      {p.adjustedGdl === null ? '—' : hb(p.adjustedGdl)}
                    </Table.Td>
                    <Table.Td>
                      <AnemiaBadge anemia={p.anemia} />
                    </Table.Td>
                  </Table.Tr>
                ))}
              </Table.Tbody>
            </Table>
          </div>
          {/* On a phone each result is a line: date, values, class. */}
          <div className="narrow-only">
            <Stack
              gap={0}
              component="ul"
              p={0}
              m={0}
              style={{ listStyle: 'none' }}
              aria-labelledby="hb-title"
            >
              {rows.map((p) => (
                <Group
                  key={p.evidenceId}
                  component="li"
                  justify="space-between"
                  gap="xs"
                  py={6}
                  style={{ borderBottom: '1px solid var(--mantine-color-gray-2)' }}
                >
                  <div>
                    <Text size="sm" fw={600} className="tabular">
                      {formatDate(p.date, locale)}
                    </Text>
                    <Text size="sm" className="tabular">
                      {t('hemoglobin.measured')}: {hb(p.hbGdl)}
                    </Text>
                    <Text size="sm" className="tabular">
                      {t('hemoglobin.adjusted')}: {p.adjustedGdl === null ? '—' : hb(p.adjustedGdl)}
                    </Text>
                  </div>
                  <AnemiaBadge anemia={p.anemia} />
                </Group>
              ))}
            </Stack>
          </div>
        </>
      )}
    </Paper>
  );
}

/** What a record says, in a line: "Pentavalente · Dosis 2", "9.2 kg · 74.5 cm (echado)", "9.0 g/dL". */
export function evidenceDetail(e: EvidenceView, t: TFunction, locale: AppLocale): string {
  const parts: string[] = [];
  if (e.code) parts.push(codeText(e.code, t));
  if (e.dose !== null) parts.push(t('evidence.dose', { n: e.dose }));
  const v = e.values;
  if (v) {
    if (v.weightKg !== undefined) parts.push(t('chart.kg', { value: formatMeasure(v.weightKg, locale) }));
    if (v.lengthCm !== undefined)
      parts.push(
        `${t('chart.cm', { value: formatMeasure(v.lengthCm, locale) })}${v.measured ? ` (${t(`evidence.measuredShort.${v.measured}`)})` : ''}`,
      );
    if (v.oedema) parts.push(t('evidence.oedema'));
    if (v.hbGdl !== undefined)
      parts.push(t('hemoglobin.value', { value: formatDecimal(v.hbGdl, 1, locale) }));
  }
  return parts.join(' · ');
}

/** How many records show before "show all". */
const FIRST_RECORDS = 10;

/** Every record received for the person, newest first, with where it came from. */
export function EvidenceList({ evidence }: { evidence: EvidenceView[] }) {
  const { t } = useTranslation();
  const locale = useLocale();
  const [all, setAll] = useState(false);
  const shown = all ? evidence : evidence.slice(0, FIRST_RECORDS);
  return (
    <Paper
      withBorder
      radius="md"
      p={{ base: 'sm', sm: 'md' }}
      component="section"
      aria-labelledby="evidence-title"
    >
      <Title order={2} size="h4" id="evidence-title" mb="xs">
        {t('tracking.evidence')}
      </Title>
      {evidence.length === 0 ? (
        <Text size="sm" c="gray.7">
          {t('evidence.empty')}
        </Text>
      ) : (
        <Stack gap={0} component="ul" p={0} m={0} style={{ listStyle: 'none' }}>
          {shown.map((e) => {
            const detail = evidenceDetail(e, t, locale);
            return (
              <Group
                key={e.id}
                component="li"
                justify="space-between"
                align="flex-start"
                gap="xs"
                py={6}
                style={{ borderBottom: '1px solid var(--mantine-color-gray-2)' }}
              >
                <div style={{ flex: '1 1 220px', minWidth: 0 }}>
                  <Text size="sm">
                    <Text span fw={600} className="tabular">
                      {formatDate(e.date, locale)}
                    </Text>{' '}
                    · {translateOr(t, `evidence.kind.${e.kind}`, e.kind)}
                  </Text>
                  {detail && (
                    <Text size="sm" className="break-anywhere">
                      {detail}
                    </Text>
                  )}
                  <Text size="xs" c="gray.7">
                    {t('evidence.recordedAt', { when: formatDateTime(e.recordedAt, locale) })}
                  </Text>
                </div>
                <Group gap={4}>
                  {e.implausible && <StatusBadge tone="warning">{t('chart.implausible')}</StatusBadge>}
                  <Badge variant="outline" color="gray" tt="none" c="gray.8" radius="sm">
                    {translateOr(t, `evidence.source.${e.source}`, e.source)}
                  </Badge>
                </Group>
              </Group>
            );
          })}
        </Stack>
      )}
      {evidence.length > FIRST_RECORDS && (
        <Button
          variant="subtle"
          size="compact-sm"
          mt="xs"
          aria-expanded={all}
          onClick={() => setAll((a) => !a)}
        >
          {all ? t('evidence.showFewer') : t('evidence.showAll', { n: evidence.length })}
        </Button>
      )}
    </Paper>
  );
}
