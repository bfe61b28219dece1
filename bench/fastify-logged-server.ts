// A second reference for the API benchmark: Fastify answering the same fixed body, with Elevate's
// own logger (createLogger: redaction, the request serializer) and its one log line per request,
// and no other hook. It shows what the framework and the access log cost before Elevate does any
// work of its own. Usage: node fastify-logged-server.js <port> <body-file>
import { readFileSync } from 'node:fs';
import Fastify, { type FastifyBaseLogger, LogController } from 'fastify';
import { loadConfig } from '../src/config/load.js';
import { createLogger } from '../src/composition/logger.js';
import { logEachRequestOnce } from '../src/http/plugins/request-log.js';

const [port, bodyFile] = process.argv.slice(2);
if (!port || !bodyFile) throw new Error('usage: fastify-logged-server.js <port> <body-file>');
const body = readFileSync(bodyFile, 'utf8');
const config = loadConfig({ env: {}, overrides: { logLevel: 'info' } });
const app = Fastify({ loggerInstance: createLogger(config) as FastifyBaseLogger, logController: new LogController({ disableRequestLogging: true }) });
logEachRequestOnce(app);
app.get('/', async (_req, reply) => reply.type('application/json; charset=utf-8').send(body));
await app.listen({ port: Number(port), host: '127.0.0.1' });

process.on('SIGTERM', () => void app.close().then(() => process.exit(0)));
