import type { Role } from '@tejido/schemas';
import { lazy, type ReactNode, Suspense } from 'react';
import { createBrowserRouter, Navigate, Outlet } from 'react-router';
import { RequireAuth } from '../features/auth/RequireAuth';
import { useSession } from '../features/auth/session';
import { canSeeAudit, canSeeHouseholds, homePath } from './access';
import { Shell } from './Shell';
import { NoAccessPage, NotFoundPage, RouteErrorPage } from './StatusPages';
import { PageLoader } from './ui';

// Each page is its own chunk: the sign-in page does not download the registry or the audit trail.
const LoginPage = lazy(() => import('../features/auth/LoginPage').then((m) => ({ default: m.LoginPage })));
const HouseholdSearchPage = lazy(() =>
  import('../features/registry/HouseholdSearchPage').then((m) => ({ default: m.HouseholdSearchPage })),
);
const HouseholdPage = lazy(() =>
  import('../features/registry/HouseholdPage').then((m) => ({ default: m.HouseholdPage })),
);
const AuditPage = lazy(() => import('../features/audit/AuditPage').then((m) => ({ default: m.AuditPage })));

/** A page only some roles may use; the others get a polite "no access" page instead of an error. */
function Allow({ when, children }: { when: (role: Role) => boolean; children: ReactNode }) {
  const me = useSession();
  return when(me.role) ? children : <NoAccessPage />;
}

function Home() {
  const me = useSession();
  return <Navigate to={homePath(me.role)} replace />;
}

export const router = createBrowserRouter([
  {
    path: '/ingresar',
    element: (
      <Suspense fallback={<PageLoader />}>
        <LoginPage />
      </Suspense>
    ),
    errorElement: <RouteErrorPage />,
  },
  {
    path: '/',
    element: <RequireAuth />,
    errorElement: <RouteErrorPage />,
    children: [
      {
        element: <Shell />,
        children: [
          {
            // Errors of a page show inside the frame, so the menu and sign-out stay usable.
            element: <Outlet />,
            errorElement: <RouteErrorPage />,
            children: [
              { index: true, element: <Home /> },
              {
                path: 'hogares',
                element: (
                  <Allow when={canSeeHouseholds}>
                    <HouseholdSearchPage />
                  </Allow>
                ),
              },
              {
                path: 'hogares/:id',
                element: (
                  <Allow when={canSeeHouseholds}>
                    <HouseholdPage />
                  </Allow>
                ),
              },
              {
                path: 'auditoria',
                element: (
                  <Allow when={canSeeAudit}>
                    <AuditPage />
                  </Allow>
                ),
              },
              // Later modules join here with their pages and a menu entry in access.ts:
              // padrones (rosters), alertas (alerts), importaciones (imports).
              { path: '*', element: <NotFoundPage /> },
            ],
          },
        ],
      },
    ],
  },
]);
