// Types of cluster-routes.js for its unit spec (src/dashboard/cluster-routes.spec.ts); not served.

export interface NodeRoute {
  readonly host: string;
  readonly path: string;
  readonly ownerKeyId: string;
  readonly members: number;
}

export interface ListedNode {
  readonly id: string;
  readonly self: boolean;
  readonly routes: readonly NodeRoute[];
}

export interface RouteHolders {
  readonly host: string;
  readonly path: string;
  readonly ownerKeyIds: string[];
  readonly holders: Array<{ readonly nodeId: string; readonly self: boolean; readonly members: number }>;
}

export declare function routeHolders(nodes: readonly ListedNode[]): RouteHolders[];
