import { describe, expect, it } from 'vitest';
import { ServiceDirectory, isHostKey } from '../../lib/traffic/addresses';
import { readTrafficModel } from '../../lib/traffic/model';
import { service } from './fixtures';

const directory = new ServiceDirectory(readTrafficModel([
  service('api', 'shop', { app: 'api' }, [{ port: 8080, name: 'http' }, { port: 9090, name: 'metrics' }]),
  service('web', 'shop', { app: 'web' }, [{ port: 80, targetPort: 8080 }]),
  service('redis', 'shop', { app: 'redis' }, [{ port: 6379 }]),
  service('db', 'data', { app: 'db' }, [{ port: 5432 }]),
]).services);

/** `service@ports` for every address found. */
function found(text: string, key?: string, namespace = 'shop'): string[] {
  return directory.find(text, namespace, key).map((f) => `${f.address} -> ${f.service.namespace}/${f.service.name}@${f.ports.map((p) => p.port).join('+')}`);
}

describe('addresses of the app\'s Services', () => {
  it('name:port, in the caller\'s namespace', () => {
    expect(found('api:8080')).toEqual(['api:8080 -> shop/api@8080']);
    expect(found('api:8080', undefined, 'other')).toEqual([]);
  });

  it('name.ns, name.ns.svc and name.ns.svc.cluster.local, with and without a port, from any namespace', () => {
    expect(found('db.data:5432', undefined, 'shop')).toEqual(['db.data:5432 -> data/db@5432']);
    expect(found('db.data.svc')).toEqual(['db.data.svc -> data/db@5432']);
    expect(found('db.data.svc.cluster.local:5432')).toEqual(['db.data.svc.cluster.local:5432 -> data/db@5432']);
    expect(found('api.shop')).toEqual(['api.shop -> shop/api@8080+9090']);
  });

  it('URLs: the port written, the scheme\'s port, or any port of the Service', () => {
    expect(found('http://api.shop.svc.cluster.local:8080/v1/orders?x=1')).toEqual(['http://api.shop.svc.cluster.local:8080 -> shop/api@8080']);
    expect(found('http://web/')).toEqual(['http://web -> shop/web@80']);
    expect(found('redis://redis/0')).toEqual(['redis://redis -> shop/redis@6379']);
    expect(found('mongodb://user:secret@api:8080,db.data:5432/orders')).toEqual([
      'mongodb://api:8080 -> shop/api@8080',
      'mongodb://db.data:5432 -> data/db@5432',
    ]);
  });

  it('addresses inside longer texts: lists, flags, config lines', () => {
    expect(found('--upstream=api:8080,redis:6379')).toEqual(['api:8080 -> shop/api@8080', 'redis:6379 -> shop/redis@6379']);
    expect(found('upstream:\n  - api:9090\n')).toEqual(['api:9090 -> shop/api@9090']);
    expect(found('Connect to db.data.svc.')).toEqual(['db.data.svc -> data/db@5432']);
  });

  it('a bare name only as the whole value of a key that names a host', () => {
    expect(found('redis', 'REDIS_HOST')).toEqual(['redis -> shop/redis@6379']);
    expect(found('"redis"', 'cacheAddr')).toEqual(['redis -> shop/redis@6379']);
    expect(found('redis', 'ROLE')).toEqual([]);
    expect(found('use redis for sessions', 'SESSION_URL')).toEqual([]);
    expect(found('cache:\n  host: redis\n  port: 6379\n')).toEqual(['redis -> shop/redis@6379']);
    expect(found('[cache]\nserver = "redis"\n')).toEqual(['redis -> shop/redis@6379']);
    expect(found('cache:\n  engine: redis\n')).toEqual([]);
  });

  it('no false positives: other ports, other names, external hosts, prose, IPs', () => {
    expect(found('redis:7')).toEqual([]);
    expect(found('image: redis:7.2')).toEqual([]);
    expect(found('myapi:8080')).toEqual([]);
    expect(found('api-v2:8080')).toEqual([]);
    expect(found('api.example.com:8080')).toEqual([]);
    expect(found('https://api.example.com/')).toEqual([]);
    expect(found('the api is slow')).toEqual([]);
    expect(found('10.0.0.1:8080')).toEqual([]);
    expect(found('http://web:8080/')).toEqual([]);
    expect(found('config/api.shop.yaml')).toEqual([]);
  });
});

describe('isHostKey', () => {
  it('upper and lower case words, separators and camelCase', () => {
    expect(['CART_SERVICE_ADDR', 'REDIS_HOST', 'API_URL', 'OTEL_EXPORTER_OTLP_ENDPOINT', 'host', 'api-url', 'cacheAddr', 'apiURL', 'db.hostname'].filter((k) => !isHostKey(k))).toEqual([]);
    expect(['ghost', 'ROLE', 'HOSTS_ALLOWED', 'curl', 'PORT'].filter(isHostKey)).toEqual([]);
  });
});

describe('texts with neither a colon nor a dot', () => {
  it('hold an address only as the whole value of a host key, or as a line of a file', () => {
    expect(found('redis', 'LOG_LEVEL')).toEqual([]);
    expect(found('talk to redis now', 'GREETING')).toEqual([]);
    expect(found('redis', 'REDIS_HOST')).toEqual(['redis -> shop/redis@6379']);
    expect(found('host = redis')).toEqual(['redis -> shop/redis@6379']);
  });

  it('while a colon or a dot under any key is still read', () => {
    expect(found('redis:6379', 'LOG_LEVEL')).toEqual(['redis:6379 -> shop/redis@6379']);
    expect(found('db.data', 'GREETING')).toEqual(['db.data -> data/db@5432']);
  });
});
