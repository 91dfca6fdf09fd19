import './alerts.css';
import { Button, Group, Modal, Skeleton, Stack, Tabs, Text, Title } from '@mantine/core';
import { IconCheck, IconInbox, IconStethoscope, IconX } from '@tabler/icons-react';
import type { AlertAction, AlertSummary } from '@tejido/schemas';
import { useMemo, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useLocation, useSearchParams } from 'react-router';
import { formatNumber } from '../../app/format';
import { EmptyState, ErrorAlert, LoadMore, usePageTitle } from '../../app/ui';
import { useLocale } from '../../i18n';
import { useSession } from '../auth/session';
import { StepError, StepForm } from './AlertSteps';
import { useAlertStep, useAlertTypes, useInbox } from './api';
import { AlertList, typeName, useNow } from './parts';

type InboxTab = 'referred' | 'accepted';
const TAB_WORDS: Record<InboxTab, string> = { referred: 'por-aceptar', accepted: 'por-atender' };

/** Accept at once; reject and attend ask for a reason or the counter-referral first. */
function InboxActions({ alert }: { alert: AlertSummary }) {
  const { t } = useTranslation();
  const locale = useLocale();
  const types = useAlertTypes();
  const accept = useAlertStep(alert.id);
  const [open, setOpen] = useState<AlertAction | null>(null);
  const name = typeName(types.data, alert.typeCode, locale);
  const who = alert.personName ?? alert.householdCode ?? '';
  return (
    <Stack gap={6}>
      <Group gap={6}>
        {alert.stage === 'referred' && (
          <>
            <Button
              size="compact-sm"
              leftSection={<IconCheck size={16} aria-hidden />}
              loading={accept.isPending}
              onClick={() => accept.mutate({ step: { action: 'accept', body: {} }, version: alert.version })}
              aria-label={t('alerts.inbox.acceptOf', { name, who })}
            >
              {t('alerts.action.accept')}
            </Button>
            <Button
              size="compact-sm"
              variant="default"
              color="red"
              leftSection={<IconX size={16} aria-hidden />}
              onClick={() => setOpen('reject')}
              aria-label={t('alerts.inbox.rejectOf', { name, who })}
            >
              {t('alerts.action.reject')}
            </Button>
          </>
        )}
        {alert.stage === 'accepted' && (
          <Button
            size="compact-sm"
            leftSection={<IconStethoscope size={16} aria-hidden />}
            onClick={() => setOpen('attend')}
            aria-label={t('alerts.inbox.attendOf', { name, who })}
          >
            {t('alerts.action.attend')}
          </Button>
        )}
      </Group>
      {accept.isError && <StepError error={accept.error} seenStage={alert.stage} />}
      <Modal
        opened={open !== null}
        onClose={() => setOpen(null)}
        title={open ? `${t(`alerts.action.${open}`)}: ${name}` : ''}
        size="lg"
      >
        {open && (
          <Stack gap="sm">
            {who && (
              <Text size="sm" c="gray.7">
                {who}
              </Text>
            )}
            <StepForm
              alertId={alert.id}
              version={alert.version}
              seenStage={alert.stage}
              action={open}
              onDone={() => setOpen(null)}
              onCancel={() => setOpen(null)}
            />
          </Stack>
        )}
      </Modal>
    </Stack>
  );
}

function InboxList({ stage }: { stage: InboxTab }) {
  const { t } = useTranslation();
  const locale = useLocale();
  const location = useLocation();
  const inbox = useInbox(stage);
  const types = useAlertTypes();
  const now = useNow();
  const items = useMemo(() => inbox.data?.pages.flatMap((p) => p.items) ?? [], [inbox.data]);
  const from = `${location.pathname}${location.search}`;
  const label = stage === 'referred' ? t('alerts.inbox.toAccept') : t('alerts.inbox.toAttend');
  if (inbox.isPending)
    return (
      <Stack gap="sm" aria-busy="true" aria-label={t('common.loading')}>
        <Skeleton height={48} />
        <Skeleton height={48} />
      </Stack>
    );
  if (inbox.isError && items.length === 0)
    return <ErrorAlert error={inbox.error} onRetry={() => void inbox.refetch()} />;
  if (items.length === 0)
    return (
      <EmptyState
        title={stage === 'referred' ? t('alerts.inbox.noneToAccept') : t('alerts.inbox.noneToAttend')}
      >
        <Text c="gray.7" maw={520}>
          {t('alerts.inbox.emptyHelp')}
        </Text>
      </EmptyState>
    );
  return (
    <>
      <AlertList
        items={items}
        types={types.data}
        from={from}
        now={now}
        label={label}
        showInstitution={false}
        actions={(alert) => <InboxActions alert={alert} />}
      />
      <LoadMore
        shown={items.length}
        hasMore={inbox.hasNextPage}
        loading={inbox.isFetchingNextPage}
        onLoadMore={() => void inbox.fetchNextPage()}
        shownLabel={t('alerts.board.shown', { n: formatNumber(items.length, locale) })}
      />
    </>
  );
}

/** An institution's referrals: those waiting to be accepted and those waiting to be attended. */
export function InboxPage() {
  const { t } = useTranslation();
  const locale = useLocale();
  const me = useSession();
  usePageTitle(t('alerts.inbox.title'));
  const location = useLocation();
  const [params, setParams] = useSearchParams();
  const tab: InboxTab = params.get('pestana') === TAB_WORDS.accepted ? 'accepted' : 'referred';
  const toAccept = useInbox('referred');
  const toAttend = useInbox('accepted');
  const count = (q: typeof toAccept) => {
    const n = q.data?.pages[0]?.items.length;
    if (n === undefined) return '';
    const more = q.hasNextPage ? '+' : '';
    return ` (${formatNumber(n, locale)}${more})`;
  };
  return (
    <Stack gap="md">
      <div>
        <Title order={1} size="h2">
          {t('alerts.inbox.title')}
        </Title>
        <Text size="sm" c="gray.7" mt={4}>
          {me.scopeLabel} · {t('alerts.board.sorted')}
        </Text>
      </div>
      <Tabs
        value={tab}
        onChange={(value) => {
          const next = new URLSearchParams(params);
          if (value === 'accepted') next.set('pestana', TAB_WORDS.accepted);
          else next.delete('pestana');
          setParams(next, { replace: true, state: location.state });
        }}
        keepMounted={false}
      >
        <Tabs.List>
          <Tabs.Tab value="referred" leftSection={<IconInbox size={16} aria-hidden />}>
            {t('alerts.inbox.toAccept')}
            {count(toAccept)}
          </Tabs.Tab>
          <Tabs.Tab value="accepted" leftSection={<IconStethoscope size={16} aria-hidden />}>
            {t('alerts.inbox.toAttend')}
            {count(toAttend)}
          </Tabs.Tab>
        </Tabs.List>
        <Tabs.Panel value="referred" pt="md">
          <InboxList stage="referred" />
        </Tabs.Panel>
        <Tabs.Panel value="accepted" pt="md">
          <InboxList stage="accepted" />
        </Tabs.Panel>
      </Tabs>
    </Stack>
  );
}
