// The small part of autocannon 9's API the bench uses (the package ships no types).
declare module 'autocannon' {
  interface Client {
    pipelinedRequests: { addBody(data: Buffer): void };
  }
  interface Options {
    url: string;
    connections?: number;
    duration?: number;
    pipelining?: number;
    timeout?: number;
    method?: string;
    body?: Buffer | string;
    headers?: Record<string, string>;
    setupClient?: (client: Client) => void;
  }
  interface Histogram {
    average: number;
    total: number;
    p50: number;
    p99: number;
  }
  interface Result {
    duration: number;
    requests: Histogram;
    throughput: Histogram;
    latency: Histogram;
    errors: number;
    timeouts: number;
    non2xx: number;
    mismatches: number;
  }
  interface Tracker extends Promise<Result> {
    on(event: 'response', listener: (client: Client, statusCode: number, bytes: number, latencyMs: number) => void): this;
  }
  function autocannon(options: Options): Tracker;
  export default autocannon;
}
