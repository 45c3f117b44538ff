import { Duration, Size } from 'cdk8s';
import { Cpu } from 'cdk8s-plus-27';
import { NetworkPeer, ProbeCheck, SafePodProps } from '../../lib';

const SIDE = 'ghcr.io/acme/proxy:2.0.1';
const PROXY = { name: 'proxy', image: SIDE, liveness: { check: ProbeCheck.exec(['/proxy', 'health']) } };
const MiB = 1024 * 1024;

// What the errors expect, by rule (the shared validation rules' words).
const SUBDOMAIN = "a DNS-1123 subdomain of at most 253 characters: lower-case letters, digits, '-' and '.'";
const QUALIFIED = "a key of the form [prefix/]name: an optional DNS-1123 subdomain prefix (at most 253 characters) and '/', then a name of 1 to 63 letters, digits, '-', '_' and '.', starting and ending with a letter or digit (e.g. \"app\" or \"example.com/team\")";
const LABEL_VALUE = "label value of at most 63 characters: letters, digits, '-', '_' and '.', starting and ending with a letter or digit";
const CONFIG_KEY = "a ConfigMap key of at most 253 characters: letters, digits, '-', '_' and '.', other than \".\" and \"..\" and not starting with \"..\"";
const CONFIG_MAX = "at most 1048576 bytes (1 MiB) of data in one ConfigMap, keys and values together: the API server refuses more; split the data or mount large files from a volume";
const ENV_NAME = "an environment variable name: letters, digits, '_', '-' and '.', not starting with a digit, other than \".\" and \"..\" and not starting with \"..\"";
const CLEAN_PATH = "an absolute path in clean form, such as \"/tmp\" or \"/var/cache/app\": starting with '/', without \"//\", \".\" or \"..\" segments or a trailing '/'";
const TWO_MOUNTS = "two mounts at one path are refused by the API server";
const QUANTITY = "a Kubernetes quantity such as \"250m\", \"0.5\", \"128Mi\", \"1Gi\" or \"1e3\"";
const BYTES = "a whole number of bytes from 0 to 9007199254740991 (about 8191 TiB)";
const REGISTRY = "a registry host or host/path such as \"ghcr.io\", \"registry.internal:5000\" or \"ghcr.io/acme\" (lower case, without \"https://\", a tag, a digest or a wildcard)";
const IMAGE_REF = "an image reference such as \"ghcr.io/acme/web:1.4.2\" or \"ghcr.io/acme/web@sha256:<64 hex>\"";
const CONTAINER_NAME = "a DNS-1123 label of at most 63 characters: lower-case letters, digits and '-', starting and ending with a letter or digit, unique in the pod";
const STRINGS = 'a list of strings';
const PRE_STOP = "endpoints and load balancers drop a stopping pod within seconds, and a longer wait only stalls rollouts and node drains";
const PULL_POLICY = 'ImagePullPolicy.ALWAYS, IF_NOT_PRESENT or NEVER ("Always", "IfNotPresent", "Never")';
const BOOLEAN = 'true or false (a boolean, not a string)';
const GRACE = "a pod that takes longer to stop blocks node maintenance";

/** [what, props, error text after "<Kind> at 'test/web': invalid "]; `serving` cases need a port. */
export type Case = [string, Partial<SafePodProps>, string];

