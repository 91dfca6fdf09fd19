import './imports.css';
import {
  Alert,
  Anchor,
  Button,
  Card,
  FileInput,
  Group,
  Paper,
  Radio,
  Skeleton,
  Stack,
  Table,
  Text,
  Title,
} from '@mantine/core';
import {
  IconAlertTriangle,
  IconArrowRight,
  IconCopy,
  IconFileUpload,
  IconInfoCircle,
  IconPlayerStop,
  IconUpload,
} from '@tabler/icons-react';
import type { ImportKind } from '@tejido/schemas';
import type { TFunction } from 'i18next';
import { type DragEvent, type FormEvent, useEffect, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, useSearchParams } from 'react-router';
import { canImport, paths } from '../../app/access';
import { formatDateTime, formatNumber } from '../../app/format';
import { EmptyState, ErrorAlert, usePageTitle } from '../../app/ui';
import { useLocale } from '../../i18n';
import { useSession } from '../auth/session';
import { type UploadAnswer, useImportBatch, useImportBatches, useUploadImport } from './api';
import { BatchReport, BatchStatusBadge, ProgressBar } from './BatchReport';
import {
  ACCEPTED_FILES,
  fileProblem,
  formatBytes,
  IMPORT_KINDS,
  type ImportBatch,
  refusalOf,
} from './importView';

/** A file the server refused before storing anything: said in Spanish, with its reason as the server gives it. */
function Refusal({ error, kind }: { error: unknown; kind: ImportKind }) {
  const { t } = useTranslation();
  const refusal = refusalOf(error);
  if (!refusal) return <ErrorAlert error={error} />;
  return (
    <Alert
      role="alert"
      color="red"
      variant="light"
      icon={<IconAlertTriangle aria-hidden />}
      title={t('imports.refused.title')}
      styles={{ title: { color: 'var(--mantine-color-red-9)' } }}
    >
      <Stack gap={4}>
        <Text size="sm">{t(`imports.refused.${refusal.field}`, { kind: t(`imports.kind.${kind}`) })}</Text>
        <Text size="sm">
          <strong>{t('imports.refused.reason')}</strong> <span lang="en">{refusal.message}</span>
        </Text>
      </Stack>
    </Alert>
  );
}

function uploadText(t: TFunction, sent: number, total: number, locale: 'es-PE' | 'en'): string {
  return t('imports.upload.sending', {
    sent: formatBytes(sent, locale),
    total: formatBytes(total, locale),
    percent: total > 0 ? Math.floor((sent / total) * 100) : 0,
  });
}

