/** Branded identifiers shared by both binaries, so a Service key is not confused with a pool or node name. */

/** `namespace/name` of a Service; branded so it is not confused with a pool name. */
export type ServiceKey = string & { readonly __brand: 'ServiceKey' };

/** Builds the key MetalLB uses for a Service. */
export const serviceKey = (namespace: string, name: string): ServiceKey => `${namespace}/${name}` as ServiceKey;

/** A Kubernetes Node's `metadata.name`; branded so it is not confused with other names. */
export type NodeName = string & { readonly __brand: 'NodeName' };

/** Brands a node name (no validation: the API server already checked it). */
export const nodeName = (name: string): NodeName => name as NodeName;
