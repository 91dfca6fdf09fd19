import {
  Box,
  Button,
  Container,
  Group,
  Paper,
  PasswordInput,
  Stack,
  Text,
  TextInput,
  Title,
} from '@mantine/core';
import { IconEye, IconEyeOff, IconLogin2 } from '@tabler/icons-react';
import { type FormEvent, type KeyboardEvent, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Navigate, useSearchParams } from 'react-router';
import { landingPath } from '../../app/access';
import { isApiError } from '../../app/api';
import { formatDateTime } from '../../app/format';
import { LanguageSwitch } from '../../app/LanguageSwitch';
import { fieldErrors, lockedUntil } from '../../app/problems';
import { ErrorAlert, PageLoader, usePageTitle } from '../../app/ui';
import i18n, { storedLocale, useLocale } from '../../i18n';
import { useLogin, useMe } from './session';

export function LoginPage() {
  const { t } = useTranslation();
  const locale = useLocale();
  usePageTitle(t('login.title'));
  const [params] = useSearchParams();
  const wanted = params.get('volver');
  const me = useMe();
  const login = useLogin();
  const [username, setUsername] = useState('');
  const [password, setPassword] = useState('');
  const [showPassword, setShowPassword] = useState(false);
  const [missing, setMissing] = useState<{ username?: boolean; password?: boolean }>({});
  const passwordRef = useRef<HTMLInputElement>(null);
  const usernameRef = useRef<HTMLInputElement>(null);

  if (me.data) return <Navigate to={landingPath(me.data.role, wanted)} replace />;
  if (me.isPending) return <PageLoader />;

  const serverFieldErrors = fieldErrors(login.error);
  const code = isApiError(login.error) ? login.error.code : null;
  const until = code === 'ACCOUNT_LOCKED' ? lockedUntil(login.error) : null;

  function submit(event: FormEvent) {
    event.preventDefault();
    const nextMissing = { username: username.trim() === '', password: password === '' };
    setMissing(nextMissing);
    if (nextMissing.username) return usernameRef.current?.focus();
    if (nextMissing.password) return passwordRef.current?.focus();
    login.mutate(
      { username: username.trim(), password },
      {
        onSuccess: (account) => {
          // Without a choice made in this browser, the account's own language applies.
          if (!storedLocale() && account.locale !== i18n.language) void i18n.changeLanguage(account.locale);
        },
        onError: (error) => {
          setPassword('');
          if (isApiError(error) && error.code === 'INVALID_CREDENTIALS') passwordRef.current?.focus();
        },
      },
    );
  }

  // The toggle answers Space by itself; Enter is what most people press on a button.
  function toggleOnEnter(event: KeyboardEvent<HTMLButtonElement>) {
    if (event.key === 'Enter') {
      event.preventDefault();
      setShowPassword((v) => !v);
    }
  }

  return (
    <Box mih="100vh" bg="gray.0" py={{ base: 'md', sm: 'xl' }}>
      <Container size={440} px="md">
        <Group justify="flex-end" mb="md">
          <LanguageSwitch />
        </Group>
        <Stack gap={4} mb="lg" ta="center">
          <Text fw={800} fz={32} c="indigo.8" lh={1.1}>
            Tejido
          </Text>
          <Text c="gray.7">{t('app.tagline')}</Text>
        </Stack>
        <Paper withBorder shadow="sm" radius="md" p={{ base: 'md', sm: 'xl' }}>
          <form onSubmit={submit} noValidate aria-labelledby="login-title">
            <Stack>
              <Title order={1} size="h2" id="login-title">
                {t('login.title')}
              </Title>
              {login.isError && (
                <Box>
                  <ErrorAlert error={login.error} />
                  {code === 'ACCOUNT_LOCKED' && (
                    <Text size="sm" mt="xs">
                      {until
                        ? t('login.lockedUntil', { time: formatDateTime(until, locale) })
                        : t('login.lockedHelp')}
                    </Text>
                  )}
                </Box>
              )}
              <TextInput
                ref={usernameRef}
                label={t('login.username')}
                name="username"
                autoComplete="username"
                autoCapitalize="none"
                autoCorrect="off"
                spellCheck={false}
                required
                value={username}
                onChange={(e) => setUsername(e.currentTarget.value)}
                error={missing.username ? t('login.usernameRequired') : serverFieldErrors.username}
                data-autofocus
                autoFocus
              />
              <PasswordInput
                ref={passwordRef}
                label={t('login.password')}
                name="password"
                autoComplete="current-password"
                required
                value={password}
                onChange={(e) => setPassword(e.currentTarget.value)}
                visible={showPassword}
                onVisibilityChange={setShowPassword}
                visibilityToggleIcon={({ reveal }) =>
                  reveal ? <IconEyeOff size={18} aria-hidden /> : <IconEye size={18} aria-hidden />
                }
                visibilityToggleButtonProps={{
                  tabIndex: 0,
                  'aria-label': showPassword ? t('login.hidePassword') : t('login.showPassword'),
                  title: showPassword ? t('login.hidePassword') : t('login.showPassword'),
                  onKeyDown: toggleOnEnter,
                }}
                error={missing.password ? t('login.passwordRequired') : serverFieldErrors.password}
              />
              <Button
                type="submit"
                size="md"
                loading={login.isPending}
                leftSection={<IconLogin2 size={18} aria-hidden />}
              >
                {t('login.submit')}
              </Button>
            </Stack>
          </form>
        </Paper>
        <Text size="sm" c="gray.7" ta="center" mt="md">
          {t('login.help')}
        </Text>
      </Container>
    </Box>
  );
}
