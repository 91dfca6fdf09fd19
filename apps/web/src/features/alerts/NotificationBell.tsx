import {
  ActionIcon,
  Anchor,
  Button,
  Divider,
  Group,
  Indicator,
  Popover,
  ScrollArea,
  Stack,
  Text,
  UnstyledButton,
} from '@mantine/core';
import { IconBell, IconChecks } from '@tabler/icons-react';
import type { NotificationView } from '@tejido/schemas';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';
import { paths } from '../../app/access';
import { isApiError } from '../../app/api';
import { formatDateTime, formatNumber } from '../../app/format';
import { ErrorAlert } from '../../app/ui';
import { useLocale } from '../../i18n';
import { useMarkNotificationRead, useNotifications } from './api';

function NotificationItem({ item, onOpen }: { item: NotificationView; onOpen: () => void }) {
  const { t } = useTranslation();
  const locale = useLocale();
  const markRead = useMarkNotificationRead();
  const unread = item.readAt === null;
  return (
    <Stack gap={2} py={6} data-unread={unread || undefined}>
      <Group gap={6} wrap="nowrap" align="flex-start">
        {unread && (
          <Text span size="xs" fw={700} c="indigo.8" style={{ whiteSpace: 'nowrap' }}>
            {t('notifications.new')}
          </Text>
        )}
        <Text size="sm" fw={unread ? 700 : 500} className="break-anywhere">
          {item.alertId ? (
            <Anchor
              component={Link}
              to={paths.alert(item.alertId)}
              onClick={() => {
                if (unread) markRead.mutate(item.id);
                onOpen();
              }}
              inherit
            >
              {item.subject}
            </Anchor>
          ) : (
            item.subject
          )}
        </Text>
      </Group>
      {item.body && (
        <Text size="sm" c="gray.8" className="break-anywhere" lineClamp={3}>
          {item.body}
        </Text>
      )}
      <Group gap="xs" justify="space-between">
        <Text size="xs" c="gray.7" className="tabular">
          {formatDateTime(item.createdAt, locale)}
        </Text>
        {unread && (
          <UnstyledButton
            onClick={() => markRead.mutate(item.id)}
            disabled={markRead.isPending}
            fz="xs"
            c="indigo.8"
            td="underline"
          >
            {t('notifications.markRead')}
          </UnstyledButton>
        )}
      </Group>
    </Stack>
  );
}

/** The bell in the header: unread notifications counted, read every minute, listed in a popover. */
export function NotificationBell() {
  const { t } = useTranslation();
  const locale = useLocale();
  const [opened, setOpened] = useState(false);
  const notifications = useNotifications(true);
  const markAll = useMarkNotificationRead();
  const unread = notifications.data?.unread ?? 0;
  const items = notifications.data?.items ?? [];
  // A server without notifications yet (404) shows no bell rather than a broken one.
  if (isApiError(notifications.error) && notifications.error.status === 404) return null;
  const label =
    unread > 0 ? t('notifications.unread', { n: formatNumber(unread, locale) }) : t('notifications.title');
  return (
    <Popover
      opened={opened}
      onChange={setOpened}
      position="bottom-end"
      width={340}
      shadow="md"
      withinPortal
      trapFocus
    >
      <Popover.Target>
        <Indicator
          label={unread > 99 ? '99+' : String(unread)}
          size={18}
          color="red"
          disabled={unread === 0}
          offset={4}
          aria-hidden={false}
        >
          <ActionIcon
            variant="default"
            size="lg"
            aria-label={label}
            aria-expanded={opened}
            aria-haspopup="dialog"
            onClick={() => setOpened((o) => !o)}
          >
            <IconBell size={20} aria-hidden />
          </ActionIcon>
        </Indicator>
      </Popover.Target>
      <Popover.Dropdown aria-label={t('notifications.title')} role="dialog">
        <Group justify="space-between" mb={4}>
          <Text fw={700}>{t('notifications.title')}</Text>
          {unread > 0 && (
            <Button
              size="compact-xs"
              variant="subtle"
              leftSection={<IconChecks size={14} aria-hidden />}
              loading={markAll.isPending}
              onClick={() => markAll.mutate('all')}
            >
              {t('notifications.markAll')}
            </Button>
          )}
        </Group>
        <Divider />
        {notifications.isError && !notifications.data ? (
          <Stack mt="xs">
            <ErrorAlert error={notifications.error} onRetry={() => void notifications.refetch()} />
          </Stack>
        ) : items.length === 0 ? (
          <Text size="sm" c="gray.7" py="sm">
            {notifications.isPending ? t('common.loading') : t('notifications.none')}
          </Text>
        ) : (
          <ScrollArea.Autosize mah={420} type="auto">
            <Stack gap={0} component="ul" p={0} m={0} style={{ listStyle: 'none' }}>
              {items.map((item) => (
                <li key={item.id} style={{ borderBottom: '1px solid var(--mantine-color-gray-2)' }}>
                  <NotificationItem item={item} onOpen={() => setOpened(false)} />
                </li>
              ))}
            </Stack>
          </ScrollArea.Autosize>
        )}
      </Popover.Dropdown>
    </Popover>
  );
}