/** Choose what the file holds and the file; send it, following how much of it has gone. */
function ImportForm({ onUploaded }: { onUploaded: (answer: UploadAnswer) => void }) {
  const { t } = useTranslation();
  const locale = useLocale();
  const upload = useUploadImport();
  const [kind, setKind] = useState<ImportKind>('health');
  const [file, setFile] = useState<File | null>(null);
  const [problem, setProblem] = useState<string | null>(null);
  const [sent, setSent] = useState<{ sent: number; total: number } | null>(null);
  const [dragging, setDragging] = useState(false);
  const [cancelled, setCancelled] = useState(false);
  const abort = useRef<AbortController | null>(null);

  // Leaving the page stops a file still going up (nothing is stored until it has arrived).
  useEffect(() => () => abort.current?.abort(), []);

  const choose = (next: File | null) => {
    setFile(next);
    setCancelled(false);
    upload.reset();
    const wrong = next ? fileProblem(next) : null;
    setProblem(wrong && next ? t(`imports.form.${wrong}`, { size: formatBytes(next.size, locale) }) : null);
  };

  const submit = (event: FormEvent) => {
    event.preventDefault();
    if (!file) {
      setProblem(t('imports.form.required'));
      return;
    }
    const wrong = fileProblem(file);
    if (wrong) {
      setProblem(t(`imports.form.${wrong}`, { size: formatBytes(file.size, locale) }));
      return;
    }
    setProblem(null);
    setCancelled(false);
    setSent({ sent: 0, total: file.size });
    const controller = new AbortController();
    abort.current = controller;
    upload.mutate(
      {
        kind,
        file,
        signal: controller.signal,
        onProgress: (done, total) => setSent({ sent: done, total }),
      },
      {
        onSuccess: (answer) => {
          setFile(null);
          onUploaded(answer);
        },
        onError: (error) => {
          if (error instanceof DOMException && error.name === 'AbortError') setCancelled(true);
        },
        onSettled: () => {
          setSent(null);
          abort.current = null;
        },
      },
    );
  };

  const onDrop = (event: DragEvent) => {
    event.preventDefault();
    setDragging(false);
    if (upload.isPending) return;
    const dropped = event.dataTransfer.files?.[0];
    if (dropped) choose(dropped);
  };

  const aborted = upload.error instanceof DOMException && upload.error.name === 'AbortError';
  const uploading = upload.isPending && sent !== null;
  const arrived = uploading && sent.total > 0 && sent.sent >= sent.total;

  return (
    <Paper
      withBorder
      radius="md"
      p={{ base: 'sm', sm: 'md' }}
      component="section"
      aria-labelledby="import-form-title"
    >
      <form onSubmit={submit} noValidate aria-labelledby="import-form-title">
        <Stack gap="md">
          <Title order={2} size="h4" id="import-form-title">
            {t('imports.form.title')}
          </Title>
          <Radio.Group
            label={t('imports.form.kind')}
            value={kind}
            onChange={(value) => {
              if ((IMPORT_KINDS as readonly string[]).includes(value)) setKind(value as ImportKind);
              upload.reset();
            }}
          >
            <Stack gap="xs" mt="xs">
              {IMPORT_KINDS.map((k) => (
                <Radio
                  key={k}
                  value={k}
                  label={t(`imports.kindOption.${k}`)}
                  description={t(`imports.kindHelp.${k}`)}
                  disabled={upload.isPending}
                />
              ))}
            </Stack>
          </Radio.Group>

          {/* Dropping a file anywhere here chooses it; the field itself is a button that works with the keyboard. */}
          {/* biome-ignore lint/a11y/noStaticElementInteractions: dropping is a mouse shortcut; the FileInput inside is the accessible way */}
          <div
            className="import-drop"
            data-dragging={dragging || undefined}
            onDragOver={(event) => {
              event.preventDefault();
              if (!upload.isPending) setDragging(true);
            }}
            onDragLeave={() => setDragging(false)}
            onDrop={onDrop}
          >
            <FileInput
              label={t('imports.form.file')}
              description={t('imports.form.fileHelp')}
              placeholder={t('imports.form.filePlaceholder')}
              leftSection={<IconFileUpload size={18} aria-hidden />}
              accept={ACCEPTED_FILES[kind]}
              value={file}
              onChange={choose}
              clearable
              disabled={upload.isPending}
              error={problem}
              required
            />
            {file && !problem && (
              <Text size="xs" c="gray.7" mt={4}>
                {t('imports.form.selected', { name: file.name, size: formatBytes(file.size, locale) })}
              </Text>
            )}
            <Text size="xs" c="gray.7" mt={4} className="import-drop-hint" aria-hidden>
              {t('imports.form.dropHere')}
            </Text>
          </div>

          {uploading && (
            <Stack gap={4}>
              <Text size="sm" fw={600} role="status" aria-live="polite">
                {arrived ? t('imports.upload.checking') : t('imports.upload.title')}
              </Text>
              <ProgressBar
                percent={sent.total > 0 ? Math.floor((sent.sent / sent.total) * 100) : 0}
                moving={arrived}
                label={t('imports.upload.title')}
                valueText={uploadText(t, sent.sent, sent.total, locale)}
              />
              <Text size="sm" className="tabular">
                {uploadText(t, sent.sent, sent.total, locale)}
              </Text>
            </Stack>
          )}
          {cancelled && aborted && (
            <Alert color="gray" variant="light" icon={<IconInfoCircle aria-hidden />} role="status">
              {t('imports.upload.cancelled')}
            </Alert>
          )}
          {upload.isError && !aborted && <Refusal error={upload.error} kind={kind} />}

          <Group gap="sm">
            <Button
              type="submit"
              loading={upload.isPending}
              leftSection={<IconUpload size={18} aria-hidden />}
            >
              {t('imports.form.submit')}
            </Button>
            {upload.isPending && !arrived && (
              <Button
                variant="default"
                leftSection={<IconPlayerStop size={18} aria-hidden />}
                onClick={() => abort.current?.abort()}
              >
                {t('imports.upload.cancel')}
              </Button>
            )}
          </Group>
        </Stack>
      </form>
    </Paper>
  );
}

