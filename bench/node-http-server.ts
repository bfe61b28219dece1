// The baseline for the API benchmark: the fastest a Node HTTP server on this machine answers with a
// JSON body of the same size as Elevate's. Usage: node node-http-server.js <port> <body-file>
import { readFileSync } from 'node:fs';
import { createServer } from 'node:http';

const [port, bodyFile] = process.argv.slice(2);
if (!port || !bodyFile) throw new Error('usage: node-http-server.js <port> <body-file>');
const body = readFileSync(bodyFile);
const headers = { 'content-type': 'application/json; charset=utf-8', 'content-length': String(body.length) };

createServer((req, res) => {
  // Read (and discard) any request body before answering, as a real server must.
  req.resume();
  req.on('end', () => {
    res.writeHead(200, headers);
    res.end(body);
  });
}).listen(Number(port), '127.0.0.1');

process.on('SIGTERM', () => process.exit(0));
