import { type Command, InvalidArgumentError } from 'commander';
import { loadConfig } from '../../config/load.js';
import { CliError } from '../cli-error.js';
import { wiring } from '../wiring.js';

interface ServeFlags {
  demo?: boolean;
  config?: string;
  port?: number;
  host?: string;
  data?: string;
  database?: string;
  corsOrigin?: string[];
  allowedHost?: string[];
  tlsCert?: string;
  tlsKey?: string;
  json?: boolean;
}

const portArg = (v: string) => {
  const n = Number(v);
  if (!Number.isInteger(n) || n < 0 || n > 65535) throw new InvalidArgumentError('expected a port number from 0 to 65535');
  return n;
};

const DEMO_BANNER = [
  '',
  '*****************************************************************************',
  '*  DEMO MODE: demo users jen/jen, ann/ann, admin/admin — not for production  *',
  '*****************************************************************************',
  '',
].join('\n');

export function registerServeCommand(program: Command): void {
  program
    .command('serve')
    .description('run the server: the MIM PAM REST API at /api/pamresources/ and the scheduler')
    .option('--demo', 'seed demo users, groups and roles into a fresh data directory')
    .option('--config <file>', 'configuration file (YAML or JSON)')
    .option('--port <port>', 'TCP port (default 8086; 0 picks a free one)', portArg)
    .option('--host <host>', 'address to listen on (default 127.0.0.1)')
    .option('--data <dir>', 'data directory (default ./data)')
    .option('--database <url>', 'PostgreSQL store shared by every node, postgres://… (default: the embedded store in the data directory)')
    .option('--cors-origin <url>', 'origin allowed to call the API from a browser, e.g. http://portal:8090 (repeatable)', (v: string, prev: string[] = []) => [...prev, v])
    .option('--allowed-host <name>', 'a host name clients reach the server by, checked against the Host header (repeatable; see allowedHosts)', (v: string, prev: string[] = []) => [...prev, v])
    .option('--tls-cert <file>', 'serve HTTPS with this certificate chain (PEM); reloaded on SIGHUP')
    .option('--tls-key <file>', 'the private key (PEM) of --tls-cert; reloaded on SIGHUP')
    .option('--json', 'print the listening URL as JSON')
    .action(async (f: ServeFlags) => {
      if ((f.tlsCert === undefined) !== (f.tlsKey === undefined)) throw new CliError('give both --tls-cert and --tls-key, or neither');
      const tls = f.tlsCert !== undefined ? { certFile: f.tlsCert, keyFile: f.tlsKey } : undefined;
      const config = loadConfig({
        file: f.config,
        overrides: { port: f.port, host: f.host, dataDir: f.data, database: f.database, corsOrigins: f.corsOrigin, allowedHosts: f.allowedHost, demo: f.demo ? true : undefined, tls },
      });
      // Loud and on stderr, so it shows even when stdout goes to a log collector.
      if (config.demo) process.stderr.write(DEMO_BANNER + '\n');
      const { startServer } = await wiring();
      let server: Awaited<ReturnType<typeof startServer>>;
      try {
        server = await startServer(config);
      } catch (e) {
        // Listening problems are the operator's to fix, not bugs: one line, no stack.
        const code = (e as NodeJS.ErrnoException).code;
        if (code === 'EADDRINUSE' || code === 'EACCES' || code === 'EADDRNOTAVAIL') {
          throw new CliError(`cannot listen on ${config.host}:${config.port}: ${code === 'EADDRINUSE' ? 'the port is in use' : (e as Error).message}`);
        }
        throw e;
      }
      // One line even with --json: log lines share stdout, and a supervisor reads it line by line.
      const api = `${server.url}/api/pamresources/`;
      process.stdout.write(
        f.json ? `${JSON.stringify({ url: server.url, api, demo: config.demo })}\n` : `Elevate is listening on ${server.url} (API: ${api})\n`,
      );

      let stopping = false;
      const stop = (signal: NodeJS.Signals) => {
        // A second Ctrl-C while closing means "now": skip the graceful path.
        if (stopping) process.exit(1);
        stopping = true;
        process.stderr.write(`${signal}: closing the server\n`);
        server.close().then(
          () => process.exit(0),
          (e: unknown) => {
            process.stderr.write(`elevate: error while closing: ${(e as Error).message}\n`);
            process.exit(1);
          },
        );
      };
      process.on('SIGINT', stop);
      process.on('SIGTERM', stop);
      // A renewed certificate is picked up without dropping the listener or open connections.
      process.on('SIGHUP', () => {
        if (!config.tls) return process.stderr.write('SIGHUP: no TLS certificate configured; nothing to reload\n'), undefined;
        try {
          server.reloadTls();
          process.stderr.write(`SIGHUP: TLS certificate reloaded from ${config.tls.certFile}\n`);
        } catch (e) {
          process.stderr.write(`SIGHUP: TLS certificate NOT reloaded, still serving the previous one: ${(e as Error).message}\n`);
        }
      });
    });
}
