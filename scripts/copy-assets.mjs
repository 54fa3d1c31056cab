// Copies the non-TypeScript assets of src/ (protobuf schemas, test fixtures) into dist/ after tsc.
import { cpSync, existsSync, readdirSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';

const src = new URL('../src/', import.meta.url).pathname;
const dist = new URL('../dist/', import.meta.url).pathname;
const assets = /\.(proto|json|yaml|yml|txt|hgrm|pem)$/;

function walk(dir) {
  for (const name of readdirSync(dir)) {
    const path = join(dir, name);
    if (name === 'node_modules' || (dir === src && name === 'ui')) continue;
    if (statSync(path).isDirectory()) walk(path);
    else if (assets.test(name)) cpSync(path, join(dist, relative(src, path)));
  }
}

if (existsSync(src)) walk(src);
