/**
 * The SMP protobuf schema, loaded at run time from the `.proto` files beside this module
 * (the build copies them into dist/), plus the well-known `google.protobuf.Timestamp`.
 * @module
 */
import { fileURLToPath } from 'node:url';
import protobuf from 'protobufjs';

/** SMP_PROTO_FILES are the schema files, in dependency order. */
export const SMP_PROTO_FILES = ['service_mesh.proto', 'metadata.proto', 'service_mesh_performance.proto'];

/** protoDir is the folder holding the SMP `.proto` files. */
export const protoDir = fileURLToPath(new URL('./proto/', import.meta.url));

let root: protobuf.Root | undefined;

/** smpRoot returns the resolved schema, loading it once. Field names keep their proto spelling. */
export function smpRoot(): protobuf.Root {
  if (!root) {
    const r = new protobuf.Root();
    r.loadSync(
      SMP_PROTO_FILES.map((f) => protoDir + f),
      { keepCase: true },
    );
    r.resolveAll();
    root = r;
  }
  return root;
}

/** smpType looks up a message type by its name inside package `smp`, e.g. `PerformanceTestConfig.Client`. */
export function smpType(name: string): protobuf.Type {
  return smpRoot().lookupType(`smp.${name}`);
}

/** TIMESTAMP_TYPE is the full name protobufjs gives the well-known Timestamp message. */
export const TIMESTAMP_TYPE = '.google.protobuf.Timestamp';
