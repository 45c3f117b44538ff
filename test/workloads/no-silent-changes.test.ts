import { App, Duration, Size } from 'cdk8s';
import { describe, expect, it } from 'vitest';
import { IsolatedNamespace, SafeDeployment, SafeJob } from '../../lib';
import { errorOf, newChart, one, synth } from '../helpers';

const IMAGE = 'ghcr.io/acme/web:1.4.2';
const AT = "SafeDeployment at 'test/web': invalid";

function deployment(props: any): string {
  return errorOf(() => {
    const chart = newChart();
    new SafeDeployment(chart, 'web', { image: IMAGE, port: 8080, ...props });
    synth(chart);
  });
}

describe('an error names the prop that was set, not a field made from it', () => {
  it('shutdownTimeout 0 is blamed, not the grace period it makes', () => {
    expect(deployment({ shutdownTimeout: Duration.seconds(0) })).toBe(
      `${AT} shutdownTimeout "0s"; expected at least 1s: it is the time between SIGTERM and SIGKILL (terminationGracePeriodSeconds is preStopDelay plus shutdownTimeout); e.g. 20s.`);
    expect(errorOf(() => new SafeJob(newChart(), 'migrate', { image: IMAGE, shutdownTimeout: Duration.seconds(0) }))).toBe(
      `SafeJob at 'test/migrate': invalid shutdownTimeout "0s"; expected at least 1s: it is the time between SIGTERM and SIGKILL (terminationGracePeriodSeconds is preStopDelay plus shutdownTimeout); e.g. 20s.`);
  });

  it('a grace period that was set is blamed when it is too short', () => {
    expect(deployment({ terminationGracePeriod: Duration.seconds(5) })).toBe(
      `${AT} terminationGracePeriod "5s"; expected more than preStopDelay (10s), or SIGKILL arrives before the app has received SIGTERM; e.g. 30s.`);
  });

  it('a request above the preset\'s limit blames the request', () => {
    expect(deployment({ resources: { memoryRequest: Size.mebibytes(512) } })).toBe(
      `${AT} resources.memoryRequest "512Mi"; expected a request at most the limit of the preset (128Mi), or set memoryLimit too.`);
    expect(deployment({ resources: { memoryRequest: Size.mebibytes(512), memoryLimit: Size.mebibytes(256) } })).toBe(
      `${AT} resources.memoryLimit "256Mi"; expected a limit at least the request (512Mi).`);
  });

  it('a probe period below the default timeout blames the period', () => {
    expect(deployment({ readiness: { periodSeconds: 2 } })).toBe(
      `${AT} readiness.periodSeconds 2; expected more than readiness.timeoutSeconds (2, the default): set timeoutSeconds below 2 too.`);
    expect(() => new SafeDeployment(newChart(), 'web', { image: IMAGE, port: 8080, readiness: { periodSeconds: 2, timeoutSeconds: 1 } })).not.toThrow();
  });

  it('valid values pass', () => {
    const chart = newChart();
    new SafeDeployment(chart, 'web', { image: IMAGE, port: 8080, shutdownTimeout: Duration.seconds(1), resources: { memoryRequest: Size.mebibytes(512), memoryLimit: Size.mebibytes(512) } });
    const pod = one(synth(chart), 'Deployment').spec.template.spec;
    expect(pod.terminationGracePeriodSeconds).toBe(11);
    expect(pod.containers[0].resources.requests.memory).toBe('512Mi');
  });
});

