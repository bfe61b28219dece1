import { type ComponentChildren, render } from 'preact';
import { useEffect, useState } from 'preact/hooks';
import { type Me, currentSession, pam, signOut, whenSessionEnds } from './api.js';
import { BreakGlassBanner } from './break-glass-banner.js';
import { AdminAudit } from './pages/admin-audit.js';
import { AdminBreakGlass } from './pages/admin-break-glass.js';
import { AdminDashboard } from './pages/admin-dashboard.js';
import { AdminRequest } from './pages/admin-request.js';
import { AdminGroups } from './pages/admin-groups.js';
import { AdminHoldings } from './pages/admin-holdings.js';
import { AdminRoles } from './pages/admin-roles.js';
import { AdminUsers } from './pages/admin-users.js';
import { Approvals } from './pages/approvals.js';
import { MyRequests } from './pages/my-requests.js';
import { MyRoles } from './pages/my-roles.js';
import { Reviews } from './pages/reviews.js';
import { Security } from './pages/security.js';
import { SignIn } from './pages/sign-in.js';
import { ErrorBox, errorText, setAnnouncer } from './ui.js';

// Hash routes: the server serves one page at /, and every address still works after a reload.
const ROUTES = ['roles', 'requests', 'approvals', 'reviews', 'security', 'admin', 'admin/break-glass', 'admin/users', 'admin/groups', 'admin/roles', 'admin/holdings', 'admin/audit', 'admin/requests'] as const;
type Route = (typeof ROUTES)[number];

/** The page, and what follows it: a request's id (`#/admin/requests/<id>`) or a query (`#/admin/audit?requestId=`). */
let routeParam = '';
let routeQuery = new URLSearchParams();

