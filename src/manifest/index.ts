/**
 * Public surface of the manifest reader: Kubernetes-shaped YAML/JSON (multi-document, `List`
 * kinds) → objects with their origin. Generic: it knows no kinds, so SMI, the control plane, the
 * platform and the server all route objects by `apiVersion`/`kind` themselves.
 * @module
 */
export {
  readManifests,
  readManifestValue,
  splitApiVersion,
  type KubernetesObject,
  type ManifestDocument,
  type ReadManifestOptions,
} from './reader.js';
export { describeOrigin, type ManifestOrigin } from './origin.js';
export { MANIFEST_ERR_SYNTAX } from './errors.js';
