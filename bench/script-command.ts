/**
 * The command as the user typed it, for the reports of the benches with an entry of their own (`bench:probe`,
 * `bench:parked`, `bench:ponr`): `npm run <script> -- …` when npm started us, else the tsx line.
 */
export function scriptCommand(entry: string, argv: readonly string[] = process.argv.slice(2)): string {
  const script = process.env.npm_lifecycle_event;
  const args = argv.join(' ');
  if (script?.startsWith('bench:')) return `npm run ${script}${args ? ` -- ${args}` : ''}`;
  return `npx tsx ${entry}${args ? ` ${args}` : ''}`;
}

/**
 * Runs a bench entry's `main` and exits with the code it answers; an unexpected error prints its stack (a bench
 * failing is a developer's problem, not a user's mistake: bad flags answer usage and exit 2 inside `main`).
 */
export function runBenchEntry(main: (argv: string[]) => Promise<number>): void {
  main(process.argv.slice(2)).then(
    (code) => process.exit(code),
    (error: Error) => {
      console.error(error.stack ?? error.message);
      process.exit(1);
    },
  );
}
