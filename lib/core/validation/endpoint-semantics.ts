/**
 * The API server's validation of the ports of a v1 Endpoints subset and of an EndpointSlice
 * that an OpenAPI schema cannot say: port numbers, protocols, and names (required on each port
 * of a subset with several; unique in a slice, where an unset name is ""). Rules by definition,
 * run by the structural check (schema.ts) wherever the definition appears.
 *
 * Written from Kubernetes' validation (pkg/apis/core/validation: validateEndpointSubsets,
 * validateEndpointPort; pkg/apis/discovery/validation: validatePorts), Kubernetes 1.30 to 1.37.
 */
import { dns1123LabelProblem, portProblem } from './rules';
import type { DefinitionRule } from './structural-rule';
import type { SchemaFindings } from './schema';
import { at, given, isObject, list, oneOfText } from './rule-helpers';

/** The protocols of an endpoint port (supportedPortProtocols). */
export const ENDPOINT_PROTOCOLS: readonly string[] = ['TCP', 'UDP', 'SCTP'];

/** What both kinds check on one port: a known protocol ("" is TCP) and a DNS-1123 label as name. */
function portCommon(p: { [key: string]: any }, here: string, f: SchemaFindings): void {
  if (typeof p.protocol === 'string' && p.protocol !== '' && !ENDPOINT_PROTOCOLS.includes(p.protocol)) {
    f.bad(at(here, 'protocol'), p.protocol, `${oneOfText(ENDPOINT_PROTOCOLS)} (the IP protocol; an application protocol such as HTTP goes in appProtocol)`);
  }
  if (typeof p.name === 'string' && p.name !== '') {
    const problem = dns1123LabelProblem(p.name);
    if (problem) f.bad(at(here, 'name'), p.name, problem);
  }
}

const endpointSubset: DefinitionRule = (s, field, f) => {
  if (list(s.addresses).length === 0 && list(s.notReadyAddresses).length === 0) {
    f.say(field, 'has neither addresses nor notReadyAddresses; the API server requires at least one address in each subset');
  }
  const ports = list(s.ports);
  ports.forEach((p, i) => {
    if (!isObject(p)) return;
    const here = `${at(field, 'ports')}[${i}]`;
    if (typeof p.port === 'number' && portProblem(p.port)) f.bad(at(here, 'port'), p.port, portProblem(p.port)!);
    if (ports.length > 1 && (!given(p.name) || p.name === '')) {
      f.say(at(here, 'name'), `is unset; the API server requires a name on each port of a subset with ${ports.length} ports`);
    }
    portCommon(p, here, f);
  });
};

const endpointSlicePorts: DefinitionRule = (eps, field, f) => {
  const seen = new Map<string, number>();
  list(eps.ports).forEach((p, i) => {
    if (!isObject(p)) return;
    const here = `${at(field, 'ports')}[${i}]`;
    portCommon(p, here, f);
    if (given(p.name) && typeof p.name !== 'string') return;
    const name: string = p.name ?? '';
    const first = seen.get(name);
    if (first === undefined) { seen.set(name, i); return; }
    f.say(at(here, 'name'), name === ''
      ? `is unset, as on ports[${first}]; the API server refuses two ports of one slice with one name (an unset name is ""): name them`
      : `${JSON.stringify(name)} is the name of ports[${first}] too; the API server refuses two ports of one slice with one name`);
  });
};

/** Rules by definition (schema/k8s-openapi.json names). */
export const ENDPOINT_RULES: { readonly [definition: string]: DefinitionRule } = {
  'api.core.v1.EndpointSubset': endpointSubset,
  'api.discovery.v1.EndpointSlice': endpointSlicePorts,
};
