import { ensurePostgresInstalled } from '../scripts/postgres';
import { MissingToolchain } from '../scripts/temporal-cli';
import { ensureTemporalServer } from '../scripts/temporal-server';

/**
 * For a suite's `before`: builds the Temporal server and installs PostgreSQL when missing (the first run may take
 * many minutes), or skips the suite saying in one line what to install on a machine that lacks Go or PostgreSQL.
 */
export async function requireProductionServer(suite: Mocha.Context): Promise<void> {
  suite.timeout(1_800_000);
  try {
    ensurePostgresInstalled();
    await ensureTemporalServer();
  } catch (error) {
    if (!(error instanceof MissingToolchain)) throw error;
    console.log(`    skipped: ${error.message}`);
    suite.skip();
  }
}
