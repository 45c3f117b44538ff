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
