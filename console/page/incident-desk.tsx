import type { PageUser } from './auth-types';

/** The incident desk: fallout across orders, filters, batch actions; pause steps (docs/console.md "Desks"). STUB. */
export function IncidentDesk(_props: { user: PageUser }) {
  return <p>Incidents</p>;
}
