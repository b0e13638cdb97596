import { ApiProperty } from './openapi-decorators.js';

/** One route a node serves. */
export class NodeRouteDto {
  @ApiProperty({ example: 'api.example.com', description: 'Host pattern: exact, `*.suffix` or `*`.' })
  host!: string;

  @ApiProperty({ example: '/', description: 'Path prefix.' })
  path!: string;

  @ApiProperty({ description: 'Id of the key rule that owns the route.' })
  ownerKeyId!: string;

  @ApiProperty({ minimum: 1, description: "Agents of the route's pool on this node." })
  members!: number;
}

/** One proxy process of the cluster. */
export class NodeDto {
  @ApiProperty({ example: 'edge-1-4242-a1b2c3', description: 'The node id (config `nodeId`).' })
  id!: string;

  @ApiProperty({
    type: 'string',
    nullable: true,
    example: 'http://10.0.0.5:7000',
    description: "Where other nodes reach its internal listener; null outside cluster mode.",
  })
  url!: string | null;

  @ApiProperty({ description: 'True for the node that answered.' })
  self!: boolean;

  @ApiProperty({ type: 'string', format: 'date-time', description: 'When the node started.' })
  startedAt!: string;

  @ApiProperty({
    type: 'string',
    format: 'date-time',
    nullable: true,
    description: "Its latest heartbeat as it stamped it (its own clock); null outside cluster mode, where there is none.",
  })
  lastHeartbeat!: string | null;

  @ApiProperty({ description: 'Agents connected to it.' })
  agents!: number;

  @ApiProperty({ type: [NodeRouteDto], description: 'The routes it has at least one agent of.' })
  routes!: NodeRouteDto[];
}

/** The cluster as this node sees it. */
export class NodesDto {
  @ApiProperty({ description: 'Whether cluster mode is on (config `clusterSecret`). Off, `nodes` is this process alone.' })
  cluster!: boolean;

  @ApiProperty({
    description:
      'Whether the cluster directory (Redis) is reachable and this node is written to it; always true outside cluster mode. ' +
      'False, the list is what this node last knew.',
  })
  healthy!: boolean;

  @ApiProperty({ type: [NodeDto], description: 'This node first, then the others by id.' })
  nodes!: NodeDto[];
}
