/** Manifest builders and the hand-written app for traffic tests. */
import * as fs from 'fs';
import * as path from 'path';
import { parseAllDocuments } from 'yaml';

/** A small shop in two namespaces, with one blocked call (see the file's comment). */
export const FIXTURE_APP = path.join(__dirname, '..', 'fixtures', 'traffic', 'app.yaml');

export function fixtureManifests(): any[] {
  return parseAllDocuments(fs.readFileSync(FIXTURE_APP, 'utf8')).map((d) => d.toJS()).filter((m) => m);
}

export interface PortSpec {
  readonly containerPort: number;
  readonly name?: string;
  readonly protocol?: string;
}

/** A Deployment whose pods carry `labels` and listen on `ports`, with optional env. */
export function deployment(name: string, namespace: string, labels: { [k: string]: string }, ports: PortSpec[] = [], env: { [k: string]: string } = {}, extra: { [k: string]: any } = {}): any {
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name, namespace },
    spec: {
      selector: { matchLabels: labels },
      template: {
        metadata: { labels },
        spec: {
          containers: [{
            name: 'main',
            image: `registry.example.com/${name}:1.0.0`,
            ports: ports.length > 0 ? ports : undefined,
            env: Object.keys(env).length > 0 ? Object.entries(env).map(([k, v]) => ({ name: k, value: v })) : undefined,
          }],
          ...extra,
        },
      },
    },
  };
}

/** A ClusterIP Service selecting `selector`, with `port -> targetPort` entries. */
export function service(name: string, namespace: string, selector: { [k: string]: string }, ports: Array<{ port: number; targetPort?: number | string; name?: string; protocol?: string }>): any {
  return { apiVersion: 'v1', kind: 'Service', metadata: { name, namespace }, spec: { selector, ports } };
}

export function namespace(name: string, labels: { [k: string]: string } = {}): any {
  return { apiVersion: 'v1', kind: 'Namespace', metadata: { name, labels } };
}

export function policy(name: string, ns: string, spec: any): any {
  return { apiVersion: 'networking.k8s.io/v1', kind: 'NetworkPolicy', metadata: { name, namespace: ns }, spec };
}

export function configMap(name: string, ns: string, data: { [k: string]: string }): any {
  return { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name, namespace: ns }, data };
}
