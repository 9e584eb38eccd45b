// The part of Kubernetes ObjectMeta that Open-Local reads and writes on its custom resources.

/**
 * Object metadata of a NodeLocalStorage or NodeLocalStorageInitConfig. A structural subset of
 * `V1ObjectMeta` from `@kubernetes/client-node`, so objects from that client can be passed in as they are.
 */
export interface ObjectMeta {
  /** Object name; for a NodeLocalStorage, the node name. */
  name?: string;
  /** Server-assigned unique id. */
  uid?: string;
  /** Opaque version used for optimistic concurrency. */
  resourceVersion?: string;
  /** Incremented on every spec change. */
  generation?: number;
  /** Creation time (an RFC 3339 string as served, or a Date from client-node's deserializer). */
  creationTimestamp?: string | Date;
  /** Deletion time, set when the object is being deleted. */
  deletionTimestamp?: string | Date;
  /** Labels. */
  labels?: { [key: string]: string };
  /** Annotations, e.g. `csi.aliyun.com/storage-reserved`. */
  annotations?: { [key: string]: string };
  /** Finalizers. */
  finalizers?: string[];
}
