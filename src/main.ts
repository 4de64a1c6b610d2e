#!/usr/bin/env node
import { createsuperuser } from './cli/createsuperuser.js';
import { migrate } from './cli/migrate.js';
import { schema } from './cli/schema.js';
import { exitOnKnownError } from './cli/runtime.js';
import { seed } from './cli/seed.js';
import { serve } from './cli/serve.js';

const USAGE = `Usage: quartermaster [command] [options]

Commands:
  serve                      run the server (the default)
  migrate                    apply database migrations and exit
  createsuperuser --username U --email E --password P [--account NAME]
                             create a superuser (asks for what is missing on a terminal); joins the
                             account of that name if there is one, else creates it (default "Default")
  schema --output FILE [--format json|yaml]
                             write the OpenAPI 3.1 document (format from the file name by default; - = stdout)
  seed --items N [--warehouses W] [--lots-per-item L] [--account ID|NAME] [--batch B]
                             fill an account with demo inventory (bulk inserts, with a progress bar)

Environment: DATABASE_URL, QM_DATA_DIR, HOST, PORT, QM_DEBUG, QM_TLS_CERT, QM_TLS_KEY, QM_TRUST_PROXY,
QM_PUBLIC_URL, QM_LOG_LEVEL, QM_SECRET_KEY (see README).`;

/** One entry per command; each lives in its own file under cli/. */
const COMMANDS: Record<string, (argv: string[]) => Promise<void>> = {
  serve: () => serve(),
  migrate: () => migrate(),
  createsuperuser,
  schema,
  seed,
};

async function main(argv: string[]) {
  const [first, ...rest] = argv;
  if (first === '--help' || first === '-h' || first === 'help') {
    console.log(USAGE);
    return;
  }
  const name = first && !first.startsWith('-') ? first : 'serve';
  const command = COMMANDS[name];
  if (!command) {
    console.error(`quartermaster: unknown command "${name}"\n\n${USAGE}`);
    process.exit(2);
  }
  await command(first === name ? rest : argv);
}

main(process.argv.slice(2)).catch((err) => {
  try {
    exitOnKnownError(err);
  } catch {
    console.error(err);
    process.exit(1);
  }
});
