import type { PageUser } from './auth-types';

/** The operator's task inbox (docs/console.md "Desks"). STUB. */
export function TaskInbox(_props: { user: PageUser }) {
  return <p>Tasks</p>;
}