/** The import just started (or found again): followed until it ends. */
function CurrentImport({ id, repeated }: { id: string; repeated: boolean }) {
  const { t } = useTranslation();
  const locale = useLocale();
  const batch = useImportBatch(id);
  const headingRef = useRef<HTMLHeadingElement>(null);
  // Focus moves to the result, so a keyboard or screen-reader user is where the news is.
  // biome-ignore lint/correctness/useExhaustiveDependencies: once per import shown
  useEffect(() => {
    headingRef.current?.focus();
  }, [id]);
  const data = batch.data;
  return (
    <Paper
      withBorder
      radius="md"
      p={{ base: 'sm', sm: 'md' }}
      component="section"
      aria-labelledby="current-import-title"
    >
      <Stack gap="md">
        <Group justify="space-between" gap="sm" align="flex-start">
          <div style={{ minWidth: 0 }}>
            <Title order={2} size="h4" id="current-import-title" ref={headingRef} tabIndex={-1}>
              {data ? t('imports.current.title', { name: data.fileName }) : t('imports.current.loading')}
            </Title>
            {data && (
              <Text size="sm" c="gray.7">
                {t(`imports.kind.${data.kind}`)} · {formatDateTime(data.startedAt, locale)}
              </Text>
            )}
          </div>
          {data && <BatchStatusBadge status={data.status} />}
        </Group>
        {repeated && data && (
          <Alert
            color="indigo"
            variant="light"
            icon={<IconCopy aria-hidden />}
            title={t('imports.repeated.title')}
            role="status"
          >
            <Text size="sm">
              {t('imports.repeated.body', {
                when: formatDateTime(data.finishedAt ?? data.startedAt, locale),
                name: data.fileName,
              })}
            </Text>
          </Alert>
        )}
        {batch.isPending ? (
          <Skeleton height={120} />
        ) : !data ? (
          <ErrorAlert error={batch.error} onRetry={() => void batch.refetch()} />
        ) : (
          <>
            {batch.isError && <ErrorAlert error={batch.error} onRetry={() => void batch.refetch()} />}
            <BatchReport batch={data} />
            <Anchor component={Link} to={paths.importBatch(data.id)} size="sm">
              <Group gap={4} component="span" wrap="nowrap">
                {t('imports.current.open')}
                <IconArrowRight size={16} aria-hidden />
              </Group>
            </Anchor>
          </>
        )}
      </Stack>
    </Paper>
  );
}

/** "10 guardados · 2 rechazados · 1 por revisar" */
function countsLine(batch: ImportBatch, t: TFunction, locale: 'es-PE' | 'en'): string {
  const c = batch.counts;
  const parts = [
    `${t('imports.counts.imported')}: ${formatNumber(c.imported, locale)}`,
    `${t('imports.counts.rejected')}: ${formatNumber(c.rejected, locale)}`,
  ];
  if (c.duplicates > 0)
    parts.push(`${t('imports.counts.duplicates')}: ${formatNumber(c.duplicates, locale)}`);
  if (c.review > 0) parts.push(`${t('imports.counts.review')}: ${formatNumber(c.review, locale)}`);
  if (c.unmatched > 0) parts.push(`${t('imports.counts.unmatched')}: ${formatNumber(c.unmatched, locale)}`);
  return parts.join(' · ');
}

