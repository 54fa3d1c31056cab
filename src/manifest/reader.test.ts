import assert from 'node:assert/strict';
import { test } from 'node:test';
import { InvalidInputError, MeshplaneError } from '../errors/index.js';
import { describeOrigin } from './origin.js';
import { readManifests, readManifestValue, splitApiVersion } from './reader.js';

const STREAM = `# leading comment
apiVersion: v1
kind: ServiceAccount
metadata: {name: web}
---
---
apiVersion: split.smi-spec.io/v1alpha4
kind: TrafficSplit
metadata:
  name: web
spec: {service: web, backends: [{service: web-v1, weight: 1}]}
---
apiVersion: v1
kind: List
items:
  - apiVersion: v1
    kind: Service
    metadata: {name: a}
  - apiVersion: meshplane.dev/v1alpha1
    kind: Workload
    metadata: {name: b}
`;

test('readManifests reads multi-document YAML, skips empty documents and flattens Lists', () => {
  const docs = readManifests(STREAM, { source: 'app.yaml' });
  assert.deepEqual(
    docs.map((d) => [d.object.kind, d.origin]),
    [
      ['ServiceAccount', { source: 'app.yaml', document: 1, line: 2 }],
      ['TrafficSplit', { source: 'app.yaml', document: 3, line: 7 }],
      ['Service', { source: 'app.yaml', document: 4, item: 0, line: 16 }],
      ['Workload', { source: 'app.yaml', document: 4, item: 1, line: 19 }],
    ],
  );
  assert.deepEqual(docs[1]!.object.spec, { service: 'web', backends: [{ service: 'web-v1', weight: 1 }] });
  assert.equal(describeOrigin(docs[3]!.origin), 'app.yaml document 4 items[1] (line 19)');
});

test('JSON, JSON Lists, typed Lists and top-level arrays are read too', () => {
  const json = JSON.stringify({
    apiVersion: 'split.smi-spec.io/v1alpha4',
    kind: 'TrafficSplitList',
    items: [
      { metadata: { name: 'a' }, spec: {} },
      { kind: 'TrafficSplit', metadata: { name: 'b' } },
    ],
  });
  const docs = readManifests(json, { source: 'list.json' });
  assert.deepEqual(
    docs.map((d) => [d.object.apiVersion, d.object.kind, d.object.metadata?.name, d.origin.item]),
    [
      ['split.smi-spec.io/v1alpha4', 'TrafficSplit', 'a', 0],
      ['split.smi-spec.io/v1alpha4', 'TrafficSplit', 'b', 1],
    ],
  );
  const array = readManifestValue([{ apiVersion: 'v1', kind: 'Service' }], { source: 'body', document: 1 });
  assert.deepEqual(array[0]!.origin, { source: 'body', document: 1, item: 0 });
  assert.deepEqual(readManifests('', { source: 'empty.yaml' }), []);
  assert.deepEqual(readManifests('---\n# nothing\n---\n'), []);
});

test('bad manifests are rejected with file, document and line', () => {
  assert.throws(
    () => readManifests('apiVersion: v1\nkind: Service\nmetadata:\n  name: [a\n', { source: 'svc.yaml' }),
    (e: unknown) =>
      e instanceof MeshplaneError &&
      e.code === 'MANIFEST_ERR_SYNTAX' &&
      /^svc\.yaml: line \d+, column \d+: syntax error/.test(e.message),
  );
  assert.throws(
    () =>
      readManifests('apiVersion: v1\nkind: Service\n---\nkind: Service\nmetadata: {name: x}\n', {
        source: 'svc.yaml',
      }),
    (e: unknown) =>
      e instanceof InvalidInputError &&
      e.message ===
        'svc.yaml document 2 (line 4): apiVersion is missing; expected a string such as split.smi-spec.io/v1alpha4 or v1',
  );
  assert.throws(
    () => readManifests('apiVersion: v1\n', { source: 'x.yaml' }),
    /x\.yaml document 1 \(line 1\): kind is missing/,
  );
  assert.throws(
    () => readManifests('just a string\n', { source: 'x.yaml' }),
    /\(document\) is "just a string"; expected a Kubernetes object/,
  );
  assert.throws(
    () => readManifests('apiVersion: v1\nkind: Service\nmetadata: [1]\n'),
    /metadata is \[1\]; expected an object/,
  );
  assert.throws(
    () => readManifests('apiVersion: v1\nkind: List\nitems: 3\n'),
    /items is 3; expected a list of objects/,
  );
  assert.throws(
    () => readManifests('a: 1\na: 2\n'),
    (e: unknown) => e instanceof MeshplaneError && e.code === 'MANIFEST_ERR_SYNTAX',
  );
});

test('splitApiVersion separates group and version', () => {
  assert.deepEqual(splitApiVersion('split.smi-spec.io/v1alpha4'), {
    group: 'split.smi-spec.io',
    version: 'v1alpha4',
  });
  assert.deepEqual(splitApiVersion('v1'), { group: '', version: 'v1' });
});
