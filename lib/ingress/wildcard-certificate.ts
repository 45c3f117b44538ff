import { ApiObject, Chart, Duration } from 'cdk8s';
import { Construct } from 'constructs';
import { fail } from '../core/errors';
import { LABEL_COMPONENT, LABEL_INSTANCE, LABEL_MANAGED_BY, LABEL_NAME, MANAGED_BY } from '../core/labels';
import { checkDnsLabel, checkDnsSubdomain } from '../core/validate';
import { Certificate, CertificateSpecPrivateKeyRotationPolicy } from '../imports/certificate-cert-manager.io';
import { ICertificateIssuer } from './certificate-issuer';
import { checkDuration, checkHostname, checkIssuerNamespace, describeIssuer, goDuration, isWildcard, nameFromDomain } from './hostnames';
import { joinApp } from '../core/collisions';

const KIND = 'WildcardCertificate';

/** Properties of a WildcardCertificate. */
export interface WildcardCertificateProps {
  /** The domain: the certificate is for `*.<domain>` (one label below it). */
  readonly domain: string;
  /**
   * The issuer. It must issue wildcard names: ACME only does so over DNS-01.
   */
  readonly issuer: ICertificateIssuer;
  /**
   * Also include the domain itself (`example.com` next to `*.example.com`).
   * @default true
   */
  readonly includeApex?: boolean;
  /**
   * Object name of the Certificate.
   * @default '<domain with dashes>-wildcard', e.g. 'example-com-wildcard'
   */
  readonly name?: string;
  /**
   * Secret that cert-manager writes the certificate and key to.
   * @default '<name>-tls'
   */
  readonly secretName?: string;
  /**
   * How long before expiry cert-manager renews the certificate.
   * @default Duration.days(30)
   */
  readonly renewBefore?: Duration;
  /**
   * Requested lifetime of the certificate.
   * @default - the issuer's (90 days for Let's Encrypt)
   */
  readonly duration?: Duration;
}

/**
 * One cert-manager Certificate for `*.<domain>` (and the domain itself) that every
 * TlsIngress of the namespace can share for hosts one label below the domain (rule
 * `ingress-wildcard`): one certificate instead of one per host, fewer issuer rate limits.
 * A TLS Secret is only visible in its own namespace: make one per namespace.
 */
export class WildcardCertificate extends Construct {
  /** The cert-manager Certificate. */
  public readonly certificate: ApiObject;
  /** The domain below which names are covered. */
  public readonly domain: string;
  /** The names of the certificate. */
  public readonly dnsNames: string[];
  /** The Secret the certificate is stored in. */
  public readonly secretName: string;
  /** The issuer. */
  public readonly issuer: ICertificateIssuer;

  constructor(scope: Construct, id: string, props: WildcardCertificateProps) {
    super(scope, id);
    joinApp(this, KIND, props);
    this.domain = checkHostname(this, KIND, 'domain', props.domain);
    if (isWildcard(this.domain)) {
      fail(this, KIND, 'domain', props.domain, `the domain without "*." ("${this.domain.slice(2)}"): the certificate is made for "*.<domain>"`);
    }
    this.issuer = props.issuer;
    if (!props.issuer || !props.issuer.issuesWildcards) {
      fail(this, KIND, 'issuer', props.issuer ? describeIssuer(props.issuer) : undefined,
        'an issuer that can issue wildcard names: ACME issues "*.<domain>" only over DNS-01 (HTTP-01 cannot prove control of every name below a domain); '
        + 'use an AcmeIssuer with AcmeSolver.cloudflare() or AcmeSolver.route53(), or IssuerReference with challenge IssuerChallenge.DNS01');
    }
    const name = checkDnsLabel(this, KIND, props.name === undefined ? 'name (derived from the domain)' : 'name',
      props.name ?? `${nameFromDomain(this.domain)}-wildcard`);
    this.secretName = checkDnsSubdomain(this, KIND, 'secretName', props.secretName ?? `${name}-tls`);
    this.dnsNames = [`*.${this.domain}`, ...((props.includeApex ?? true) ? [this.domain] : [])];
    checkIssuerNamespace(this, KIND, props.issuer, Chart.of(this).namespace);
    const renewBefore = checkDuration(this, KIND, 'renewBefore', props.renewBefore ?? Duration.days(30), 300,
      'at least 5 minutes, in whole seconds (cert-manager\'s minimum)');
    let duration: number | undefined;
    if (props.duration !== undefined) {
      duration = checkDuration(this, KIND, 'duration', props.duration, 3600, 'at least 1 hour, in whole seconds (cert-manager\'s minimum)');
      if (renewBefore >= duration) {
        fail(this, KIND, 'renewBefore', goDuration(Duration.seconds(renewBefore)), `less than duration (${goDuration(Duration.seconds(duration))})`);
      }
    }

    this.certificate = new Certificate(this, 'Certificate', {
      metadata: {
        name,
        labels: {
          [LABEL_NAME]: name,
          [LABEL_INSTANCE]: name,
          [LABEL_COMPONENT]: 'certificate',
          [LABEL_MANAGED_BY]: MANAGED_BY,
        },
      },
      spec: {
        secretName: this.secretName,
        dnsNames: [...this.dnsNames],
        issuerRef: { name: props.issuer.issuerName, kind: props.issuer.issuerKind, group: 'cert-manager.io' },
        renewBefore: goDuration(Duration.seconds(renewBefore)),
        duration: duration !== undefined ? goDuration(Duration.seconds(duration)) : undefined,
        privateKey: { rotationPolicy: CertificateSpecPrivateKeyRotationPolicy.ALWAYS },
      },
    });
  }

  /** Namespace of the certificate and its Secret: the namespace of its chart. */
  public get namespaceName(): string | undefined {
    return Chart.of(this).namespace;
  }

  /**
   * Whether the certificate is valid for `host`: a name exactly one label below the domain,
   * the wildcard name itself, or the domain when the apex is included.
   */
  public covers(host: string): boolean {
    if (this.dnsNames.includes(host)) return true;
    const suffix = `.${this.domain}`;
    if (!host.endsWith(suffix)) return false;
    const label = host.slice(0, -suffix.length);
    return label.length > 0 && !label.includes('.') && label !== '*';
  }
}
