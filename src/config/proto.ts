/** Loads proxy_config.proto for @grpc/grpc-js, with the decoding options that types.ts describes. */
import { loadPackageDefinition, type GrpcObject, type ServiceClientConstructor } from '@grpc/grpc-js';
import { loadSync, type Options, type PackageDefinition } from '@grpc/proto-loader';

/** protoPath is the location of proxy_config.proto inside the installed package. */
export const protoPath = new URL('./proxy_config.proto', import.meta.url).pathname;

/** loaderOptions decode every field (defaults), enums as names and int64 as numbers. */
export const loaderOptions: Options = {
  keepCase: true,
  longs: Number,
  enums: String,
  defaults: true,
  arrays: true,
  objects: false,
  oneofs: true,
};

let cached: PackageDefinition | undefined;

/** packageDefinition parses the .proto once per process. */
export function packageDefinition(): PackageDefinition {
  cached ??= loadSync(protoPath, loaderOptions);
  return cached;
}

/** ConfigServices holds the client constructors (and `.service` definitions for servers). */
export interface ConfigServices {
  ProxyConfigService: ServiceClientConstructor;
  CertificateService: ServiceClientConstructor;
}

/** configServices returns the gRPC service constructors of package meshplane.config.v1. */
export function configServices(): ConfigServices {
  const root = loadPackageDefinition(packageDefinition()) as GrpcObject;
  const v1 = ((root.meshplane as GrpcObject).config as GrpcObject).v1 as GrpcObject;
  return {
    ProxyConfigService: v1.ProxyConfigService as ServiceClientConstructor,
    CertificateService: v1.CertificateService as ServiceClientConstructor,
  };
}
