/**
 * Classes generated from the CustomResourceDefinitions kept in `crds/`, for the objects an
 * app declares next to this library's constructs: external-secrets stores and
 * ExternalSecrets, SealedSecrets, cert-manager Certificates and prometheus-operator monitors
 * and rules, and Argo CD Applications. Use the unsuffixed (served) classes: the `...V1Beta1` classes of
 * external-secrets describe a version that the API server no longer serves.
 *
 * These classes write objects without the library's defaults: give them the recommended
 * labels (rule `labels`) yourself, or use the library's constructs (e.g. `ExternalSecretSource`).
 */
export * from '../imports/externalsecret-external-secrets.io';
export * from '../imports/secretstore-external-secrets.io';
export * from '../imports/clustersecretstore-external-secrets.io';
export * from '../imports/sealedsecret-bitnami.com';
export * from '../imports/certificate-cert-manager.io';
export * from '../imports/servicemonitor-monitoring.coreos.com';
export * from '../imports/podmonitor-monitoring.coreos.com';
export * from '../imports/prometheusrule-monitoring.coreos.com';
export * from '../imports/application-argoproj.io';
