import { IConstruct } from 'constructs';

/**
 * Throws the library's standard error for bad input: it names the construct path, the
 * property, the value given and what is allowed, so the fix is obvious from the message.
 */
export function fail(scope: IConstruct, kind: string, property: string, value: unknown, allowed: string): never {
  failAt(`${kind} at '${scope.node.path}'`, property, value, allowed);
}

/**
 * The same error where there is no construct yet: `where` names the call, e.g.
 * "NetworkPeer.cidr()".
 */
export function failAt(where: string, property: string, value: unknown, allowed: string): never {
  throw new Error(errorText(where, property, value, allowed));
}

/** The text of the library's standard error, for validations that return messages. */
export function errorText(where: string, property: string, value: unknown, allowed: string, shown = show(value)): string {
  return `${where}: invalid ${property} ${shown}; expected ${allowed}.`;
}

/** Renders a value for an error message. */
export function show(value: unknown): string {
  if (value === undefined) return '(undefined)';
  if (typeof value === 'string') return JSON.stringify(value);
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  try {
    return JSON.stringify(value);
  } catch {
    return String(value);
  }
}
