import './imports.css';
import { Anchor, Group, Paper, Stack, Text, Title } from '@mantine/core';
import { IconArrowLeft, IconFileUnknown } from '@tabler/icons-react';
import { useTranslation } from 'react-i18next';
import { Link, useParams } from 'react-router';
import { paths } from '../../app/access';
import { isApiError } from '../../app/api';
import { EmptyState, ErrorAlert, PageSkeleton, usePageTitle } from '../../app/ui';
import { useImportBatch } from './api';
import { BatchFacts, BatchReport, BatchStatusBadge } from './BatchReport';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** /importaciones/:id — one import: its file, its progress or its counts, its rejected rows. */
export function ImportBatchPage() {
  const { t } = useTranslation();
  const { id = '' } = useParams();
  const validId = UUID.test(id);
  const batch = useImportBatch(id, validId);
  const notFound = !validId || (isApiError(batch.error) && batch.error.status === 404);
  const data = batch.data;
  usePageTitle(notFound ? t('imports.batch.notFound') : (data?.fileName ?? t('imports.batch.title')));

  const back = (
    <Anchor component={Link} to={paths.imports} size="sm">
      <Group gap={4} component="span" wrap="nowrap">
        <IconArrowLeft size={16} aria-hidden />
        {t('imports.batch.back')}
      </Group>
    </Anchor>
  );

  if (notFound)
    return (
      <EmptyState title={t('imports.batch.notFound')} icon={<IconFileUnknown size={28} />}>
        <Text c="gray.7" maw={520}>
          {t('imports.batch.notFoundHelp')}
        </Text>
        {back}
      </EmptyState>
    );
  if (batch.isPending) return <PageSkeleton blocks={[80, 160, 240]} />;
  if (!data)
    return (
      <Stack>
        {back}
        <ErrorAlert error={batch.error} onRetry={() => void batch.refetch()} />
      </Stack>
    );

  return (
    <Stack gap="md">
      <Stack gap="xs">
        <div>{back}</div>
        <Group gap="sm" align="center">
          <Title order={1} size="h2" className="break-anywhere">
            {data.fileName}
          </Title>
          <BatchStatusBadge status={data.status} />
        </Group>
        <Text size="sm" c="gray.7">
          {t('imports.batch.title')} · {t(`imports.kind.${data.kind}`)}
        </Text>
      </Stack>
      {batch.isError && <ErrorAlert error={batch.error} onRetry={() => void batch.refetch()} />}
      <Paper
        withBorder
        radius="md"
        p={{ base: 'sm', sm: 'md' }}
        component="section"
        aria-labelledby="batch-file-title"
      >
        <Title order={2} size="h4" id="batch-file-title" mb="sm">
          {t('imports.facts.title')}
        </Title>
        <BatchFacts batch={data} />
      </Paper>
      <Paper
        withBorder
        radius="md"
        p={{ base: 'sm', sm: 'md' }}
        component="section"
        aria-labelledby="batch-result-title"
      >
        <Title order={2} size="h4" id="batch-result-title" mb="sm">
          {t('imports.counts.title')}
        </Title>
        <BatchReport batch={data} />
      </Paper>
    </Stack>
  );
}
