import { describe, expect, it } from 'vitest';
import { App, messages } from './helpers';

/** config-external: URLs that name things (XML namespaces, schemas, licenses, docs) are not endpoints. */
const c0 = (a: App) => a.deployment.spec.template.spec.containers[0];
const env = (name: string, value: string) => (a: App) => { c0(a).env = [{ name, value }]; };
const args = (list: string[]) => (a: App) => { c0(a).args = list; };
const TAIL = 'but proxies and endpoints outside the cluster differ per environment';

describe('config-external: identifiers and documents are not endpoints', () => {
  it.each<[string, string]>([
    ['XSD_TYPE_BASE', 'http://www.w3.org/2001/XMLSchema'],
    ['XHTML', 'http://www.w3.org/1999/xhtml'],
    ['FOAF', 'http://xmlns.com/foaf/0.1/'],
    ['DUBLIN_CORE', 'http://purl.org/dc/elements/1.1/'],
    ['SOAP_ENV', 'http://schemas.xmlsoap.org/soap/envelope/'],
    ['WORD_MAIN', 'http://schemas.openxmlformats.org/wordprocessingml/2006/main'],
    ['APP_CONFIG', '{"$schema": "https://example.com/app/config-v2", "level": "info"}'],
    ['SAML_META', '<EntityDescriptor xmlns="urn:oasis:names:tc:SAML:2.0:metadata" xmlns:ds="http://example.com/xmldsig#"/>'],
    ['CONFIG_XML', '<c xsi:schemaLocation="http://example.com/cfg http://example.com/cfg.xsd"/>'],
    ['LICENSE_URL', 'https://example.com/legal/eula'],
    ['APP_LICENSE', 'https://spdx.org/licenses/Apache-2.0'],
    ['DOCS_URL', 'https://example.com/handbook'],
    ['HELP_URL', 'https://support.example.com/app'],
    ['LINK', 'https://docs.example.com/app/setup'],
    ['RDF_NS', 'https://example.com/vocab#'],
    ['SCHEMA_URL', 'https://registry.example.com/app.avsc'],
  ])('passes %s=%s', (name, value) => {
    expect(messages('config-external', env(name, value))).toEqual([]);
  });

  it('passes identifier flags, and flags the endpoint beside them', () => {
    expect(messages('config-external', args(['--xmlns=http://www.w3.org/2001/XMLSchema', '--schema-url', 'https://registry.example.com/s']))).toEqual([]);
    expect(messages('config-external', args(['--namespace-uri=http://example.com/ns-v1', '--upstream=https://api.example.com'])))
      .toEqual([`Deployment web: container "app": args[1] is a literal in the pod spec ("--upstream=https://api.example.com"), pointing at api.example.com, ${TAIL}`]);
  });

  it.each<[string, string, string]>([
    ['API_URL', 'https://api.example.com/v1', 'api.example.com'],
    // A schema URL first does not hide the endpoint after it.
    ['APP_CONFIG', '{"$schema": "https://json-schema.org/draft/2020-12/schema", "upstream": "https://api.example.com"}', 'api.example.com'],
    ['SERVICE_NS_URL', 'https://w3.example.com/api', 'w3.example.com'],
    ['UPSTREAM', 'http://www.w3.org.evil.example.com/x', 'www.w3.org.evil.example.com'],
  ])('flags %s=%s', (name, value, host) => {
    expect(messages('config-external', env(name, value))).toEqual([
      `Deployment web: container "app": env ${name} is a literal in the pod spec ("${value.length > 60 ? value.slice(0, 57) + '...' : value}"), pointing at ${host}, ${TAIL}`,
    ]);
  });
});

