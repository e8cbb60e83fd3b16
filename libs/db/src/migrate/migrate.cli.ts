import { loadConfigOrExit } from '@tally/config';
import { migrate, MigrationError } from './migrator';

async function main(): Promise<void> {
  const config = loadConfigOrExit();
  try {
    const { applied, alreadyApplied } = await migrate(config.DATABASE_URL);
    const summary = applied.length ? `applied ${applied.join(', ')}` : 'nothing to apply';
    process.stdout.write(`db:migrate: ${summary} (${alreadyApplied.length} already applied)\n`);
  } catch (err) {
    const message = err instanceof MigrationError ? err.message : `cannot migrate: ${(err as Error).message}`;
    process.stderr.write(`db:migrate: ${message}\n`);
    process.exit(1);
  }
}

void main();
