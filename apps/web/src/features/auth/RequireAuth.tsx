import { Center, Container } from '@mantine/core';
import { Navigate, Outlet, useLocation } from 'react-router';
import { paths } from '../../app/access';
import { ErrorAlert, PageLoader } from '../../app/ui';
import { SessionContext, takeSignedOut, useMe } from './session';

/** The signed-in pages: whoever is not signed in goes to sign in, and comes back here after. */
export function RequireAuth() {
  const me = useMe();
  const location = useLocation();
  if (me.isPending) {
    return (
      <Center mih="100vh">
        <PageLoader />
      </Center>
    );
  }
  if (me.isError && me.data === undefined) {
    return (
      <Container size="sm" py="xl">
        <ErrorAlert error={me.error} onRetry={() => void me.refetch()} />
      </Container>
    );
  }
  if (!me.data) {
    const here = `${location.pathname}${location.search}`;
    const to =
      here === '/' || takeSignedOut() ? paths.login : `${paths.login}?volver=${encodeURIComponent(here)}`;
    return <Navigate to={to} replace />;
  }
  return (
    <SessionContext.Provider value={me.data}>
      <Outlet />
    </SessionContext.Provider>
  );
}