describe('config-external: IP addresses of both families', () => {
  const flagged = (what: string, value: string, host: string) =>
    `Deployment web: container "app": ${what} is a literal in the pod spec ("${value}"), pointing at ${host}, ${TAIL}`;

  it.each<[string, string]>([
    ['LISTEN', '[::]:8080'],
    ['LISTEN', '::'],
    ['LISTEN_ADDR', '[::]:9090'],
    ['LISTEN', '0.0.0.0:8080'],
    ['BIND', '[0:0:0:0:0:0:0:0]:80'],
    ['LISTEN', '[::1]:8080'],
    ['PEER', '::1'],
    ['PEER', '127.0.0.2:8080'],
    ['PEER', '[::ffff:127.0.0.1]:8080'],
    ['PEER', '::ffff:0.0.0.0'],
    ['API', 'http://[::1]:8080/x'],
    ['TARGET', 'ipv6:[::1]:50051'],
    // Not addresses: a MAC address, a time, a ratio, a class path.
    ['MAC', '00:1a:2b:3c:4d:5e'],
    ['AT', '02:30:00'],
    ['RATIO', '16:9'],
    ['CLASSPATH', 'lib/a.jar:lib/b.jar'],
  ])('passes %s=%s: the pod itself, or every interface it listens on', (name, value) => {
    expect(messages('config-external', env(name, value))).toEqual([]);
  });

  it('passes any-address and loopback binds in args', () => {
    expect(messages('config-external', args(['--listen=[::]:8080', '--metrics-bind-address=[::]:9090', '--health=[::1]:8081', '--bind', '::']))).toEqual([]);
  });

  it.each<[string, string, string]>([
    ['ADDR', '2606:4700:4700::1111', '2606:4700:4700::1111'],
    ['ADDR', '203.0.113.5', '203.0.113.5'],
    ['PEER', '[2001:db8::1]:5432', '[2001:db8::1]'],
    ['PEER', 'fd12:3456:789a::10', 'fd12:3456:789a::10'],
    ['PEER', 'fe80::1%eth0', 'fe80::1%eth0'],
    ['PEER', '[fe80::1%eth0]:8080', '[fe80::1%eth0]'],
    ['PEER', '::ffff:203.0.113.5', '::ffff:203.0.113.5'],
    ['API', 'http://[2606:4700::1111]:8080/x', '[2606:4700::1111]'],
    ['RESOLVERS', '10.0.0.10,2606:4700:4700::1111', '10.0.0.10'],
  ])('flags %s=%s: an address of one network', (name, value, host) => {
    expect(messages('config-external', env(name, value))).toEqual([flagged(`env ${name}`, value, host)]);
  });

  it('flags a public IPv6 address in args, bare or bracketed', () => {
    expect(messages('config-external', args(['--upstream=2606:4700:4700::1111', '--peer', '[2001:db8::7]:7000']))).toEqual([
      flagged('args[0]', '--upstream=2606:4700:4700::1111', '2606:4700:4700::1111'),
      flagged('args[2]', '[2001:db8::7]:7000', '[2001:db8::7]'),
    ]);
  });
});

describe('config-external: NO_PROXY lists what bypasses the proxy, not an endpoint', () => {
  it.each<[string, string]>([
    ['NO_PROXY', 'localhost,127.0.0.1,.svc,.cluster.local,10.0.0.0/8,api.example.com'],
    ['no_proxy', 'localhost,.svc'],
  ])('passes %s=%s', (name, value) => {
    expect(messages('config-external', env(name, value))).toEqual([]);
    expect(messages('config-external', args([`--${name.toLowerCase().replace('_', '-')}=${value}`]))).toEqual([]);
  });
  it.each<[string, string, string]>([
    ['HTTPS_PROXY', 'http://proxy.corp.example.com:3128', 'proxy.corp.example.com'],
    ['http_proxy', 'http://10.1.2.3:3128', '10.1.2.3'],
  ])('flags %s=%s', (name, value, host) => {
    expect(messages('config-external', env(name, value))).toEqual([`Deployment web: container "app": env ${name} is a literal in the pod spec ("${value}"), pointing at ${host}, ${TAIL}`]);
  });
});

describe('config-external: proxy settings under other names', () => {
  it.each<[string, string]>([
    ['NOPROXY', '.example.com,example.org'],
    ['NO_PROXY_HOSTS', 'api.example.com'],
    ['JAVA_TOOL_OPTIONS', '-Dhttp.nonProxyHosts=*.example.com|localhost -Xmx512m'],
  ])('passes %s=%s (a list of exceptions)', (name, value) => {
    expect(messages('config-external', env(name, value))).toEqual([]);
  });
  it.each<[string, string, string]>([
    ['JAVA_TOOL_OPTIONS', '-Xmx512m -Dhttps.proxyHost=proxy.example.com -Dhttps.proxyPort=3128', 'proxy.example.com'],
    ['JAVA_OPTS', '-DsocksProxyHost=10.1.2.3', '10.1.2.3'],
  ])('flags %s=%s', (name, value, host) => {
    expect(messages('config-external', env(name, value))).toEqual([`Deployment web: container "app": env ${name} is a literal in the pod spec ("${value.length > 60 ? value.slice(0, 57) + '...' : value}"), pointing at ${host}, ${TAIL}`]);
  });
});
