import '@mantine/dates/styles.css';
import 'dayjs/locale/es';
import {
  Alert,
  Button,
  Checkbox,
  Group,
  NumberInput,
  Paper,
  Radio,
  Select,
  SimpleGrid,
  Stack,
  Text,
  Title,
} from '@mantine/core';
import { DateInput, DatesProvider } from '@mantine/dates';
import { IconCalendar, IconCircleCheck, IconDeviceFloppy } from '@tabler/icons-react';
import type { EvidenceKind, EvidenceRecorded, PersonTracking } from '@tejido/schemas';
import { type FormEvent, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { isApiError } from '../../app/api';
import { parseDayFirstDate, todayInPeru } from '../../app/format';
import { newId } from '../../app/ids';
import { fieldErrors } from '../../app/problems';
import { ErrorAlert } from '../../app/ui';
import { useLocale } from '../../i18n';
import { completedMonths } from './ages';
import { useRecordEvidence } from './api';
import {
  type Attempt,
  attemptFor,
  checkEvidenceForm,
  codesFor,
  defaultMeasured,
  EMPTY_EVIDENCE_FORM,
  type EvidenceFormValues,
  evidenceBody,
  type FormField,
  formFieldOf,
  isCodedKind,
  kindsFor,
  takesDose,
  valuesOf,
} from './evidenceForm';
import { LightBadge } from './LightBadge';
import { codeText, reasonText } from './labels';

const DOSES = Array.from({ length: 10 }, (_, i) => String(i + 1));

/** The server's field errors, placed under the fields of the form; the rest said for the whole form. */
function serverProblems(error: unknown): { byField: Partial<Record<FormField, true>>; other: string[] } {
  const byField: Partial<Record<FormField, true>> = {};
  const other: string[] = [];
  for (const [field, message] of Object.entries(fieldErrors(error))) {
    const at = formFieldOf(field);
    if (at) byField[at] = true;
    else other.push(`${field}: ${message}`);
  }
  return { byField, other };
}

function Saved({ result }: { result: EvidenceRecorded }) {
  const { t } = useTranslation();
  const locale = useLocale();
  return (
    <Alert
      role="status"
      color="green"
      variant="light"
      icon={<IconCircleCheck aria-hidden />}
      title={t('evidenceForm.saved')}
      styles={{ title: { color: 'var(--mantine-color-green-9)' } }}
    >
      <Stack gap={4}>
        {result.replayed && <Text size="sm">{t('evidenceForm.replayed')}</Text>}
        {result.light ? (
          <Group gap={6}>
            <Text size="sm">{t('evidenceForm.newLight')}</Text>
            <LightBadge light={result.light} />
          </Group>
        ) : (
          <Text size="sm">{t('evidenceForm.notTracked')}</Text>
        )}
        {result.reasons.length > 0 && (
          <Text size="sm" c="gray.8">
            {result.reasons
              .slice(0, 3)
              .map((r) => reasonText(r, locale))
              .join(' · ')}
          </Text>
        )}
      </Stack>
    </Alert>
  );
}

/**
 * "Registrar atención": what was done for the person and when. The id of the record is made
 * here, once per record, so that sending it again after a lost connection stores it once.
 */
export function EvidenceForm({ tracking }: { tracking: PersonTracking }) {
  const { t } = useTranslation();
  const locale = useLocale();
  const record = useRecordEvidence(tracking.personId);
  const today = todayInPeru();
  const [values, setValues] = useState<EvidenceFormValues>({ ...EMPTY_EVIDENCE_FORM, date: today });
  const [showProblems, setShowProblems] = useState(false);
  const [saved, setSaved] = useState<EvidenceRecorded | null>(null);
  const attempt = useRef<Attempt | null>(null);

  const local = showProblems ? checkEvidenceForm(values, { today, birthDate: tracking.birthDate }) : {};
  const server = record.isError ? serverProblems(record.error) : { byField: {}, other: [] };
  const isValidation = isApiError(record.error) && record.error.code === 'VALIDATION_FAILED';
  const errorOf = (field: FormField): string | undefined => {
    const problem = local[field];
    if (problem) return t(`evidenceForm.problem.${problem}`);
    if (server.byField[field]) return t(`evidenceForm.server.${field}`);
    return undefined;
  };

  const set = <K extends keyof EvidenceFormValues>(key: K, value: EvidenceFormValues[K]) => {
    setValues((v) => ({ ...v, [key]: value }));
    setSaved(null);
    if (record.isError) record.reset();
  };

  const chooseKind = (kind: string | null) => {
    const next = (kind ?? '') as EvidenceKind | '';
    const months = completedMonths(tracking.birthDate, today);
    setValues((v) => ({
      ...EMPTY_EVIDENCE_FORM,
      date: v.date,
      kind: next,
      measured: valuesOf(next) === 'growth' ? defaultMeasured(months) : '',
    }));
    setSaved(null);
    setShowProblems(false);
    if (record.isError) record.reset();
  };

  const send = () => {
    const body = evidenceBody(values);
    attempt.current = attemptFor(attempt.current, body, newId);
    record.mutate(
      { ...body, id: attempt.current.id },
      {
        onSuccess: (result) => {
          setSaved(result);
          attempt.current = null;
          setShowProblems(false);
          // Keep what was done and when: several vaccines are often given the same day.
          setValues((v) => ({ ...EMPTY_EVIDENCE_FORM, kind: v.kind, date: v.date, measured: v.measured }));
        },
      },
    );
  };

  const submit = (event: FormEvent) => {
    event.preventDefault();
    setSaved(null);
    if (Object.keys(checkEvidenceForm(values, { today, birthDate: tracking.birthDate })).length > 0) {
      setShowProblems(true);
      return;
    }
    send();
  };

  const codes = codesFor(values.kind);
  const measured = valuesOf(values.kind);
  const numberProps = {
    decimalScale: 2,
    allowNegative: false,
    hideControls: true,
    inputMode: 'decimal' as const,
  };

  return (
    <Paper
      withBorder
      radius="md"
      p={{ base: 'sm', sm: 'md' }}
      component="section"
      aria-labelledby="registrar-title"
    >
      <Title order={2} size="h4" id="registrar-title">
        {t('evidenceForm.title')}
      </Title>
      <Text size="sm" c="gray.7" mb="sm">
        {t('evidenceForm.help')}
      </Text>
      <form onSubmit={submit} noValidate>
        <DatesProvider settings={{ locale: locale === 'en' ? 'en' : 'es', firstDayOfWeek: 1 }}>
          <Stack gap="sm">
            <SimpleGrid cols={{ base: 1, xs: 2 }} spacing="sm" verticalSpacing="sm">
              <Select
                label={t('evidenceForm.kind')}
                placeholder={t('evidenceForm.choose')}
                data={kindsFor(tracking.subject).map((kind) => ({
                  value: kind,
                  label: t(`evidence.kind.${kind}`),
                }))}
                value={values.kind || null}
                onChange={chooseKind}
                error={errorOf('kind')}
                required
                allowDeselect={false}
                comboboxProps={{ withinPortal: true }}
              />
              <DateInput
                label={t('evidenceForm.date')}
                description={t('common.dateHelp')}
                valueFormat="DD/MM/YYYY"
                dateParser={parseDayFirstDate}
                placeholder={t('common.datePlaceholder')}
                leftSection={<IconCalendar size={16} aria-hidden />}
                value={values.date || null}
                onChange={(date) => set('date', date ?? '')}
                maxDate={today}
                minDate={tracking.birthDate}
                error={errorOf('date')}
                required
                popoverProps={{ withinPortal: true }}
              />
            </SimpleGrid>

            {(codes || takesDose(values.kind)) && (
              <SimpleGrid cols={{ base: 1, xs: 2 }} spacing="sm" verticalSpacing="sm">
                {codes && isCodedKind(values.kind) && (
                  <Select
                    label={t(`evidenceForm.code.${values.kind}`)}
                    placeholder={t('evidenceForm.choose')}
                    description={codes.required ? undefined : t('evidenceForm.optional')}
                    data={codes.codes.map((code) => ({ value: code, label: codeText(code, t) }))}
                    value={values.code || null}
                    onChange={(code) => set('code', code ?? '')}
                    error={errorOf('code')}
                    required={codes.required}
                    clearable={!codes.required}
                    searchable={codes.codes.length > 6}
                    comboboxProps={{ withinPortal: true }}
                  />
                )}
                {takesDose(values.kind) && (
                  <Select
                    label={t('evidenceForm.dose')}
                    description={t('evidenceForm.optional')}
                    placeholder="—"
                    data={DOSES}
                    value={values.dose || null}
                    onChange={(dose) => set('dose', dose ?? '')}
                    error={errorOf('dose')}
                    clearable
                    comboboxProps={{ withinPortal: true }}
                  />
                )}
              </SimpleGrid>
            )}

            {measured === 'growth' && (
              <>
                <SimpleGrid cols={{ base: 2 }} spacing="sm">
                  <NumberInput
                    {...numberProps}
                    label={t('evidenceForm.weight')}
                    value={values.weightKg}
                    onChange={(v) => set('weightKg', v)}
                    error={errorOf('weightKg')}
                  />
                  <NumberInput
                    {...numberProps}
                    decimalScale={1}
                    label={t('evidenceForm.length')}
                    value={values.lengthCm}
                    onChange={(v) => set('lengthCm', v)}
                    error={errorOf('lengthCm')}
                  />
                </SimpleGrid>
                <Radio.Group
                  label={t('evidenceForm.measured')}
                  value={values.measured || null}
                  onChange={(v) => set('measured', v === 'standing' ? 'standing' : 'lying')}
                  error={errorOf('measured')}
                >
                  <Group gap="md" mt={4}>
                    <Radio value="lying" label={t('evidence.measured.lying')} />
                    <Radio value="standing" label={t('evidence.measured.standing')} />
                  </Group>
                </Radio.Group>
                <Checkbox
                  mt={4}
                  label={t('evidenceForm.oedema')}
                  checked={values.oedema}
                  onChange={(e) => set('oedema', e.currentTarget.checked)}
                />
                {errorOf('values') && (
                  <Text size="sm" c="red.8" role="alert">
                    {errorOf('values')}
                  </Text>
                )}
              </>
            )}

            {measured === 'hemoglobin' && (
              <NumberInput
                {...numberProps}
                decimalScale={1}
                label={t('evidenceForm.hb')}
                description={t('evidenceForm.hbHelp')}
                value={values.hbGdl}
                onChange={(v) => set('hbGdl', v)}
                error={errorOf('hbGdl') ?? errorOf('values')}
                required
                maw={240}
              />
            )}

            {record.isError &&
              (!isValidation || server.other.length > 0 || Object.keys(server.byField).length === 0) && (
                <ErrorAlert error={record.error} onRetry={isValidation ? undefined : send} />
              )}
            <div aria-live="polite">{saved && <Saved result={saved} />}</div>

            <Group>
              <Button
                type="submit"
                loading={record.isPending}
                leftSection={<IconDeviceFloppy size={18} aria-hidden />}
              >
                {t('evidenceForm.submit')}
              </Button>
            </Group>
          </Stack>
        </DatesProvider>
      </form>
    </Paper>
  );
}