describe('nothing given is dropped or changed without a word', () => {
  it('recommended labels on the chart of a namespace are refused: every object sets its own', () => {
    expect(errorOf(() => new IsolatedNamespace(new App(), 'shop', { team: 'shop', labels: { 'app.kubernetes.io/part-of': 'shop' } }))).toBe(
      "IsolatedNamespace at 'shop': invalid labels key \"app.kubernetes.io/part-of\"; expected no app.kubernetes.io/* label: each object sets its own recommended labels (name, instance, version, component, part-of, managed-by); set partOf, component or version on the workload instead, or use a label of your own prefix.");
    expect(errorOf(() => new IsolatedNamespace(new App(), 'shop', { team: 'shop', namespaceLabels: { 'app.kubernetes.io/name': 'x' } }))).toBe(
      "IsolatedNamespace at 'shop': invalid namespaceLabels \"app.kubernetes.io/name\"; expected no app.kubernetes.io/name label: the library sets it on every object of the namespace (\"isolated-namespace\" here).");
    const ns = new IsolatedNamespace(new App(), 'shop', { team: 'shop', labels: { 'acme.io/cost-center': '7' } });
    expect(ns.labels['acme.io/cost-center']).toBe('7');
  });

  it('an image tag that is no label value is refused, not rewritten into the version label', () => {
    expect(deployment({ image: 'ghcr.io/acme/web:1.4.2_-' })).toBe(
      `${AT} image tag (the app.kubernetes.io/version label) "1.4.2_-"; expected a tag that is also a label value (at most 63 characters, starting and ending with a letter or digit), or set \`version\` to the label value to write.`);
    const chart = newChart();
    new SafeDeployment(chart, 'web', { image: 'ghcr.io/acme/web:1.4.2_-', version: '1.4.2', port: 8080 });
    expect(one(synth(chart), 'Deployment').metadata.labels['app.kubernetes.io/version']).toBe('1.4.2');
    const tagged = newChart();
    new SafeDeployment(tagged, 'web', { image: 'ghcr.io/acme/web:2024-05-01_build.7', port: 8080 });
    expect(one(synth(tagged), 'Deployment').metadata.labels['app.kubernetes.io/version']).toBe('2024-05-01_build.7');
  });

  it('an empty allowedRegistries is refused: it allows nothing, or means nothing', () => {
    expect(deployment({ allowedRegistries: [] })).toBe(
      `${AT} allowedRegistries []; expected at least one registry, such as ['ghcr.io/acme'] (rule image-registry); leave allowedRegistries out to allow any registry.`);
  });

  it('a writable path or claim inside a read-only mount is refused', () => {
    expect(deployment({ files: { 'app.yaml': 'a: 1' }, configMountPath: '/etc/web', writablePaths: ['/tmp', '/etc/web/cache'] })).toBe(
      `${AT} writablePaths[1] "/etc/web/cache"; expected a path outside configMountPath "/etc/web": that mount is read-only, so the kubelet cannot create a mount point inside it and the pod never starts; choose a path elsewhere or move configMountPath.`);
    const chart = newChart();
    new SafeDeployment(chart, 'web', { image: IMAGE, port: 8080, files: { 'app.yaml': 'a: 1' }, configMountPath: '/etc/web', writablePaths: ['/etc/webcache'] });
    expect(one(synth(chart), 'Deployment').spec.template.spec.containers[0].volumeMounts.map((m: any) => m.mountPath)).toContain('/etc/webcache');
  });

  it('a second connectTo of the same peer and port is refused; another port is not', () => {
    const chart = newChart();
    const api = new SafeDeployment(chart, 'api', { image: IMAGE, ports: [{ name: 'http', containerPort: 8080 }, { name: 'grpc', containerPort: 9090 }] });
    const web = new SafeDeployment(chart, 'web', { image: IMAGE, port: 8080 });
    web.connectTo(api, 'http');
    web.connectTo(api, 'grpc');
    expect(errorOf(() => web.connectTo(api, 'http'))).toBe(
      "SafeDeployment at 'test/web': invalid connectTo \"api port http\"; expected a workload and port not connected yet: connectTo(api, 'http') was already called, and its rules are in place.");
    const other = newChart();
    const a = new SafeDeployment(other, 'api', { image: IMAGE, port: 8080 });
    const w = new SafeDeployment(other, 'web', { image: IMAGE, port: 8080 });
    w.connectTo(a);
    expect(errorOf(() => w.connectTo(a))).toBe(
      "SafeDeployment at 'test/web': invalid connectTo \"api\"; expected a workload and port not connected yet: connectTo(api) was already called, and its rules are in place.");
  });
});
