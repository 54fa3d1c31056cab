// Apply is all-or-nothing: a file with any bad document changes neither memory nor the file on disk,
// and the error names the file, the resource and the field.
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { test } from 'node:test';
import { MeshplaneError } from '../errors/index.js';
import { parseManifests } from './resources/parse.js';
import { ResourceStore } from './store.js';
import { tempDir } from './testing/fixtures.js';

const good = `
apiVersion: v1
kind: ServiceAccount
metadata: {name: web}
---
apiVersion: meshplane.dev/v1alpha1
kind: Workload
metadata: {name: web, labels: {app: web}}
spec: {serviceAccount: web, replicas: 2, command: [node, web.js], port: 8080, env: {MODE: fast}}
---
apiVersion: v1
kind: Service
metadata: {name: web}
spec: {selector: {app: web}, ports: [{port: 80, targetPort: 8080}]}
`;

async function openStore(t: { after: (fn: () => Promise<void>) => void }) {
  const dir = await tempDir();
  t.after(dir.remove);
  const file = join(dir.path, 'resources.json');
  return { store: await ResourceStore.open(file), file };
}

async function applyText(store: ResourceStore, text: string) {
  return store.apply(parseManifests(text, 'm.yaml').resources, 'm.yaml');
}

test('apply creates, configures and leaves unchanged; the file survives a reopen', async (t) => {
  const { store, file } = await openStore(t);
  assert.deepEqual(
    (await applyText(store, good)).map((r) => `${r.kind}/${r.name} ${r.action}`),
    ['ServiceAccount/web created', 'Workload/web created', 'Service/web created'],
  );
  const again = await applyText(store, good.replace('replicas: 2', 'replicas: 3'));
  assert.deepEqual(
    again.map((r) => r.action),
    ['unchanged', 'configured', 'unchanged'],
  );
  const reopened = await ResourceStore.open(file);
  assert.equal(reopened.workloads()[0]!.spec.replicas, 3);
  assert.deepEqual(reopened.workloads()[0]!.spec.readinessProbe, {
    initialDelaySeconds: 0,
    periodSeconds: 1,
    timeoutSeconds: 1,
    successThreshold: 1,
    failureThreshold: 2,
  });
});

const bad: [string, string, RegExp][] = [
  [
    'unknown kind',
    'apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: x}\n',
    /m.yaml document 2 \(line 5\): Deployment "default\/x": kind is "apps\/v1\/Deployment"; expected one of v1\/Service, v1\/ServiceAccount, meshplane.dev\/v1alpha1\/Workload, or an SMI kind/,
  ],
  [
    'missing field',
    'apiVersion: meshplane.dev/v1alpha1\nkind: Workload\nmetadata: {name: x}\nspec: {port: 80}\n',
    /Workload "default\/x": spec.command is missing/,
  ],
  [
    'bad port',
    'apiVersion: meshplane.dev/v1alpha1\nkind: Workload\nmetadata: {name: x}\nspec: {command: [a], port: 70000}\n',
    /spec.port is 70000; expected an integer port from 1 to 65535/,
  ],
  [
    'sidecar port',
    'apiVersion: meshplane.dev/v1alpha1\nkind: Workload\nmetadata: {name: x}\nspec: {command: [a], port: 15001}\n',
    /spec.port is 15001; .*other than the sidecar ports/,
  ],
  [
    'selector matching nothing',
    'apiVersion: v1\nkind: Service\nmetadata: {name: x}\nspec: {selector: {app: nothing}, ports: [{port: 80}]}\n',
    /Service "default\/x": spec.selector is \{"app":"nothing"\}; expected labels of at least one Workload/,
  ],
  [
    'missing service account',
    'apiVersion: meshplane.dev/v1alpha1\nkind: Workload\nmetadata: {name: x}\nspec: {command: [a], port: 80, serviceAccount: ghost}\n',
    /spec.serviceAccount is "ghost"; expected a ServiceAccount in namespace "default"/,
  ],
  [
    'targetPort not the app port',
    'apiVersion: v1\nkind: Service\nmetadata: {name: y}\nspec: {selector: {app: web}, ports: [{port: 80, targetPort: 9999}]}\n',
    /spec.ports\[0\].targetPort is 9999; expected 8080/,
  ],
  ['YAML syntax', 'apiVersion: v1\nkind: [Service\n', /m.yaml: line 7, column 1: syntax error/],
  [
    'unknown field',
    'apiVersion: meshplane.dev/v1alpha1\nkind: Workload\nmetadata: {name: x}\nspec: {command: [a], port: 80, replica: 2}\n',
    /spec.replica is 2; expected no such field/,
  ],
];

for (const [name, doc, message] of bad) {
  test(`a file with one bad document (${name}) applies nothing`, async (t) => {
    const { store, file } = await openStore(t);
    await applyText(store, good);
    const before = await readFile(file, 'utf8');
    // The good documents come first and would change the store if apply were not all-or-nothing.
    const text = `apiVersion: v1\nkind: ServiceAccount\nmetadata: {name: newcomer}\n---\n${doc}`;
    await assert.rejects(applyText(store, text), (e: unknown) => {
      assert.ok(e instanceof MeshplaneError && e.status === 400, String(e));
      assert.match(e.message, message);
      return true;
    });
    assert.equal(await readFile(file, 'utf8'), before);
    assert.equal(store.serviceAccounts().length, 1);
  });
}

test('delete removes all or, when one is missing, nothing', async (t) => {
  const { store } = await openStore(t);
  await applyText(store, good);
  const missing = `${good}---\napiVersion: v1\nkind: Service\nmetadata: {name: ghost}\nspec: {selector: {app: web}, ports: [{port: 1}]}\n`;
  await assert.rejects(
    store.delete(parseManifests(missing, 'm.yaml').resources, 'm.yaml'),
    /Service "default\/ghost": metadata.name is "ghost"; expected an existing resource/,
  );
  assert.equal(store.resources().length, 3);
  const results = await store.delete(parseManifests(missing, 'm.yaml').resources, 'm.yaml', true);
  assert.equal(results.length, 3);
  assert.equal(store.resources().length, 0);
});
