// The `elevate` command (bin/elevate.js runs the compiled file). It hands the CLI the composition
// root as a loader: the CLI never imports it, and loads it only for commands that open the store
// or serve, so the end-user commands start without the store, the HTTP server and their modules.
import { run } from './cli/run.js';
import { provideWiring } from './cli/wiring.js';

provideWiring(async () => (await import('./main.js')).wiring);

// `elevate audit | head` closes the pipe early; that is the reader's choice, not a failure.
process.stdout.on('error', (e: NodeJS.ErrnoException) => {
  if (e.code === 'EPIPE') process.exit(0);
  throw e;
});

process.exitCode = await run(process.argv);
