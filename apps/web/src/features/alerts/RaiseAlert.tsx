import './alerts.css';
import {
  Alert,
  Anchor,
  Button,
  FileInput,
  Group,
  Modal,
  Paper,
  Select,
  Skeleton,
  Stack,
  Text,
  Textarea,
  Title,
} from '@mantine/core';
import {
  IconAlertTriangle,
  IconCircleCheck,
  IconFlag,
  IconListDetails,
  IconPaperclip,
} from '@tabler/icons-react';
import type { AlertCreate, AlertDetail } from '@tejido/schemas';
import { type FormEvent, useMemo, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, useLocation } from 'react-router';
import { canRaiseAlerts, canSeeAlertBoard, paths } from '../../app/access';
import { newId } from '../../app/ids';
import { fieldErrors } from '../../app/problems';
import { ErrorAlert } from '../../app/ui';
import { useLocale } from '../../i18n';
import { useSession } from '../auth/session';
import { boardPath } from './alertParams';
import { useAlertsOf, useAlertTypes, useRaiseAlert } from './api';
import { ATTACHMENT_TYPES, attachmentProblem, megabytes, readAttachment } from './attachments';
import { AlertList, typeName, useNow } from './parts';

export interface Member {
  id: string;
  name: string;
}

/** The form to raise an alert seen at a visit: the type, who, what was seen, and a photo or PDF. */
function RaiseAlertForm({
  householdId,
  members,
  personId,
  onDone,
  onCancel,
}: {
  householdId: string;
  members: Member[];
  personId?: string;
  onDone: (alert: AlertDetail) => void;
  onCancel: () => void;
}) {
  const { t } = useTranslation();
  const locale = useLocale();
  const types = useAlertTypes();
  const raise = useRaiseAlert();
  // One key per form: pressing again after a lost answer raises the alert once.
  const [key] = useState(() => newId());
  const [typeCode, setTypeCode] = useState<string | null>(null);
  const [person, setPerson] = useState<string | null>(personId ?? null);
  const [observation, setObservation] = useState('');
  const [file, setFile] = useState<File | null>(null);
  const [errors, setErrors] = useState<Record<string, string>>({});
  const [reading, setReading] = useState(false);
  const server = fieldErrors(raise.error);

  const personTypes = (types.data ?? []).filter((x) => x.origin === 'person');
  const fileProblem = file ? attachmentProblem(file) : null;
  const fileError = fileProblem
    ? t(`alerts.attachment.${fileProblem}`, { size: megabytes(file?.size ?? 0) })
    : (errors.attachment ?? server['attachment.dataBase64'] ?? server.attachment);

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    const missing: Record<string, string> = {};
    if (!typeCode) missing.typeCode = t('alerts.raise.required.type');
    if (!observation.trim()) missing.observation = t('alerts.raise.required.observation');
    setErrors(missing);
    if (Object.keys(missing).length > 0 || fileProblem) return;
    const body: AlertCreate = {
      typeCode: typeCode ?? '',
      householdId,
      ...(person ? { personId: person } : {}),
      observation: observation.trim(),
    };
    if (file) {
      setReading(true);
      try {
        body.attachment = await readAttachment(file);
      } catch {
        setErrors({ attachment: t('alerts.attachment.unreadable') });
        return;
      } finally {
        setReading(false);
      }
    }
    raise.mutate({ body, key }, { onSuccess: onDone });
  };

  const chosen = personTypes.find((x) => x.code === typeCode);
  return (
    <form onSubmit={(e) => void submit(e)} noValidate>
      <Stack gap="sm">
        <Select
          label={t('alerts.raise.type')}
          placeholder={types.isPending ? t('common.loading') : t('alerts.raise.chooseType')}
          data={personTypes.map((x) => ({ value: x.code, label: typeName(types.data, x.code, locale) }))}
          value={typeCode}
          onChange={setTypeCode}
          required
          error={
            errors.typeCode ??
            server.typeCode ??
            (types.isError ? t('alerts.filters.typesFailed') : undefined)
          }
          comboboxProps={{ withinPortal: true }}
          data-autofocus
        />
        {chosen?.description && (
          <Text size="sm" c="gray.7">
            {locale === 'en' ? chosen.description.en : chosen.description.es}
          </Text>
        )}
        {chosen?.sensitive && (
          <Alert color="dark" variant="light" icon={<IconAlertTriangle aria-hidden />}>
            {t('alerts.raise.sensitiveHelp')}
          </Alert>
        )}
        <Select
          label={t('alerts.raise.person')}
          description={t('alerts.raise.personHelp')}
          placeholder={t('alerts.raise.wholeHousehold')}
          data={members.map((m) => ({ value: m.id, label: m.name }))}
          value={person}
          onChange={setPerson}
          clearable={personId === undefined}
          disabled={personId !== undefined}
          error={server.personId}
          comboboxProps={{ withinPortal: true }}
        />
        <Textarea
          label={t('alerts.raise.observation')}
          description={t('alerts.raise.observationHelp')}
          value={observation}
          onChange={(e) => setObservation(e.currentTarget.value)}
          required
          autosize
          minRows={3}
          maxLength={4000}
          error={errors.observation ?? server.observation}
        />
        <FileInput
          label={t('alerts.raise.attachment')}
          description={t('alerts.attachment.help')}
          placeholder={t('alerts.raise.chooseFile')}
          accept={ATTACHMENT_TYPES.join(',')}
          value={file}
          onChange={setFile}
          clearable
          leftSection={<IconPaperclip size={16} aria-hidden />}
          error={fileError}
        />
        {raise.isError && Object.keys(server).length === 0 && <ErrorAlert error={raise.error} />}
        <Group gap="sm">
          <Button
            type="submit"
            loading={raise.isPending || reading}
            leftSection={<IconFlag size={18} aria-hidden />}
          >
            {t('alerts.raise.submit')}
          </Button>
          <Button variant="default" onClick={onCancel} disabled={raise.isPending}>
            {t('alerts.form.back')}
          </Button>
        </Group>
      </Stack>
    </form>
  );
}

