export { ClusterDirectory, type ClusterDirectoryOptions, type LocalNode, type LocalRoute, type NodeView } from './cluster-directory.js';
export { clusterKeys, routeId, type ClusterKeys } from './cluster-keys.js';
export type { DirectoryMessage, NodeRecord, NodeState, RouteEntry } from './cluster-model.js';
export { ClusterModule } from './cluster.module.js';
export { ClusterNode } from './cluster-node.js';
export { localNodeOf } from './local-node.js';
