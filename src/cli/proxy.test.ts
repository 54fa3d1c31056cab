// Transcript tests of `meshplane proxy`: static mode serves and reloads its config file; bad flags
// fail before anything binds; control-plane mode refuses a root CA that is not a certificate.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { TestCa } from '../proxy/testing/ca.js';
import { freeAddress, idOf, send } from '../proxy/testing/mesh.js';
import { main } from './main.js';
import { captureIO } from './testing/io.js';

const yamlConfig = (version: string, upstreamPort: number) => `
version: "${version}"
listeners:
  - { name: outbound, port: 15001, direction: OUTBOUND, protocol: HTTP, route_table: outbound }
routeTables:
  - name: outbound
    virtual_hosts:
      - name: admin
        domains: ["admin.local:80"]
        routes:
          - name: all
            action: { clusters: [{ cluster: self, weight: 1 }] }
clusters:
  - { name: self, endpoints: [{ address: "127.0.0.1", port: ${upstreamPort} }] }
`;

async function waitFor(check: () => Promise<boolean>, ms = 5000): Promise<void> {
  const end = Date.now() + ms;
  while (Date.now() < end) {
    if (await check().catch(() => false)) return;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error('condition not met in time');
}

test('static mode serves, reloads a changed config file and stops on abort', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'meshplane-proxy-cli-'));
  const ca = new TestCa();
  const id = ca.issue(idOf('cli'));
  const addr = freeAddress();
  const file = join(dir, 'proxy.yaml');
  // The proxy routes admin.local to its own admin port, so the test needs no extra server.
  writeFileSync(file, yamlConfig('1', 15000).replace('127.0.0.1', addr));
  const controller = new AbortController();
  const io = captureIO(controller.signal);
  const running = main(
    [
      'proxy',
      '--address',
      addr,
      '--config-file',
      file,
      '--cert',
      id.certFile,
      '--key',
      id.keyFile,
      '--ca',
      id.caFile,
      '--log-level',
      'debug',
    ],
    io,
  );
  try {
    await waitFor(async () => (await send(addr, 15000, '/ready')).status === 200);
    const via = await send(addr, 15001, 'http://admin.local/config_dump');
    assert.equal(JSON.parse(via.body).identity.spiffe_id, idOf('cli'));
    writeFileSync(file, yamlConfig('2', 15000).replace('127.0.0.1', addr));
    await waitFor(async () => JSON.parse((await send(addr, 15000, '/config_dump')).body).version === '2');
    writeFileSync(file, yamlConfig('3', 0).replace('127.0.0.1', addr));
    await waitFor(async () => /config version 3 rejected \(NACK\).*port is 0/.test(io.err()));
    assert.equal(JSON.parse((await send(addr, 15000, '/config_dump')).body).version, '2');
  } finally {
    controller.abort();
    assert.equal(await running, 0);
    ca.cleanup();
    rmSync(dir, { recursive: true, force: true });
  }
  assert.match(io.err(), /info config version 1 applied/);
  assert.match(
    io.err(),
    /debug access outbound HTTP\/1\.1 GET http:\/\/admin\.local\/config_dump 200 - \d+us cluster=self upstream=[\d.]+:15000 tries=1/,
  );
  assert.match(io.err(), /identity spiffe:\/\/cluster\.local\/ns\/default\/sa\/cli installed/);
});

test('bad flags fail at the door with the flag named', async () => {
  const cases: Array<[string[], RegExp]> = [
    [
      ['--config-file', '/nonexistent/proxy.yaml'],
      /--config-file is "\/nonexistent\/proxy.yaml"; expected a readable file/,
    ],
    [
      ['--config-file', '/dev/null', '--address', 'localhost'],
      /--address is "localhost"; expected an IPv4 or IPv6 address/,
    ],
    [['--config-file', '/dev/null', '--admin-port', '70000'], /--admin-port is "70000"/],
    [['--config-file', '/dev/null', '--log-level', 'loud'], /--log-level is "loud"/],
    [
      ['--config-file', '/dev/null', '--cert', '/dev/null'],
      /--cert\/--key\/--ca .* all three files, or none/,
    ],
    [['--control-plane', 'cp:15010'], /--id is missing/],
  ];
  for (const [args, message] of cases) {
    const io = captureIO();
    assert.equal(await main(['proxy', ...args], io), 2, args.join(' '));
    assert.match(io.err(), message);
  }
});

test('control-plane mode refuses a root CA file that holds no certificate, before connecting', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'meshplane-proxy-cli-'));
  writeFileSync(join(dir, 'ca.pem'), 'x');
  writeFileSync(join(dir, 'token'), 't');
  const io = captureIO();
  const code = await main(
    [
      'proxy',
      '--id',
      'web-0.default',
      '--namespace',
      'default',
      '--workload',
      'web',
      '--service-account',
      'web',
      '--address',
      '127.0.0.1',
      '--app-port',
      '8080',
      '--control-plane',
      '127.0.0.1:15010',
      '--root-ca',
      join(dir, 'ca.pem'),
      '--bootstrap-token-file',
      join(dir, 'token'),
    ],
    io,
  );
  rmSync(dir, { recursive: true, force: true });
  assert.equal(code, 2);
  assert.match(io.err(), /--root-ca .*expected a PEM certificate/);
});
