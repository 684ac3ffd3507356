/** Dashboards with charts (docs/console.md "Dashboards"). STUB. */
export function Dashboards() {
  return <p>Dashboards</p>;
}
