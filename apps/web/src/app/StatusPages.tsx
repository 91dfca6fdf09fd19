import { Alert, Anchor, Button, Container, Stack, Text, Title } from '@mantine/core';
import { IconLock, IconMapSearch, IconPlugConnectedX } from '@tabler/icons-react';
import { useTranslation } from 'react-i18next';
import { isRouteErrorResponse, Link, useRouteError } from 'react-router';
import { useSession } from '../features/auth/session';
import { homePath } from './access';
import { EmptyState, usePageTitle } from './ui';

/** A page the role may not use: said politely, with the way back to the role's start. */
export function NoAccessPage() {
  const { t } = useTranslation();
  const me = useSession();
  usePageTitle(t('noAccess.title'));
  return (
    <EmptyState title={t('noAccess.title')} icon={<IconLock size={28} />}>
      <Text maw={520}>{t('noAccess.body')}</Text>
      <Anchor component={Link} to={homePath(me.role)}>
        {t('noAccess.back')}
      </Anchor>
    </EmptyState>
  );
}

export function NotFoundPage() {
  const { t } = useTranslation();
  const me = useSession();
  usePageTitle(t('notFound.title'));
  return (
    <EmptyState title={t('notFound.title')} icon={<IconMapSearch size={28} />}>
      <Text maw={520}>{t('notFound.body')}</Text>
      <Anchor component={Link} to={homePath(me.role)}>
        {t('noAccess.back')}
      </Anchor>
    </EmptyState>
  );
}

/** A page that failed to load or crashed. After a new release, an old page's code may be gone: reload. */
export function RouteErrorPage() {
  const { t } = useTranslation();
  const error = useRouteError();
  usePageTitle(t('routeError.title'));
  if (isRouteErrorResponse(error) && error.status === 404) {
    return (
      <Container size="sm" py="xl">
        <Title order={1} size="h2">
          {t('notFound.title')}
        </Title>
        <Text mt="sm">{t('notFound.body')}</Text>
        <Anchor component={Link} to="/" mt="md" display="inline-block">
          {t('noAccess.back')}
        </Anchor>
      </Container>
    );
  }
  return (
    <Container size="sm" py="xl">
      <Alert
        role="alert"
        color="red"
        variant="light"
        icon={<IconPlugConnectedX aria-hidden />}
        title={t('routeError.title')}
      >
        <Stack gap="sm" align="flex-start">
          <Text size="sm">{t('routeError.body')}</Text>
          <Button variant="default" size="xs" onClick={() => window.location.reload()}>
            {t('routeError.reload')}
          </Button>
        </Stack>
      </Alert>
    </Container>
  );
}
