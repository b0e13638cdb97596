import { nginxConfig, WORKER_PROCESSES } from '../../bench/nginx-config.js';

const conf = nginxConfig({ dir: '/tmp/harp-bench-nginx-x/', listenPort: 8081, upstreamPort: 9091 });

/** The directives inside the first block opened by `open` (one level, enough for these blocks). */
function block(text: string, open: string): string {
  const start = text.indexOf(`${open} {`);
  expect(start).toBeGreaterThanOrEqual(0);
  return text.slice(start, text.indexOf('}', start));
}

describe('nginxConfig', () => {
  it('runs in the foreground with one worker, everything it writes under the given directory', () => {
    expect(WORKER_PROCESSES).toBe(1);
    expect(conf).toMatch(/^daemon off;$/m);
    expect(conf).toMatch(/^worker_processes 1;$/m);
    for (const d of ['pid', 'lock_file', 'error_log', 'client_body_temp_path', 'proxy_temp_path', 'fastcgi_temp_path', 'uwsgi_temp_path', 'scgi_temp_path', 'proxy_cache_path']) {
      expect(conf).toMatch(new RegExp(`^\\s*${d} /tmp/harp-bench-nginx-x/\\S+`, 'm'));
    }
    expect(conf).toMatch(/^\s*access_log off;$/m);
  });

  it('keeps up to 64 idle connections to the upstream', () => {
    expect(block(conf, 'upstream bench_upstream')).toMatch(/server 127\.0\.0\.1:9091;\s+keepalive 64;/);
    expect(conf).toMatch(/listen 127\.0\.0\.1:8081 /);
  });

  it('proxies every location over HTTP/1.1 keep-alive, streaming bodies', () => {
    for (const location of ['location /', 'location /c']) {
      const b = block(conf, location);
      expect(b).toContain('proxy_pass http://bench_upstream;');
      expect(b).toContain('proxy_http_version 1.1;');
      expect(b).toContain('proxy_set_header Connection "";');
      expect(b).toContain('proxy_request_buffering off;');
    }
  });

  it('caches only the cacheable paths', () => {
    expect(block(conf, 'location /')).not.toContain('proxy_cache ');
    expect(block(conf, 'location /c')).toContain('proxy_cache bench;');
  });

  it('names a worker user only when asked (the bench runs as root)', () => {
    expect(conf).not.toMatch(/^user /m);
    expect(nginxConfig({ dir: '/d', listenPort: 1, upstreamPort: 2, user: 'root' })).toMatch(/^user root;$/m);
  });
});
