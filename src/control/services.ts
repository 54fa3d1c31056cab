/** The gRPC services of proxy_config.proto for @grpc/grpc-js, decoded as config's loaderOptions say. */
import { loadPackageDefinition, type GrpcObject, type ServiceClientConstructor } from '@grpc/grpc-js';
import { loadSync, type PackageDefinition } from '@grpc/proto-loader';
import { loaderOptions, protoPath } from '../config/index.js';

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
