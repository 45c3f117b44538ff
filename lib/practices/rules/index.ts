/**
 * Rule id -> implementation. Every rule of the catalog has one, except the "app" group
 * (`override`, `deterministic`, `environments`): those are properties of the library and of
 * how an app is written (escape hatches, byte-identical synth, typed settings per
 * environment), not of any single object, so no manifest can break them. The library's own
 * tests verify them.
 */
import { RuleCheck } from '../context';
import { apiValid } from './api-valid';
import { ingressBackend, ingressDns, ingressRedirect, ingressTls, ingressWildcard } from './ingress';
import { kindFields } from './kind-fields';
import { nsDefaultDeny, nsLimits, nsPodSecurity, nsQuota, nsRbac } from './namespace';
import { podSecurity } from './pod-security';
import { configImmutable, labels, metrics, pdb, serviceAccount } from './relations';
import { secretNoPlaintext } from './secret';
import { checkBlockedCalls, checkExposure } from '../../traffic/rule';
import {
  archExplicit, configExternal, gracefulShutdown, imagePinned, imageRegistry, probeLiveness, probeReadiness, replicasMin,
  resources, rollout, rwoVolume, spreadNodes, spreadZones,
} from './workload';

export const RULE_CHECKS: readonly RuleCheck[] = [
  { id: 'image-pinned', check: imagePinned },
  { id: 'image-registry', check: imageRegistry },
  { id: 'replicas-min', check: replicasMin },
  { id: 'spread-nodes', check: spreadNodes },
  { id: 'spread-zones', check: spreadZones },
  { id: 'probe-readiness', check: probeReadiness },
  { id: 'probe-liveness', check: probeLiveness },
  { id: 'graceful-shutdown', check: gracefulShutdown },
  { id: 'pdb', check: pdb },
  { id: 'resources', check: resources },
  { id: 'pod-security', check: podSecurity },
  { id: 'service-account', check: serviceAccount },
  { id: 'arch-explicit', check: archExplicit },
  { id: 'config-immutable', check: configImmutable },
  { id: 'config-external', check: configExternal },
  { id: 'rwo-volume', check: rwoVolume },
  { id: 'rollout', check: rollout },
  { id: 'kind-fields', check: kindFields },
  { id: 'metrics', check: metrics },
  { id: 'labels', check: labels },
  { id: 'network-calls', check: checkBlockedCalls },
  { id: 'network-exposure', check: checkExposure },
  { id: 'ns-pod-security', check: nsPodSecurity },
  { id: 'ns-default-deny', check: nsDefaultDeny },
  { id: 'ns-quota', check: nsQuota },
  { id: 'ns-limits', check: nsLimits },
  { id: 'ns-rbac', check: nsRbac },
  { id: 'ingress-tls', check: ingressTls },
  { id: 'ingress-redirect', check: ingressRedirect },
  { id: 'ingress-dns', check: ingressDns },
  { id: 'ingress-wildcard', check: ingressWildcard },
  { id: 'ingress-backend', check: ingressBackend },
  { id: 'secret-no-plaintext', check: secretNoPlaintext },
  { id: 'api-valid', check: apiValid },
];