export const CASES: { [group: string]: Case[] } = {
  'priorityClassName': [
    ['underscore', { priorityClassName: 'Critical_Class' },
      `priorityClassName "Critical_Class"; expected ${SUBDOMAIN}.`],
    ['empty', { priorityClassName: '' },
      `priorityClassName ""; expected ${SUBDOMAIN}.`],
    ['upper case', { priorityClassName: 'High' },
      `priorityClassName "High"; expected ${SUBDOMAIN}.`],
    ['too long', { priorityClassName: 'p'.repeat(254) },
      `priorityClassName "${'p'.repeat(254)}"; expected ${SUBDOMAIN}.`],
  ],
  'nodeSelector': [
    ['key with a space', { nodeSelector: { 'disk type': 'ssd' } },
      `nodeSelector key "disk type"; expected ${QUALIFIED}.`],
    ['value with a space', { nodeSelector: { 'node.kubernetes.io/instance-type': 'm5 large' } },
      `nodeSelector.node.kubernetes.io/instance-type "m5 large"; expected a ${LABEL_VALUE}.`],
    ['empty name after the prefix', { nodeSelector: { 'example.com/': 'x' } },
      `nodeSelector key "example.com/"; expected ${QUALIFIED}.`],
    ['value too long', { nodeSelector: { pool: 'v'.repeat(64) } },
      `nodeSelector.pool "${'v'.repeat(64)}"; expected a ${LABEL_VALUE}.`],
    ['arch that contradicts architecture', { architecture: 'arm64', nodeSelector: { 'kubernetes.io/arch': 'amd64' } },
      `nodeSelector.kubernetes.io/arch "amd64"; expected the same architecture as architecture (arm64), or only one of them.`],
  ],
  'labels': [
    ['empty version', { version: '' },
      `version ""; expected a non-empty ${LABEL_VALUE}.`],
    ['empty component', { component: '' },
      `component ""; expected a non-empty ${LABEL_VALUE}.`],
    ['empty partOf', { partOf: '' },
      `partOf ""; expected a non-empty ${LABEL_VALUE}.`],
    ['version with a space', { version: 'v1 beta' },
      `version "v1 beta"; expected a ${LABEL_VALUE}.`],
    ['partOf too long', { partOf: 'p'.repeat(64) },
      `partOf "${'p'.repeat(64)}"; expected a ${LABEL_VALUE}.`],
  ],
  'secretEnv': [
    ['empty secretName', { secretEnv: [{ name: 'TOKEN', secretName: '', key: 'token' }] },
      `secretEnv[0].secretName ""; expected ${SUBDOMAIN}.`],
    ['key with a path', { secretEnv: [{ name: 'TOKEN', secretName: 'api', key: '../k' }] },
      `secretEnv[0].key "../k"; expected ${CONFIG_KEY}.`],
    ['secretName with an underscore', { secretEnv: [{ name: 'TOKEN', secretName: 'Db_Creds', key: 'password' }] },
      `secretEnv[0].secretName "Db_Creds"; expected ${SUBDOMAIN}.`],
    ['name starting with a digit', { secretEnv: [{ name: 'A', secretName: 'a', key: 'a' }, { name: '1TOKEN', secretName: 'api', key: 'token' }] },
      `secretEnv[1].name "1TOKEN"; expected ${ENV_NAME}.`],
    ['reserved key', { secretEnv: [{ name: 'TOKEN', secretName: 'api', key: '..data' }] },
      `secretEnv[0].key "..data"; expected ${CONFIG_KEY}.`],
    ['sidecar secretName', { sidecars: [{ ...PROXY, secretEnv: [{ name: 'T', secretName: 'bad name', key: 'k' }] }] },
      `sidecars[0].secretEnv[0].secretName "bad name"; expected ${SUBDOMAIN}.`],
  ],
  'env and files': [
    ['file ..', { files: { '..': 'x' } },
      `files key ".."; expected ${CONFIG_KEY}.`],
    ['file ..data', { files: { '..data': 'x' } },
      `files key "..data"; expected ${CONFIG_KEY}.`],
    ['file with a slash', { files: { 'conf/app.yaml': 'x' } },
      `files key "conf/app.yaml"; expected ${CONFIG_KEY}.`],
    ['files over 1 MiB', { files: { 'a.bin': 'a'.repeat(MiB), 'b.txt': 'b' } },
      `files "(1048587 bytes in 2 keys)"; expected ${CONFIG_MAX}.`],
    ['env value not a string', { env: { PORT: 8080 as any } },
      `env.PORT 8080; expected a string (quote it: "8080").`],
    ['env and files together over 1 MiB', { env: { BIG: 'e'.repeat(MiB / 2) }, files: { 'big.txt': 'f'.repeat(MiB / 2) } },
      `env and files "(1048586 bytes in 2 keys)"; expected ${CONFIG_MAX}.`],
    ['sidecar env over 1 MiB', { sidecars: [{ ...PROXY, env: { BIG: 'e'.repeat(MiB + 1) } }] },
      `sidecars[0].env "(1048580 bytes in 1 keys)"; expected ${CONFIG_MAX}.`],
  ],
  'env names': [
    ['starting with a digit', { env: { '1BAD': 'x' } },
      `env "1BAD"; expected ${ENV_NAME}.`],
    ['with a space', { env: { 'A B': 'x' } },
      `env "A B"; expected ${ENV_NAME}.`],
    ['..-prefixed', { env: { '..x': 'x' } },
      `env "..x"; expected ${ENV_NAME}.`],
    ['sidecar env "."', { sidecars: [{ ...PROXY, env: { '.': 'x' } }] },
      `sidecars[0].env "."; expected ${ENV_NAME}.`],
  ],
  'durations': [
    ['preStopDelay of 365 days', { preStopDelay: Duration.days(365) },
      `preStopDelay "31536000s"; expected a duration from 0 to 300 seconds: ${PRE_STOP}.`],
    ['preStopDelay of 301 s', { preStopDelay: Duration.seconds(301) },
      `preStopDelay "301s"; expected a duration from 0 to 300 seconds: ${PRE_STOP}.`],
    ['preStopDelay of 1500 ms', { preStopDelay: Duration.millis(1500) },
      `preStopDelay "1500ms"; expected a whole number of seconds from 0 to 300 seconds: ${PRE_STOP}.`],
    ['shutdownTimeout of 2 h', { shutdownTimeout: Duration.hours(2) },
      `shutdownTimeout "7200s"; expected a duration from 0 to 3600 seconds: set terminationGracePeriod (up to a day) for a longer drain.`],
    ['shutdownTimeout NaN', { shutdownTimeout: Duration.seconds(NaN) },
      `shutdownTimeout "NaN"; expected a whole number of seconds from 0 to 3600 seconds: set terminationGracePeriod (up to a day) for a longer drain.`],
    ['terminationGracePeriod of 2 days', { terminationGracePeriod: Duration.days(2) },
      `terminationGracePeriod "172800s"; expected a duration from 1 to 86400 seconds: ${GRACE}.`],
    ['terminationGracePeriod of 0', { terminationGracePeriod: Duration.seconds(0) },
      `terminationGracePeriod "0s"; expected a duration from 1 to 86400 seconds: ${GRACE}.`],
  ],
  'metrics.interval': [
    ['2 hours', { port: 8080, metrics: { interval: Duration.hours(2) } },
      `metrics.interval "7200s"; expected a duration from 1 to 3600 seconds: Prometheus scrapes at least hourly.`],
    ['0 s', { port: 8080, metrics: { interval: Duration.seconds(0) } },
      `metrics.interval "0s"; expected a duration from 1 to 3600 seconds: Prometheus scrapes at least hourly.`],
    ['1500 ms', { port: 8080, metrics: { interval: Duration.millis(1500) } },
      `metrics.interval "1500ms"; expected a whole number of seconds from 1 to 3600 seconds: Prometheus scrapes at least hourly.`],
    ['NaN', { port: 8080, metrics: { interval: Duration.seconds(NaN) } },
      `metrics.interval "NaN"; expected a whole number of seconds from 1 to 3600 seconds: Prometheus scrapes at least hourly.`],
  ],
  'probe headers': [
    ['a number value', { port: 8080, readiness: { check: ProbeCheck.httpGet('/ready', { headers: { 'X-Try': 1 as any } }) } },
      `readiness.check.headers.X-Try 1; expected a string (quote numbers and booleans).`],
    ['a boolean value', { port: 8080, liveness: { check: ProbeCheck.httpGet('/live', { headers: { 'X-Deep': true as any } }) } },
      `liveness.check.headers.X-Deep true; expected a string (quote numbers and booleans).`],
    ['a name with a space', { port: 8080, readiness: { check: ProbeCheck.httpGet('/ready', { headers: { 'X Try': '1' } }) } },
      `readiness.check.headers "X Try"; expected an HTTP header name (RFC 7230 token).`],
    ['a name with a colon', { port: 8080, readiness: { check: ProbeCheck.httpGet('/ready', { headers: { 'Host:': 'a' } }) } },
      `readiness.check.headers "Host:"; expected an HTTP header name (RFC 7230 token).`],
  ],
  'mount paths': [
    ['configMountPath equal to a writable path', { files: { 'a.conf': 'x' }, configMountPath: '/tmp' },
      `writablePaths[0] "/tmp"; expected a path not already used by configMountPath: ${TWO_MOUNTS}.`],
    ['the same writable path twice', { writablePaths: ['/tmp', '/var/cache', '/tmp'] },
      `writablePaths[2] "/tmp"; expected a path not already used by writablePaths[0]: ${TWO_MOUNTS}.`],
    ['a trailing slash', { writablePaths: ['/tmp/'] },
      `writablePaths[0] "/tmp/"; expected ${CLEAN_PATH}.`],
    ['a .. segment', { files: { 'a.conf': 'x' }, configMountPath: '/etc/../etc/web' },
      `configMountPath "/etc/../etc/web"; expected ${CLEAN_PATH}.`],
    ['configMountPath without files', { configMountPath: '/etc/web' },
      `configMountPath "/etc/web"; expected no configMountPath: it is where \`files\` are mounted, and there are none.`],
    ['sidecar writable path twice', { sidecars: [{ ...PROXY, writablePaths: ['/cache', '/cache'] }] },
      `sidecars[0].writablePaths[1] "/cache"; expected a path not already used by sidecars[0].writablePaths[0]: ${TWO_MOUNTS}.`],
    ['writable path "/"', { writablePaths: ['/'] },
      `writablePaths[0] "/"; expected a path other than "/": the root filesystem stays read-only (rule pod-security).`],
  ],
  'resources': [
    ['cpu -1', { resources: { cpuRequest: Cpu.units(-1) } },
      `resources.cpuRequest "-1"; expected a positive CPU amount such as Cpu.millis(100).`],
    ['cpu NaN', { resources: { cpuRequest: Cpu.units(NaN) } },
      `resources.cpuRequest "NaN"; expected ${QUANTITY}.`],
    ['cpu limit 1e300 millicores', { resources: { cpuLimit: Cpu.millis(1e300) } },
      `resources.cpuLimit "1e+300m"; expected ${QUANTITY}.`],
    ['memory limit 1e300 GiB', { resources: { memoryLimit: Size.gibibytes(1e300) } },
      `resources.memoryLimit "Infinity"; expected ${BYTES}.`],
    ['ephemeral storage request NaN', { resources: { ephemeralStorageRequest: Size.mebibytes(NaN) } },
      `resources.ephemeralStorageRequest "NaN"; expected ${BYTES}.`],
    ['sidecar cpu Infinity', { sidecars: [{ ...PROXY, resources: { cpuRequest: Cpu.units(Infinity) } }] },
      `sidecars[0].resources.cpuRequest "Infinity"; expected ${QUANTITY}.`],
  ],
  'allowedRegistries': [
    ['a scheme', { allowedRegistries: ['https://ghcr.io'] },
      `allowedRegistries[0] "https://ghcr.io"; expected ${REGISTRY}.`],
    ['a wildcard', { allowedRegistries: ['ghcr.io', 'ghcr.io/*'] },
      `allowedRegistries[1] "ghcr.io/*"; expected ${REGISTRY}.`],
    ['upper case', { allowedRegistries: ['GHCR.io'] },
      `allowedRegistries[0] "GHCR.io"; expected ${REGISTRY}.`],
    ['a tag', { allowedRegistries: ['ghcr.io/acme/web:1.4.2'] },
      `allowedRegistries[0] "ghcr.io/acme/web:1.4.2"; expected ${REGISTRY}.`],
    ['not a list', { allowedRegistries: 'ghcr.io' as any },
      `allowedRegistries "ghcr.io"; expected a list of strings.`],
  ],
  'image digests': [
    ['40 hex', { image: `ghcr.io/acme/web@sha256:${'a'.repeat(40)}` },
      `image "ghcr.io/acme/web@sha256:${'a'.repeat(40)}"; expected ${IMAGE_REF}.`],
    ['63 hex', { image: `ghcr.io/acme/web@sha256:${'a'.repeat(63)}` },
      `image "ghcr.io/acme/web@sha256:${'a'.repeat(63)}"; expected ${IMAGE_REF}.`],
    ['upper-case hex', { image: `ghcr.io/acme/web@sha256:${'A'.repeat(64)}` },
      `image "ghcr.io/acme/web@sha256:${'A'.repeat(64)}"; expected ${IMAGE_REF}.`],
    ['sha1', { image: `ghcr.io/acme/web@sha1:${'a'.repeat(40)}` },
      `image "ghcr.io/acme/web@sha1:${'a'.repeat(40)}"; expected ${IMAGE_REF}.`],
  ],
  'container names': [
    ['underscore', { sidecars: [{ ...PROXY, name: 'log_shipper' }] },
      `sidecars[0].name "log_shipper"; expected ${CONTAINER_NAME}.`],
    ['64 characters', { initContainers: [{ name: 'i'.repeat(64), image: SIDE }] },
      `initContainers[0].name "${'i'.repeat(64)}"; expected ${CONTAINER_NAME}.`],
    ['a sidecar and an init container with one name', { sidecars: [{ ...PROXY }], initContainers: [{ name: 'proxy', image: SIDE }] },
      `initContainers[0].name "proxy"; expected a container name not used by another container of the pod (app, proxy).`],
    ['starting with -', { initContainers: [{ name: '-init', image: SIDE }] },
      `initContainers[0].name "-init"; expected ${CONTAINER_NAME}.`],
  ],
  'command and args': [
    ['a string instead of a list', { command: 'node server.js' as any },
      `command "node server.js"; expected ${STRINGS}.`],
    ['a number in args', { args: ['--port', 8080 as any] },
      `args[1] 8080; expected a string (quote it: "8080").`],
    ['a boolean in a sidecar command', { sidecars: [{ ...PROXY, command: ['/proxy', true as any] }] },
      `sidecars[0].command[1] true; expected a string (quote it: "true").`],
    ['an init container args object', { initContainers: [{ name: 'init', image: SIDE, args: { a: 1 } as any }] },
      `initContainers[0].args {"a":1}; expected ${STRINGS}.`],
  ],
  'imagePullPolicy': [
    ['lower case', { imagePullPolicy: 'always' as any },
      `imagePullPolicy "always"; expected ${PULL_POLICY}.`],
    ['unknown', { imagePullPolicy: 'OnChange' as any },
      `imagePullPolicy "OnChange"; expected ${PULL_POLICY}.`],
    ['empty', { imagePullPolicy: '' as any },
      `imagePullPolicy ""; expected ${PULL_POLICY}.`],
    ['on a sidecar', { sidecars: [{ ...PROXY, imagePullPolicy: 'IfNotPresent ' as any }] },
      `sidecars[0].imagePullPolicy "IfNotPresent "; expected ${PULL_POLICY}.`],
  ],
  'booleans': [
    ['readOnlyRootFilesystem as a string', { readOnlyRootFilesystem: 'false' as any },
      `readOnlyRootFilesystem "false"; expected ${BOOLEAN}.`],
    ['automountServiceAccountToken as a number', { automountServiceAccountToken: 1 as any },
      `automountServiceAccountToken 1; expected ${BOOLEAN}.`],
    ['secretEnv optional as a string', { secretEnv: [{ name: 'T', secretName: 'api', key: 'token', optional: 'true' as any }] },
      `secretEnv[0].optional "true"; expected ${BOOLEAN}.`],
    ['a port\'s exposed as a string', { ports: [{ name: 'admin', containerPort: 9901, exposed: 'false' as any }] },
      `ports[0].exposed "false"; expected ${BOOLEAN}.`],
    ['a sidecar\'s native as a string', { sidecars: [{ ...PROXY, native: 'no' as any }] },
      `sidecars[0].native "no"; expected ${BOOLEAN}.`],
  ],
  'peers': [
    ['allowFrom not a peer', { allowFrom: ['gateway' as any] },
      `allowFrom[0] "gateway"; expected a NetworkPeer such as NetworkPeer.pods({ app: 'gateway' }).`],
    ['allowTo not a list', { allowTo: NetworkPeer.cidr('10.0.0.0/8') as any },
      `allowTo (a NetworkPeer); expected a list of NetworkPeers.`],
    ['clusterDns not a peer', { clusterDns: {} as any },
      `clusterDns {}; expected a NetworkPeer such as NetworkPeer.pods({ app: 'gateway' }).`],
    ['metrics scraper with ports', { port: 8080, metrics: { scraper: NetworkPeer.namespace('monitoring').withPorts([{ port: 9090 }]) } },
      `metrics.scraper "namespace monitoring"; expected a peer without withPorts: the scrape is opened on the metrics port (8080).`],
  ],
};
