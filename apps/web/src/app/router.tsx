import type { Role } from '@tejido/schemas';
import { lazy, type ReactNode, Suspense } from 'react';
import { createBrowserRouter, Navigate, Outlet } from 'react-router';
import { RequireAuth } from '../features/auth/RequireAuth';
import { useSession } from '../features/auth/session';
import {
  canReviewLinkage,
  canSeeAlertBoard,
  canSeeAlertFunnel,
  canSeeAlerts,
  canSeeAudit,
  canSeeHouseholds,
  canSeeImports,
  canSeeInbox,
  canSeeRosters,
  homePath,
} from './access';
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
const RosterPage = lazy(() =>
  import('../features/tracking/RosterPage').then((m) => ({ default: m.RosterPage })),
);
const RosterPrintPage = lazy(() =>
  import('../features/tracking/RosterPrintPage').then((m) => ({ default: m.RosterPrintPage })),
);
const PersonTrackingPage = lazy(() =>
  import('../features/tracking/PersonTrackingPage').then((m) => ({ default: m.PersonTrackingPage })),
);
const AlertBoardPage = lazy(() =>
  import('../features/alerts/AlertBoardPage').then((m) => ({ default: m.AlertBoardPage })),
);
const AlertPage = lazy(() => import('../features/alerts/AlertPage').then((m) => ({ default: m.AlertPage })));
const FunnelPage = lazy(() =>
  import('../features/alerts/FunnelPage').then((m) => ({ default: m.FunnelPage })),
);
const InboxPage = lazy(() => import('../features/alerts/InboxPage').then((m) => ({ default: m.InboxPage })));
const ImportPage = lazy(() =>
  import('../features/imports/ImportPage').then((m) => ({ default: m.ImportPage })),
);
const ImportBatchPage = lazy(() =>
  import('../features/imports/ImportBatchPage').then((m) => ({ default: m.ImportBatchPage })),
);
const LinkReviewPage = lazy(() =>
  import('../features/imports/LinkReviewPage').then((m) => ({ default: m.LinkReviewPage })),
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
        // The printable roster has no menu or header: only the list, as it goes on paper.
        path: 'padron/imprimir',
        element: (
          <Suspense fallback={<PageLoader />}>
            <Allow when={canSeeRosters}>
              <RosterPrintPage />
            </Allow>
          </Suspense>
        ),
        errorElement: <RouteErrorPage />,
      },
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
                path: 'padron',
                element: (
                  <Allow when={canSeeRosters}>
                    <RosterPage />
                  </Allow>
                ),
              },
              {
                path: 'personas/:id/seguimiento',
                element: (
                  <Allow when={canSeeRosters}>
                    <PersonTrackingPage />
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
              {
                path: 'alertas',
                element: (
                  <Allow when={canSeeAlertBoard}>
                    <AlertBoardPage />
                  </Allow>
                ),
              },
              {
                path: 'alertas/embudo',
                element: (
                  <Allow when={canSeeAlertFunnel}>
                    <FunnelPage />
                  </Allow>
                ),
              },
              {
                path: 'alertas/:id',
                element: (
                  <Allow when={canSeeAlerts}>
                    <AlertPage />
                  </Allow>
                ),
              },
              {
                path: 'bandeja',
                element: (
                  <Allow when={canSeeInbox}>
                    <InboxPage />
                  </Allow>
                ),
              },
              {
                path: 'importaciones',
                element: (
                  <Allow when={canSeeImports}>
                    <ImportPage />
                  </Allow>
                ),
              },
              {
                path: 'importaciones/:id',
                element: (
                  <Allow when={canSeeImports}>
                    <ImportBatchPage />
                  </Allow>
                ),
              },
              {
                path: 'vinculacion',
                element: (
                  <Allow when={canReviewLinkage}>
                    <LinkReviewPage />
                  </Allow>
                ),
              },
              // Later modules join here with their pages and a menu entry in access.ts.
              { path: '*', element: <NotFoundPage /> },
            ],
          },
        ],
      },
    ],
  },
]);
