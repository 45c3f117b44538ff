import { describe, expect, it } from 'vitest';
import { checkManifests } from '../../lib/practices/checker';
import { DEFAULT_OPTIONS } from '../../lib/practices/model';

const TAIL = ' (in pod settings the operator applies to the pods it makes; Pod Security admission judges those pods all the same)';
const meta = { name: 'x', namespace: 'shop' };
const podSecurity = (obj: any) => checkManifests([{ manifest: obj }], DEFAULT_OPTIONS).violations
  .filter((v) => v.rule === 'pod-security').map((v) => `${v.field}: ${v.message}`);

describe('pod-level settings where known custom resources put them are judged by pod-security', () => {
  it('an Argo Workflow\'s spec: hostNetwork, runAsUser 0, a hostPath volume, a podSpecPatch', () => {
    const wf = { apiVersion: 'argoproj.io/v1alpha1', kind: 'Workflow', metadata: meta, spec: {
      hostNetwork: true, securityContext: { runAsUser: 0 }, volumes: [{ name: 'h', hostPath: { path: '/' } }], podSpecPatch: '{"hostPID": true}',
      templates: [{ name: 'a', container: { image: 'alpine:3.19.1' } }],
    } };
    expect(podSecurity(wf)).toEqual([
      `spec.hostNetwork: shares the node's Network namespace (hostNetwork: true)${TAIL}`,
      `spec.podSpecPatch.hostPID: shares the node's PID namespace (hostPID: true)${TAIL}`,
      `spec.securityContext.runAsUser: runs as root (runAsUser: 0)${TAIL}`,
      `spec.volumes[0].hostPath: mounts the node's path / (hostPath volume "h")${TAIL}`,
    ]);
  });

  it('a Prometheus spec and its containers by name (no image), a Strimzi template.pod, a Spark driver template, a Flink podTemplate without image', () => {
    expect(podSecurity({ apiVersion: 'monitoring.coreos.com/v1', kind: 'Prometheus', metadata: meta, spec: { replicas: 2, hostNetwork: true, containers: [{ name: 'prometheus', securityContext: { privileged: true } }] } })).toEqual([
      `spec.containers[0].securityContext.privileged: container "prometheus" is privileged${TAIL}`,
      `spec.hostNetwork: shares the node's Network namespace (hostNetwork: true)${TAIL}`,
    ]);
    expect(podSecurity({ apiVersion: 'kafka.strimzi.io/v1beta2', kind: 'Kafka', metadata: meta, spec: { kafka: { replicas: 3, template: { pod: { hostIPC: true } } } } })).toEqual([
      `spec.kafka.template.pod.hostIPC: shares the node's IPC namespace (hostIPC: true)${TAIL}`,
    ]);
    expect(podSecurity({ apiVersion: 'sparkoperator.k8s.io/v1beta2', kind: 'SparkApplication', metadata: meta, spec: { image: 'spark:3.5.1', driver: { template: { spec: { hostNetwork: true, containers: [{ name: 'spark-kubernetes-driver', securityContext: { privileged: true } }] } } }, executor: { instances: 1 } } })).toEqual([
      `spec.driver.template.spec.containers[0].securityContext.privileged: container "spark-kubernetes-driver" is privileged${TAIL}`,
      `spec.driver.template.spec.hostNetwork: shares the node's Network namespace (hostNetwork: true)${TAIL}`,
    ]);
    expect(podSecurity({ apiVersion: 'flink.apache.org/v1beta1', kind: 'FlinkDeployment', metadata: meta, spec: { podTemplate: { spec: { containers: [{ name: 'flink-main-container', securityContext: { capabilities: { add: ['SYS_ADMIN'] } } }] } } } })).toEqual([
      `spec.podTemplate.spec.containers[0].securityContext.capabilities.add: container "flink-main-container" adds the capabilities SYS_ADMIN${TAIL}`,
    ]);
  });

  it('passes the same resources when they ask for nothing, and honours the hostNetwork exception', () => {
    expect(podSecurity({ apiVersion: 'argoproj.io/v1alpha1', kind: 'Workflow', metadata: meta, spec: { securityContext: { runAsUser: 10001 }, podSpecPatch: 'not json', templates: [{ name: 'a', container: { image: 'alpine:3.19.1' } }] } })).toEqual([]);
    expect(podSecurity({ apiVersion: 'monitoring.coreos.com/v1', kind: 'Prometheus', metadata: meta, spec: { replicas: 2, containers: [{ name: 'prometheus', securityContext: { privileged: false } }] } })).toEqual([]);
    const waived = { ...meta, annotations: { 'guardrails.cdk8s.io/skip.pod-security.hostNetwork': 'node exporter' } };
    const r = checkManifests([{ manifest: { apiVersion: 'monitoring.coreos.com/v1', kind: 'Prometheus', metadata: waived, spec: { hostNetwork: true } } }], DEFAULT_OPTIONS);
    expect(r.violations.filter((v) => v.rule === 'pod-security')).toEqual([]);
  });
});
