#!/usr/bin/env node
/**
 * Entry point of the conformance sample app, run by platforms as a workload:
 *   SERVICE_NAME (default "Default")  name sent as the ServiceName header of its calls
 *   HOST (default 127.0.0.1)          bind address: the instance's own address on the mesh
 *   PORT (default 9091)               0 picks a free port
 *   HTTP_PROXY / NO_PROXY             the sidecar's outbound listener; calls go through it
 *   NAME_RESOLUTION=none              resolve no host names (for runs without a mesh)
 * Prints `listening on http://HOST:PORT` once bound; stops on SIGTERM or SIGINT.
 * @module
 */
import { readProxySettings } from './proxy_env.js';
import { SampleApp } from './server.js';

function fail(message: string): never {
  process.stderr.write(`conformance app: ${message}\n`);
  process.exit(2);
}

const env = process.env;
const port = Number(env.PORT || '9091');
if (!Number.isInteger(port) || port < 0 || port > 65535)
  fail(`PORT is ${JSON.stringify(env.PORT)}; expected 0-65535`);
const nameResolution = env.NAME_RESOLUTION || 'system';
if (nameResolution !== 'system' && nameResolution !== 'none') {
  fail(`NAME_RESOLUTION is ${JSON.stringify(nameResolution)}; expected "system" or "none"`);
}
let proxy;
try {
  proxy = readProxySettings(env);
} catch (error) {
  fail((error as Error).message);
}
const serviceName = env.SERVICE_NAME || 'Default';
const app = await SampleApp.start({
  serviceName,
  host: env.HOST || '127.0.0.1',
  port,
  proxy,
  nameResolution,
  log: (line) => process.stderr.write(`${new Date().toISOString()} ${serviceName}: ${line}\n`),
}).catch((error: Error) => fail(`cannot listen: ${error.message}`));
process.stdout.write(
  `${serviceName} listening on ${app.url}${proxy.httpProxy ? ` (calls through ${proxy.httpProxy.origin})` : ''}\n`,
);

let stopping = false;
for (const signal of ['SIGTERM', 'SIGINT'] as const) {
  process.on(signal, () => {
    if (stopping) process.exit(1);
    stopping = true;
    void app.close().then(() => process.exit(0));
  });
}
