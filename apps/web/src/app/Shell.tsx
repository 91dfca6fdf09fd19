import {
  AppShell,
  Burger,
  Button,
  Divider,
  Group,
  NavLink,
  Stack,
  Text,
  UnstyledButton,
} from '@mantine/core';
import { useDisclosure } from '@mantine/hooks';
import {
  IconAlertTriangle,
  IconArrowsJoin,
  IconChartFunnel,
  IconFileImport,
  IconHome,
  IconInbox,
  IconLogout,
  IconShieldSearch,
  IconTrafficLights,
} from '@tabler/icons-react';
import { Suspense, useEffect, useRef } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, Outlet, useLocation } from 'react-router';
import { NotificationBell } from '../features/alerts/NotificationBell';
import { useLogout, useSession } from '../features/auth/session';
import { canSeeAlerts, homePath, type NavItem, navigationFor, scopeText } from './access';
import { LanguageSwitch } from './LanguageSwitch';
import { PageLoader } from './ui';

const ICONS: Record<NavItem['icon'], typeof IconHome> = {
  households: IconHome,
  roster: IconTrafficLights,
  audit: IconShieldSearch,
  alerts: IconAlertTriangle,
  funnel: IconChartFunnel,
  inbox: IconInbox,
  imports: IconFileImport,
  linkage: IconArrowsJoin,
};

function isUnder(pathname: string, to: string): boolean {
  return pathname === to || pathname.startsWith(`${to}/`);
}

/** The menu entry of the page: the longest that holds it (/alertas/embudo is the funnel's, not the board's). */
function activeEntry(pathname: string, items: NavItem[]): string | null {
  const under = items.filter((item) => isUnder(pathname, item.to));
  return under.sort((a, b) => b.to.length - a.to.length)[0]?.to ?? null;
}

/** Who is signed in: name, role and scope. */
function Identity({ align = 'right' }: { align?: 'left' | 'right' }) {
  const { t } = useTranslation();
  const me = useSession();
  const scope = scopeText(me);
  const where =
    'label' in scope ? scope.label : 'name' in scope ? t(scope.key, { name: scope.name }) : t(scope.key);
  const role = `${t(`roles.${me.role}`)} · ${where}`;
  return (
    <Stack gap={0} align={align === 'right' ? 'flex-end' : 'flex-start'} miw={0}>
      <Text fw={600} size="sm" truncate="end" maw={360}>
        {me.displayName}
      </Text>
      <Text size="xs" c="gray.7" truncate="end" maw={360} title={role}>
        {role}
      </Text>
    </Stack>
  );
}

/**
 * The frame of the signed-in pages: a header with who is signed in, the language and sign
 * out; a menu of what the role may use (a drawer behind a burger on phones); the page.
 */
export function Shell() {
  const { t } = useTranslation();
  const me = useSession();
  const location = useLocation();
  const [opened, { toggle, close }] = useDisclosure(false);
  const logout = useLogout();
  const mainRef = useRef<HTMLElement>(null);
  const firstRender = useRef(true);

  // After moving to another page, start reading (and tabbing) from its content, as a full page load would.
  // biome-ignore lint/correctness/useExhaustiveDependencies: runs on each change of page
  useEffect(() => {
    if (firstRender.current) {
      firstRender.current = false;
      return;
    }
    close();
    mainRef.current?.focus({ preventScroll: false });
  }, [location.pathname, close]);

  const items = navigationFor(me.role);
  const activeTo = activeEntry(location.pathname, items);
  const signOut = (
    <Button
      variant="default"
      size="sm"
      leftSection={<IconLogout size={16} aria-hidden />}
      onClick={() => logout.mutate()}
      loading={logout.isPending}
    >
      {t('shell.signOut')}
    </Button>
  );

  return (
    <>
      <a href="#contenido" className="skip-link">
        {t('shell.skipToContent')}
      </a>
      <AppShell
        header={{ height: 64 }}
        navbar={{ width: 250, breakpoint: 'sm', collapsed: { mobile: !opened } }}
        padding={{ base: 'sm', sm: 'lg' }}
      >
        <AppShell.Header>
          <Group h="100%" px={{ base: 'sm', sm: 'md' }} justify="space-between" wrap="nowrap" gap="sm">
            <Group gap="xs" wrap="nowrap">
              <Burger
                opened={opened}
                onClick={toggle}
                hiddenFrom="sm"
                size="sm"
                aria-label={opened ? t('shell.closeMenu') : t('shell.openMenu')}
                aria-expanded={opened}
                aria-controls="menu-principal"
              />
              <UnstyledButton
                component={Link}
                to={homePath(me.role)}
                fw={800}
                fz={22}
                c="indigo.8"
                aria-label={t('shell.home')}
              >
                Tejido
              </UnstyledButton>
            </Group>
            <Group gap="md" wrap="nowrap">
              <Group visibleFrom="sm" gap="md" wrap="nowrap">
                <Identity />
              </Group>
              {canSeeAlerts(me.role) && <NotificationBell />}
              <LanguageSwitch />
              <Group visibleFrom="sm">{signOut}</Group>
            </Group>
          </Group>
        </AppShell.Header>

        <AppShell.Navbar p="sm" id="menu-principal" component="nav" aria-label={t('shell.navigation')}>
          <AppShell.Section grow>
            {items.map((item) => {
              const Icon = ICONS[item.icon];
              const active = item.to === activeTo;
              return (
                <NavLink
                  key={item.to}
                  component={Link}
                  to={item.to}
                  label={t(item.label)}
                  leftSection={<Icon size={20} aria-hidden />}
                  active={active}
                  aria-current={active ? 'page' : undefined}
                  variant="light"
                  fw={active ? 600 : 400}
                  onClick={close}
                />
              );
            })}
          </AppShell.Section>
          <AppShell.Section hiddenFrom="sm">
            <Divider my="sm" />
            <Stack gap="sm">
              <Identity align="left" />
              {signOut}
            </Stack>
          </AppShell.Section>
        </AppShell.Navbar>

        <AppShell.Main id="contenido" ref={mainRef} tabIndex={-1}>
          <Suspense fallback={<PageLoader />}>
            <Outlet />
          </Suspense>
        </AppShell.Main>
      </AppShell>
    </>
  );
}
