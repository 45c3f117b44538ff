import { Duration } from 'cdk8s';
import { IConstruct } from 'constructs';
import { fail } from '../core/errors';
import { INT32_MAX } from '../core/validation/rules';
import { ICertificateIssuer, IssuerKind } from './certificate-issuer';

// Helpers shared by the ingress constructs; not exported from the package.

const LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;

/**
 * Checks a public hostname: lower-case DNS labels, at least two of them, a top-level label
 * that is not numeric (no IP addresses), at most 253 characters, and a wildcard only as the
 * whole leftmost label (`*.example.com`) with at least two labels after it.
 */
export function checkHostname(scope: IConstruct, kind: string, prop: string, host: string): string {
  const problem = hostnameProblem(host);
  if (problem !== undefined) fail(scope, kind, prop, host, problem);
  return host;
}

/**
 * What is wrong with a public hostname, as `checkHostname` refuses it (the text after
 * "expected"); undefined when it is one. Settings that end up as hosts are checked with it.
 */
export function hostnameProblem(host: unknown): string | undefined {
  const allowed = 'a lower-case DNS name such as "shop.example.com" (labels of letters, digits and \'-\', '
    + 'at least two labels, no IP address, no trailing dot), or a wildcard "*.example.com" where \'*\' is the whole leftmost label';
  if (typeof host !== 'string' || host.length === 0 || host.length > 253) return allowed;
  if (host !== host.toLowerCase()) return `a lower-case DNS name ("${host.toLowerCase()}"): Kubernetes rejects upper-case hosts`;
  const labels = host.split('.');
  const wildcard = labels[0] === '*';
  if (host.includes('*') && (!wildcard || labels.slice(1).some((l) => l.includes('*')))) {
    return 'a wildcard only as the whole leftmost label ("*.example.com"); a wildcard matches exactly one label, so "a*.example.com" or "a.*.example.com" cannot be expressed';
  }
  const rest = wildcard ? labels.slice(1) : labels;
  if (rest.length < 2) {
    return wildcard ? 'a wildcard under a registrable domain, such as "*.example.com": no certificate authority issues "*.com"' : allowed;
  }
  if (rest.some((l) => l.length > 63 || !LABEL.test(l))) return allowed;
  if (/^[0-9]+$/.test(rest[rest.length - 1])) return 'a DNS name, not an IP address: an Ingress host and a certificate name must be DNS names';
  return undefined;
}

/** Whether a host is a wildcard name. */
export function isWildcard(host: string): boolean {
  return host.startsWith('*.');
}

/** Renders a Duration as a Go duration string for cert-manager ("720h", "90m", "45s"). */
export function goDuration(d: Duration): string {
  const seconds = d.toSeconds();
  if (seconds % 3600 === 0) return `${seconds / 3600}h`;
  if (seconds % 60 === 0) return `${seconds / 60}m`;
  return `${seconds}s`;
}

/** Checks a Duration for cert-manager: whole seconds, at least `minSeconds`. */
export function checkDuration(scope: IConstruct, kind: string, prop: string, d: Duration, minSeconds: number, hint: string): number {
  if (!(d instanceof Duration)) fail(scope, kind, prop, d, 'a Duration, such as Duration.days(30)');
  // Not toSeconds(): it throws its own error for Duration.millis(1500) or NaN.
  const ms = d.toMilliseconds({ integral: false });
  if (!Number.isFinite(ms) || ms % 1000 !== 0 || ms / 1000 < minSeconds) fail(scope, kind, prop, showDuration(d), hint);
  if (ms / 1000 > INT32_MAX) fail(scope, kind, prop, showDuration(d), `at most ${INT32_MAX} seconds (about 68 years)`);
  return ms / 1000;
}

/**
 * A Duration for an error message, whatever its amount: as a Go duration ("720h"), or in
 * seconds ("2592000s") with `inSeconds`; "1500ms" when it is not whole seconds.
 */
export function showDuration(d: Duration, inSeconds = false): string {
  const ms = d.toMilliseconds({ integral: false });
  if (!Number.isFinite(ms) || ms % 1000 !== 0) return `${ms}ms`;
  return inSeconds ? `${ms / 1000}s` : goDuration(Duration.seconds(ms / 1000));
}

/** An object name derived from a DNS name: "*.shop.example.com" -> "shop-example-com". */
export function nameFromDomain(domain: string): string {
  return domain.replace(/^\*\./, '').replace(/\./g, '-');
}

/** Describes an issuer for error messages. */
export function describeIssuer(issuer: ICertificateIssuer): string {
  const challenges = [
    ...(issuer.solvesHttp01 ? ['HTTP-01'] : []),
    ...(issuer.issuesWildcards ? ['DNS-01 or non-ACME'] : []),
  ];
  return `${issuer.issuerKind} "${issuer.issuerName}" (${challenges.join(', ') || 'no solver'})`;
}

/** A namespaced Issuer must be in the namespace of the certificate that names it. */
export function checkIssuerNamespace(scope: IConstruct, kind: string, issuer: ICertificateIssuer, namespace: string | undefined): void {
  if (issuer.issuerKind !== IssuerKind.ISSUER) return;
  const issuerNs = issuer.issuerNamespace;
  if (issuerNs !== undefined && issuerNs !== namespace) {
    fail(scope, kind, 'issuer', `Issuer "${issuer.issuerName}" in namespace ${issuerNs}`,
      `an Issuer in the certificate's namespace (${namespace ?? '(none)'}), or a ClusterIssuer: cert-manager only resolves a namespaced Issuer from its own namespace`);
  }
}
