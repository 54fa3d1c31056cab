/**
 * The proxy side's protobuf codec for the messages of proxy_config.proto: plain objects (types.ts)
 * to bytes and back, with the same conversions the control plane's gRPC service uses.
 * @module
 */
import protobuf from 'protobufjs';
import { loaderOptions, protoPath } from './proto.js';

/** MessageName is a message of package meshplane.config.v1 that crosses the wire. */
export type MessageName = 'ConfigRequest' | 'ConfigResponse' | 'CertificateRequest' | 'CertificateResponse';

let root: protobuf.Root | undefined;

function messageType(name: MessageName): protobuf.Type {
  root ??= new protobuf.Root().loadSync(protoPath, { keepCase: true });
  return root.lookupType(`meshplane.config.v1.${name}`);
}

/** encodeMessage serialises a plain object (unknown fields are dropped, as protobuf does). */
export function encodeMessage(name: MessageName, value: object): Uint8Array {
  const type = messageType(name);
  return type.encode(type.fromObject(value)).finish();
}

/** decodeMessage parses bytes into a plain object with every field present. */
export function decodeMessage<T>(name: MessageName, bytes: Uint8Array): T {
  const type = messageType(name);
  return type.toObject(type.decode(bytes), loaderOptions as protobuf.IConversionOptions) as T;
}
