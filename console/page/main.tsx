import { useEffect, useState } from 'react';
import { createRoot } from 'react-dom/client';
import { useJson } from './api';
import type { Me } from './auth-types';
import { Dashboards } from './dashboards';
import { IncidentDesk } from './incident-desk';
import { OrderList, OrderPage } from './order-page';
import { SignIn } from './sign-in';
import { TaskInbox } from './task-inbox';

/**
 * The console's page (docs/console.md): a shell with the signed-in user and the navigation, and one view per hash
 * route. Hash routes, so the server serves one page and a link to an order (#/orders/ORD-1) survives a reload.
 */

function useRoute(): string[] {
  const read = () => window.location.hash.replace(/^#\/?/, '').split('/').map(decodeURIComponent).filter(Boolean);
  const [route, setRoute] = useState(read);
  useEffect(() => {
    const changed = () => setRoute(read());
    window.addEventListener('hashchange', changed);
    return () => window.removeEventListener('hashchange', changed);
  }, []);
  return route;
}

const NAV = [
  ['orders', 'Orders'],
  ['tasks', 'Tasks'],
  ['incidents', 'Incidents'],
  ['dashboards', 'Dashboards'],
] as const;

function App() {
  const me = useJson<Me>('/api/me');
  const route = useRoute();
  useEffect(() => {
    const signedOut = () => me.reload();
    window.addEventListener('ordo:signed-out', signedOut);
    return () => window.removeEventListener('ordo:signed-out', signedOut);
  }, [me]);
  if (!me.data) return <p className="loading">Loading…</p>;
  const user = me.data.user;
  if (!user) return <SignIn signedIn={me.reload} />;
  const [section = 'orders', ...rest] = route;
  return (
    <div className="shell">
      <header>
        <a className="brand" href="#/orders">Ordo</a>
        <nav>
          {NAV.map(([id, label]) => (
            <a key={id} href={`#/${id}`} className={section === id ? 'active' : ''} data-testid={`nav-${id}`}>
              {label}
            </a>
          ))}
        </nav>
        <span className="who" data-testid="signed-in-user">
          {user.name}
          {user.queues.length === 0 ? ' (read-only)' : ''}
        </span>
        <button type="button" onClick={() => fetch('/api/sign-out', { method: 'POST' }).then(me.reload)}>Sign out</button>
      </header>
      <main>
        {section === 'orders' && (rest[0] ? <OrderPage orderId={rest[0]} user={user} /> : <OrderList />)}
        {section === 'tasks' && <TaskInbox user={user} />}
        {section === 'incidents' && <IncidentDesk user={user} />}
        {section === 'dashboards' && <Dashboards />}
      </main>
    </div>
  );
}

createRoot(document.getElementById('root')!).render(<App />);