/** The latest imports, newest first, each opening its page. */
export function RecentImports() {
  const { t } = useTranslation();
  const locale = useLocale();
  const batches = useImportBatches();
  const items = batches.data ?? [];
  return (
    <Stack gap="sm" component="section" aria-labelledby="recent-imports-title">
      <Title order={2} size="h4" id="recent-imports-title">
        {t('imports.list.title')}
      </Title>
      {batches.isPending ? (
        <Stack gap="sm" aria-busy="true" aria-label={t('common.loading')}>
          <Skeleton height={44} />
          <Skeleton height={44} />
          <Skeleton height={44} />
        </Stack>
      ) : batches.isError && items.length === 0 ? (
        <ErrorAlert error={batches.error} onRetry={() => void batches.refetch()} />
      ) : items.length === 0 ? (
        <EmptyState title={t('imports.list.empty')} icon={<IconFileUpload size={28} />}>
          <Text c="gray.7" maw={520}>
            {t('imports.list.emptyHelp')}
          </Text>
        </EmptyState>
      ) : (
        <>
          <Paper withBorder radius="md" className="wide-only">
            <Table.ScrollContainer minWidth={860} type="native">
              <Table striped highlightOnHover verticalSpacing="sm" aria-labelledby="recent-imports-title">
                <Table.Thead>
                  <Table.Tr>
                    <Table.Th scope="col">{t('imports.list.file')}</Table.Th>
                    <Table.Th scope="col">{t('imports.list.kind')}</Table.Th>
                    <Table.Th scope="col">{t('imports.list.by')}</Table.Th>
                    <Table.Th scope="col">{t('imports.list.when')}</Table.Th>
                    <Table.Th scope="col">{t('imports.list.status')}</Table.Th>
                    <Table.Th scope="col">{t('imports.list.result')}</Table.Th>
                  </Table.Tr>
                </Table.Thead>
                <Table.Tbody>
                  {items.map((b) => (
                    <Table.Tr key={b.id}>
                      <Table.Th scope="row" fw={400} maw={260}>
                        <Anchor
                          component={Link}
                          to={paths.importBatch(b.id)}
                          fw={600}
                          size="sm"
                          className="break-anywhere"
                        >
                          {b.fileName}
                        </Anchor>
                      </Table.Th>
                      <Table.Td>{t(`imports.kind.${b.kind}`)}</Table.Td>
                      <Table.Td>{b.startedBy ?? '—'}</Table.Td>
                      <Table.Td className="tabular" style={{ whiteSpace: 'nowrap' }}>
                        {formatDateTime(b.startedAt, locale)}
                      </Table.Td>
                      <Table.Td>
                        <div style={{ width: 'max-content' }}>
                          <BatchStatusBadge status={b.status} />
                        </div>
                      </Table.Td>
                      <Table.Td>
                        <Text size="sm">{countsLine(b, t, locale)}</Text>
                      </Table.Td>
                    </Table.Tr>
                  ))}
                </Table.Tbody>
              </Table>
            </Table.ScrollContainer>
          </Paper>
          <div className="narrow-only">
            <Stack
              gap="sm"
              component="ul"
              p={0}
              m={0}
              style={{ listStyle: 'none' }}
              aria-labelledby="recent-imports-title"
            >
              {items.map((b) => (
                <Card key={b.id} component="li" withBorder padding="sm" radius="md">
                  <Stack gap={4}>
                    <Group justify="space-between" gap="xs" align="flex-start">
                      <Anchor
                        component={Link}
                        to={paths.importBatch(b.id)}
                        fw={600}
                        className="break-anywhere"
                        style={{ minWidth: 0, flex: '1 1 160px' }}
                      >
                        {b.fileName}
                      </Anchor>
                      <BatchStatusBadge status={b.status} />
                    </Group>
                    <Text size="sm" c="gray.7">
                      {t(`imports.kind.${b.kind}`)} · {b.startedBy ?? '—'} ·{' '}
                      {formatDateTime(b.startedAt, locale)}
                    </Text>
                    <Text size="sm">{countsLine(b, t, locale)}</Text>
                  </Stack>
                </Card>
              ))}
            </Stack>
          </div>
        </>
      )}
    </Stack>
  );
}

/**
 * /importaciones: import a file (health attentions, FHIR, births, school) and follow it to its
 * counts; below, the latest imports. A coordinator sees the results but imports nothing.
 */
export function ImportPage() {
  const { t } = useTranslation();
  const me = useSession();
  usePageTitle(t('imports.title'));
  const [params, setParams] = useSearchParams();
  const current = params.get('lote') ?? '';
  const [repeated, setRepeated] = useState<string | null>(null);
  // Each upload shows its result afresh (and moves focus to it), even when it is the same batch again.
  const [uploads, setUploads] = useState(0);
  const mayImport = canImport(me.role);

  return (
    <Stack gap="lg">
      <div>
        <Title order={1} size="h2">
          {t('imports.title')}
        </Title>
        <Text size="sm" c="gray.7" mt={4} maw={760}>
          {t('imports.intro')}
        </Text>
      </div>
      {mayImport ? (
        <ImportForm
          onUploaded={({ batch, repeated: again }) => {
            setRepeated(again ? batch.id : null);
            setUploads((n) => n + 1);
            setParams({ lote: batch.id }, { replace: true });
          }}
        />
      ) : (
        <Alert color="gray" variant="light" icon={<IconInfoCircle aria-hidden />}>
          {t('imports.readOnly')}
        </Alert>
      )}
      {current && (
        <CurrentImport key={`${current}-${uploads}`} id={current} repeated={repeated === current} />
      )}
      <RecentImports />
    </Stack>
  );
}
