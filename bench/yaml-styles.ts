import { Document, isCollection, isPair } from 'yaml';

/**
 * A value as YAML with every collection from `fromDepth` down whose items are scalars or flow
 * collections written in flow style (`resources: {requests: {cpu: 100m}}`), as hand-written
 * and some Helm charts' YAML is. Used by the checker benchmark and the fast reader's tests.
 */
export function flowStyleYaml(value: unknown, fromDepth: number, options: object = {}): string {
  const doc = new Document(value, options as any);
  const flow = (node: unknown, depth: number): boolean => {
    if (!isCollection(node)) return true;
    let all = true;
    for (const item of node.items as unknown[]) if (!flow(isPair(item) ? item.value : item, depth + 1)) all = false;
    if (all && depth >= fromDepth) node.flow = true;
    return node.flow === true;
  };
  flow(doc.contents, 0);
  return doc.toString();
}