/**
 * The alerts of a household or of one person, with "Registrar alerta": on the household
 * page and on a person's tracking page.
 */
export function AlertsSection({
  householdId,
  members,
  personId,
}: {
  householdId: string;
  members: Member[];
  /** On a person's page: their alerts, and new ones are theirs. */
  personId?: string;
}) {
  const { t } = useTranslation();
  const me = useSession();
  const location = useLocation();
  const [open, setOpen] = useState(false);
  const [raised, setRaised] = useState<AlertDetail | null>(null);
  const of = personId ? { person: personId } : { household: householdId };
  const alerts = useAlertsOf(of);
  const types = useAlertTypes();
  const now = useNow();
  const items = useMemo(() => alerts.data?.pages.flatMap((p) => p.items) ?? [], [alerts.data]);
  const from = `${location.pathname}${location.search}`;
  const title = personId ? t('alerts.section.person') : t('alerts.section.household');
  return (
    <Paper
      withBorder
      radius="md"
      p={{ base: 'sm', sm: 'md' }}
      component="section"
      aria-labelledby="alerts-title"
    >
      <Group justify="space-between" gap="sm" mb="sm">
        <Title order={2} size="h4" id="alerts-title">
          {title}
        </Title>
        {/* "Nueva alerta", not "Registrar alerta": the tracking page already has a "Registrar" button. */}
        {canRaiseAlerts(me.role) && (
          <Button
            leftSection={<IconFlag size={18} aria-hidden />}
            onClick={() => {
              setRaised(null);
              setOpen(true);
            }}
          >
            {t('alerts.raise.open')}
          </Button>
        )}
      </Group>
      {raised && (
        <Alert color="green" variant="light" icon={<IconCircleCheck aria-hidden />} role="status" mb="sm">
          <Group gap="xs">
            <Text size="sm">{t('alerts.raise.done')}</Text>
            <Anchor component={Link} to={paths.alert(raised.id)} state={{ from }} size="sm" fw={600}>
              {t('alerts.raise.see')}
            </Anchor>
          </Group>
        </Alert>
      )}
      {alerts.isPending ? (
        <Skeleton height={48} />
      ) : alerts.isError ? (
        <ErrorAlert error={alerts.error} onRetry={() => void alerts.refetch()} />
      ) : items.length === 0 ? (
        <Text size="sm" c="gray.7">
          {t('alerts.section.none')}
        </Text>
      ) : (
        <Stack gap="xs">
          <AlertList
            items={items}
            types={types.data}
            from={from}
            now={now}
            label={title}
            compact
            framed={false}
          />
          {canSeeAlertBoard(me.role) && alerts.hasNextPage && (
            <Anchor component={Link} to={boardPath(of)} size="sm">
              <Group gap={4} component="span" wrap="nowrap">
                <IconListDetails size={16} aria-hidden />
                {t('alerts.section.all')}
              </Group>
            </Anchor>
          )}
        </Stack>
      )}
      <Modal opened={open} onClose={() => setOpen(false)} title={t('alerts.raise.title')} size="lg">
        {open && (
          <RaiseAlertForm
            householdId={householdId}
            members={members}
            {...(personId ? { personId } : {})}
            onCancel={() => setOpen(false)}
            onDone={(alert) => {
              setRaised(alert);
              setOpen(false);
            }}
          />
        )}
      </Modal>
    </Paper>
  );
}