function currentRoute(): Route {
  const h = location.hash.replace(/^#\/?/, '');
  const [path = '', query = ''] = h.split('?', 2);
  routeQuery = new URLSearchParams(query);
  const m = /^admin\/requests\/([0-9a-fA-F-]{1,64})$/.exec(path);
  routeParam = m ? m[1]! : '';
  if (m) return 'admin/requests';
  return (ROUTES as readonly string[]).includes(path) ? (path as Route) : 'roles';
}

const APPROVALS_POLL_MS = 30_000;

function App() {
  const [me, setMe] = useState<Me | null | 'loading'>('loading');
  const [notice, setNotice] = useState<string | null>(null);
  const [fatal, setFatal] = useState<string | null>(null);
  const [route, setRoute] = useState<Route>(currentRoute());
  const [, setHash] = useState(location.hash);
  const [announcement, setAnnouncement] = useState('');
  const [pending, setPending] = useState<number | null>(null);

  useEffect(() => {
    setAnnouncer((text) => {
      // Cleared first so the same sentence twice is still read out.
      setAnnouncement('');
      setTimeout(() => setAnnouncement(text), 50);
    });
    whenSessionEnds((message) => {
      setNotice(message);
      setMe(null);
    });
    const onHash = () => {
      setRoute(currentRoute());
      setHash(location.hash); // a new request id or query on the same page re-renders it
    };
    addEventListener('hashchange', onHash);
    currentSession().then(setMe, (e) => setFatal(errorText(e)));
    return () => removeEventListener('hashchange', onHash);
  }, []);

  const refreshBadge = async () => {
    try {
      setPending((await pam.approvals()).length);
    } catch {
      // The badge is a hint; the Approvals page reports errors itself.
    }
  };
  useEffect(() => {
    if (me === null || me === 'loading') return;
    // An administrator lands on the overview; everyone else on their roles.
    if (me.isAdmin && (location.hash === '' || location.hash === '#/')) location.hash = '#/admin';
    void refreshBadge();
    const id = setInterval(() => void refreshBadge(), APPROVALS_POLL_MS);
    return () => clearInterval(id);
  }, [me]);

  if (fatal) return <main class="signin"><ErrorBox error={fatal} /></main>;
  if (me === 'loading') return <p class="muted center" aria-busy="true">Loading…</p>;
  if (me === null) {
    return (
      <SignIn
        notice={notice}
        onSignedIn={(m) => {
          setNotice(null);
          setMe(m);
        }}
      />
    );
  }

  const out = async (everywhere: boolean) => {
    await signOut(everywhere);
    setNotice(everywhere ? 'You are signed out on every device.' : 'You are signed out.');
    setMe(null);
  };

  const link = (to: Route, label: string, extra?: ComponentChildren) => (
    <li>
      <a href={`#/${to}`} aria-current={route === to ? 'page' : undefined}>
        {label}
        {extra}
      </a>
    </li>
  );

  return (
    <>
      <a class="skip" href="#main">
        Skip to content
      </a>
      <header class="top">
        <div class="top-inner">
          <a class="brand" href="#/roles">
            <span class="brand-mark" aria-hidden="true">
              E
            </span>{' '}
            Elevate
          </a>
          <div class="who">
            <span class="muted">
              Signed in as <strong>{me.login}</strong>
            </span>
            <button type="button" class="link" onClick={() => void out(false)}>
              Sign out
            </button>
          </div>
        </div>
        <nav aria-label="Main">
          <ul>
            {link('roles', 'My roles')}
            {link('requests', 'My requests')}
            {link(
              'approvals',
              'Approvals',
              pending ? (
                <>
                  <span class="count" aria-hidden="true">
                    {pending}
                  </span>
                  <span class="sr-only">, {pending} waiting</span>
                </>
              ) : null,
            )}
            {link('reviews', 'Reviews')}
            {link('security', 'Security')}
          </ul>
          {me.isAdmin && (
            <ul aria-label="Administration" class="admin-nav">
              {link('admin', 'Overview')}
              {link('admin/users', 'Users')}
              {link('admin/groups', 'Groups')}
              {link('admin/roles', 'Roles')}
              {link('admin/holdings', 'Active now')}
              {link('admin/audit', 'Audit')}
              {link('admin/break-glass', 'Break-glass')}
            </ul>
          )}
        </nav>
      </header>
      <main id="main">
        {/* Read afresh on each admin page (keyed by the address), and every 30 s while one stays open. */}
        {me.isAdmin && route.startsWith('admin') && <BreakGlassBanner key={location.hash} />}
        <Routed route={route} isAdmin={me.isAdmin} onApprovalsChange={() => void refreshBadge()} onSignOutEverywhere={() => out(true)} />
      </main>
      <div class="sr-only" aria-live="polite" aria-atomic="true">
        {announcement}
      </div>
    </>
  );
}

function Routed({ route, isAdmin, onApprovalsChange, onSignOutEverywhere }: { route: Route; isAdmin: boolean; onApprovalsChange: () => void; onSignOutEverywhere: () => Promise<void> }) {
  if (route.startsWith('admin/') && !isAdmin) return <ErrorBox error="This page is for administrators. Ask one if you need something changed." />;
  switch (route) {
    case 'roles':
      return <MyRoles />;
    case 'requests':
      return <MyRequests />;
    case 'approvals':
      return <Approvals onChange={onApprovalsChange} />;
    case 'reviews':
      return <Reviews />;
    case 'admin/break-glass':
      return <AdminBreakGlass />;
    case 'security':
      return <Security onSignOutEverywhere={onSignOutEverywhere} />;
    case 'admin/users':
      return <AdminUsers />;
    case 'admin/groups':
      return <AdminGroups />;
    case 'admin/roles':
      return <AdminRoles />;
    case 'admin/holdings':
      return <AdminHoldings />;
    case 'admin/audit':
      return <AdminAudit key={routeQuery.toString()} initialRequestId={routeQuery.get('requestId') ?? ''} />;
    case 'admin':
      return <AdminDashboard />;
    case 'admin/requests':
      return <AdminRequest id={routeParam} />;
  }
}

render(<App />, document.getElementById('app')!);
