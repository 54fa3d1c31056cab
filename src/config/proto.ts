/** Where proxy_config.proto is, and how its messages map to the plain objects of types.ts. */
import type { Options } from '@grpc/proto-loader';

/** protoPath is the location of proxy_config.proto inside the installed package. */
export const protoPath = new URL('./proxy_config.proto', import.meta.url).pathname;

/**
 * loaderOptions: field names as in the .proto, every field decoded (defaults), enums as names and
 * int64 as numbers. The proxy's codec and the control plane's gRPC service both decode this way.
 */
export const loaderOptions: Options = {
  keepCase: true,
  longs: Number,
  enums: String,
  defaults: true,
  arrays: true,
  objects: false,
  oneofs: true,
};
