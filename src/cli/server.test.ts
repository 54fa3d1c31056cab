import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { parse as parseYaml } from 'yaml';
import { Command, CommanderError } from 'commander';
import { main } from './main.js';
import { registerPerfRemote } from './perf-remote.js';
import { startHarness, tempDir } from '../server/testing/harness.js';
import { captureIO } from './testing/io.js';

test('meshplane server serves the API until its signal aborts, then closes the store', async () => {
  const dir = tempDir();
  const controller = new AbortController();
  const io = captureIO(controller.signal);
  try {
    const exit = main(['server', '--port', '0', '--db', join(dir.path, 'cli.db')], io);
    let url: string | undefined;
    for (let i = 0; i < 100 && !url; i++) {
      url = /listening on (\S+)/.exec(io.out())?.[1];
      if (!url) await new Promise((r) => setTimeout(r, 20));
    }
    assert.ok(url, io.out() + io.err());
    assert.match(io.out(), /store: .*cli\.db/);
    const system = (await (await fetch(`${url}/api/system`)).json()) as { version: string };
    assert.match(system.version, /^\d+\.\d+\.\d+/);
    controller.abort();
    assert.equal(await exit, 0);
    await assert.rejects(fetch(`${url}/api/system`));
  } finally {
    dir.remove();
  }
});

test('meshplane server refuses a public address without a token (exit 2, names --token)', async () => {
  const io = captureIO();
  assert.equal(await main(['server', '--host', '0.0.0.0', '--port', '0', '--db', ':memory:'], io), 2);
  assert.match(io.err(), /token is missing; expected a bearer token/);
  assert.equal(await main(['server', '--port', 'eighty'], captureIO()), 2);
});

test('perf apply -f --server runs an SMP file on the server; perf list and perf view read it back', async () => {
  const h = await startHarness();
  const dir = tempDir();
  try {
    const file = join(dir.path, 'test.yaml');
    writeFileSync(
      file,
      [
        'test:',
        '  smp_version: v0.0.1',
        '  name: CLI file',
        '  clients:',
        '    - protocol: 1',
        '      connections: 2',
        '      rps: 100',
        `      endpoint_urls: ['${h.target.url}']`,
        '  duration: 1s',
        '',
      ].join('\n'),
    );
    const apply = captureIO();
    const code = await main(['perf', 'apply', '-f', file, '--server', h.server.url, '--mesh', 'none'], apply);
    assert.equal(code, 0, apply.err());
    assert.match(apply.err(), /completed: \d+ requests/);
    assert.match(apply.out(), /^ID\s+NAME\s+MESH\s+STATUS/);
    assert.match(apply.out(), /CLI file\s+none\s+completed/);
    const id = /^([0-9a-f-]{36})\s/m.exec(apply.out())![1]!;

    const list = captureIO();
    assert.equal(await main(['perf', 'list', '--server', h.server.url], list), 0);
    assert.match(list.out(), new RegExp(`${id}\\s+CLI file`));
    assert.match(list.out(), /page 1 of 1 \(1 runs\)/);

    const json = captureIO();
    assert.equal(await main(['perf', 'list', '--server', h.server.url, '-o', 'json'], json), 0);
    assert.equal((JSON.parse(json.out()) as { totalCount: number }).totalCount, 1);

    const view = captureIO();
    assert.equal(await main(['perf', 'view', id, '--server', h.server.url], view), 0);
    assert.match(view.out(), /CLI file {2}\[completed\]/);
    assert.match(view.out(), /latency: {3}p50 /);

    const yaml = captureIO();
    assert.equal(await main(['perf', 'view', id, '--server', h.server.url, '-o', 'yaml'], yaml), 0);
    const record = parseYaml(yaml.out()) as { run: { id: string }; report: { requestCount: number } };
    assert.equal(record.run.id, id);
    assert.ok(record.report.requestCount > 0);

    const smp = captureIO();
    assert.equal(await main(['perf', 'view', id, '--server', h.server.url, '-o', 'smp'], smp), 0);
    assert.equal((parseYaml(smp.out()) as { id: string }).id, id);

    const missing = captureIO();
    assert.equal(await main(['perf', 'view', 'nope', '--server', h.server.url], missing), 1);
    assert.match(missing.err(), /run "nope" does not exist/);
  } finally {
    await h.close();
    dir.remove();
  }
});

test('the client reports an unreachable server and a bad file clearly', async () => {
  const down = captureIO();
  assert.equal(await main(['perf', 'list', '--server', 'http://127.0.0.1:1'], down), 1);
  assert.match(down.err(), /cannot reach the meshplane server at http:\/\/127\.0\.0\.1:1/);
  const noFile = captureIO();
  assert.equal(
    await main(['perf', 'apply', '-f', '/nonexistent/test.yaml', '--server', 'http://127.0.0.1:1'], noFile),
    2,
  );
  assert.match(noFile.err(), /--file is "\/nonexistent\/test.yaml"; expected a readable file \(ENOENT\)/);
});

test('when a local `perf apply` exists, --server takes it over and the local action does not run', async () => {
  const h = await startHarness();
  const dir = tempDir();
  try {
    const file = join(dir.path, 't.yaml');
    writeFileSync(
      file,
      `name: local or remote\nduration: 300ms\nclients:\n  - protocol: 1\n    connections: 1\n    rps: 50\n    endpoint_urls: ['${h.target.url}']\n`,
    );
    const build = () => {
      const program = new Command('meshplane').exitOverride();
      const ran = { local: 0 };
      program
        .command('perf')
        .command('apply')
        .requiredOption('-f, --file <path>', 'file')
        .option('-o, --output <format>', 'format', 'text')
        .action(() => void ran.local++);
      const io = captureIO();
      registerPerfRemote(program, io, () => {});
      return { program, ran, io };
    };
    const remote = build();
    await assert.rejects(
      remote.program.parseAsync(['perf', 'apply', '-f', file, '--server', h.server.url], { from: 'user' }),
      (e: unknown) => e instanceof CommanderError && e.exitCode === 0,
    );
    assert.equal(remote.ran.local, 0, 'the local action did not run');
    assert.match(remote.io.out(), /local or remote\s+-\s+completed/);
    const local = build();
    await local.program.parseAsync(['perf', 'apply', '-f', file], { from: 'user' });
    assert.equal(local.ran.local, 1, 'without --server the local apply runs');
  } finally {
    await h.close();
    dir.remove();
  }
});
