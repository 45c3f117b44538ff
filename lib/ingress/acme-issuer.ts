import { ApiObject, Chart, JsonPatch } from 'cdk8s';
import { Construct } from 'constructs';
import { fail } from '../core/errors';
import { checkKnownPropsAt } from '../core/shapes';
import { LABEL_COMPONENT, LABEL_INSTANCE, LABEL_MANAGED_BY, LABEL_NAME, MANAGED_BY } from '../core/labels';
import { checkConfigKey, checkDnsLabel, checkDnsSubdomain } from '../core/validate';
import { ClusterIssuer, ClusterIssuerSpecAcme, ClusterIssuerSpecAcmeSolvers } from '../imports/clusterissuer-cert-manager.io';
import { Issuer, IssuerSpecAcme } from '../imports/issuer-cert-manager.io';
import { ICertificateIssuer, IssuerChallenge, IssuerKind } from './certificate-issuer';
import { checkHostname } from './hostnames';
import { IngressController } from './ingress-controller';
import { joinApp } from '../core/collisions';

const KIND = 'AcmeIssuer';

/** An ACME directory (certificate authority endpoint). */
export class AcmeServer {
  /** Let's Encrypt production: trusted certificates, strict rate limits. */
  public static letsEncrypt(): AcmeServer {
    return new AcmeServer('https://acme-v02.api.letsencrypt.org/directory', 'letsencrypt-prod', false);
  }

  /** Let's Encrypt staging: untrusted certificates, generous rate limits; for trying things out. */
  public static letsEncryptStaging(): AcmeServer {
    return new AcmeServer('https://acme-staging-v02.api.letsencrypt.org/directory', 'letsencrypt-staging', true);
  }

  /** Another ACME directory by URL (https only). */
  public static custom(url: string, staging?: boolean): AcmeServer {
    return new AcmeServer(url, undefined, staging ?? false);
  }

  private constructor(
    /** The directory URL. */
    public readonly url: string,
    /** The usual issuer name for this server. */
    public readonly defaultIssuerName: string | undefined,
    /** Whether the server issues untrusted test certificates. */
    public readonly staging: boolean,
  ) {}
}

/** A key of a Secret that exists in the cluster (never a literal secret value). */
export interface SecretKeyReference {
  /** Name of the Secret (in cert-manager's namespace for a ClusterIssuer, else the Issuer's). */
  readonly secretName: string;
  /** Key in the Secret. */
  readonly key: string;
}

/** Names that a solver is limited to (cert-manager `selector`). */
export interface SolverSelectorOptions {
  /**
   * DNS zones the solver is used for (the zone and every name below it).
   * @default - every name
   */
  readonly dnsZones?: string[];
  /**
   * Exact DNS names the solver is used for.
   * @default - every name
   */
  readonly dnsNames?: string[];
}

/** An HTTP-01 solver served through an ingress controller. */
export interface Http01SolverOptions extends SolverSelectorOptions {
  /**
   * The controller that serves the challenge (its ingress class is used).
   * @default IngressController.traefik()
   */
  readonly controller?: IngressController;
}

/** A DNS-01 solver for a Cloudflare zone. */
export interface CloudflareSolverOptions extends SolverSelectorOptions {
  /** The Secret key that holds a Cloudflare API token with Zone:DNS:Edit permission. */
  readonly apiTokenSecret: SecretKeyReference;
}

/** A DNS-01 solver for an AWS Route53 hosted zone. */
export interface Route53SolverOptions extends SolverSelectorOptions {
  /** AWS region of the Route53 API. */
  readonly region: string;
  /**
   * Hosted zone ID.
   * @default - found by cert-manager from the name
   */
  readonly hostedZoneId?: string;
  /**
   * IAM role to assume.
   * @default - none
   */
  readonly role?: string;
  /**
   * Secret key that holds the access key ID (together with `secretAccessKeySecret`).
   * @default - ambient credentials (IRSA, pod identity or the node role)
   */
  readonly accessKeyIdSecret?: SecretKeyReference;
  /**
   * Secret key that holds the secret access key (together with `accessKeyIdSecret`).
   * @default - ambient credentials (IRSA, pod identity or the node role)
   */
  readonly secretAccessKeySecret?: SecretKeyReference;
}

interface SolverSpec {
  readonly challenge: IssuerChallenge;
  readonly ingressClassName?: string;
  readonly selector?: SolverSelectorOptions;
  readonly render: (scope: Construct, prop: string) => ClusterIssuerSpecAcmeSolvers;
}

/** One way for an ACME issuer to prove control of a name. */
export class AcmeSolver {
  /** HTTP-01 through an ingress controller's class (no wildcard names). */
  public static http01(options: Http01SolverOptions = {}): AcmeSolver {
    checkKnownPropsAt('AcmeSolver.http01()', 'Http01SolverOptions', options);
    const ingressClassName = (options.controller ?? IngressController.traefik()).ingressClassName;
    return new AcmeSolver({
      challenge: IssuerChallenge.HTTP01,
      ingressClassName,
      selector: options,
      render: () => ({ http01: { ingress: { ingressClassName } } }),
    });
  }

  /** DNS-01 through the Cloudflare API, with an API token from an existing Secret. */
  public static cloudflare(options: CloudflareSolverOptions): AcmeSolver {
    checkKnownPropsAt('AcmeSolver.cloudflare()', 'CloudflareSolverOptions', options);
    return new AcmeSolver({
      challenge: IssuerChallenge.DNS01,
      selector: options,
      render: (scope, prop) => ({
        dns01: { cloudflare: { apiTokenSecretRef: secretRef(scope, `${prop}.apiTokenSecret`, options.apiTokenSecret) } },
      }),
    });
  }

  /** DNS-01 through AWS Route53, with ambient credentials or keys from an existing Secret. */
  public static route53(options: Route53SolverOptions): AcmeSolver {
    checkKnownPropsAt('AcmeSolver.route53()', 'Route53SolverOptions', options);
    return new AcmeSolver({
      challenge: IssuerChallenge.DNS01,
      selector: options,
      render: (scope, prop) => {
        if (typeof options.region !== 'string' || !/^[a-z]{2}(-[a-z]+)+-[0-9]+$/.test(options.region)) {
          fail(scope, KIND, `${prop}.region`, options.region, 'an AWS region such as "eu-central-1"');
        }
        if ((options.accessKeyIdSecret === undefined) !== (options.secretAccessKeySecret === undefined)) {
          fail(scope, KIND, `${prop}.accessKeyIdSecret`, options.accessKeyIdSecret?.secretName,
            'both accessKeyIdSecret and secretAccessKeySecret, or neither (ambient credentials such as IRSA)');
        }
        return {
          dns01: {
            route53: {
              region: options.region,
              hostedZoneId: options.hostedZoneId,
              role: options.role,
              accessKeyIdSecretRef: options.accessKeyIdSecret
                ? secretRef(scope, `${prop}.accessKeyIdSecret`, options.accessKeyIdSecret) : undefined,
              secretAccessKeySecretRef: options.secretAccessKeySecret
                ? secretRef(scope, `${prop}.secretAccessKeySecret`, options.secretAccessKeySecret) : undefined,
            },
          },
        };
      },
    });
  }

  /** The challenge this solver answers. */
  public readonly challenge: IssuerChallenge;
  /** HTTP-01: the ingress class that serves the challenge. */
  public readonly ingressClassName?: string;

  private readonly spec: SolverSpec;

  private constructor(spec: SolverSpec) {
    this.spec = spec;
    this.challenge = spec.challenge;
    this.ingressClassName = spec.ingressClassName;
  }

  /** @internal */
  public _render(scope: Construct, prop: string): ClusterIssuerSpecAcmeSolvers {
    const solver = this.spec.render(scope, prop);
    const zones = this.spec.selector?.dnsZones;
    const names = this.spec.selector?.dnsNames;
    (zones ?? []).forEach((z, i) => checkHostname(scope, KIND, `${prop}.dnsZones[${i}]`, z));
    (names ?? []).forEach((n, i) => checkHostname(scope, KIND, `${prop}.dnsNames[${i}]`, n));
    const selector = (zones && zones.length > 0) || (names && names.length > 0)
      ? { dnsZones: zones && zones.length > 0 ? [...zones] : undefined, dnsNames: names && names.length > 0 ? [...names] : undefined }
      : undefined;
    return { ...solver, selector };
  }
}

function secretRef(scope: Construct, prop: string, ref: SecretKeyReference): { name: string; key: string } {
  if (ref === undefined || typeof ref !== 'object') {
    fail(scope, KIND, prop, ref, 'a reference to a key of an existing Secret: { secretName, key }');
  }
  checkDnsSubdomain(scope, KIND, `${prop}.secretName`, ref.secretName);
  checkConfigKey(scope, KIND, `${prop}.key`, ref.key);
  return { name: ref.secretName, key: ref.key };
}

/** Properties of an AcmeIssuer. */
export interface AcmeIssuerProps {
  /**
   * The ACME directory.
   * @default AcmeServer.letsEncrypt() (production)
   */
  readonly server?: AcmeServer;
  /**
   * Contact address of the ACME account.
   * @default - no contact address
   */
  readonly email?: string;
  /**
   * ClusterIssuer (usable from every namespace) or namespaced Issuer.
   * @default IssuerKind.CLUSTER_ISSUER
   */
  readonly kind?: IssuerKind;
  /**
   * Object name of the issuer.
   * @default 'letsencrypt-prod' or 'letsencrypt-staging' for Let's Encrypt, else the construct id
   */
  readonly name?: string;
  /**
   * How challenges are solved. HTTP-01 cannot issue wildcard names; add a DNS-01 solver
   * (Cloudflare, Route53) for wildcard certificates.
   * @default [AcmeSolver.http01()] (HTTP-01 through the Traefik ingress class)
   */
  readonly solvers?: AcmeSolver[];
  /**
   * Secret where cert-manager keeps the generated ACME account key.
   * @default '<name>-account-key'
   */
  readonly accountKeySecretName?: string;
}

/**
 * A cert-manager ACME issuer (Let's Encrypt production or staging by default) with HTTP-01
 * and DNS-01 solvers (rule `ingress-tls`). Solver credentials are always references to
 * existing Secrets, never literal values (rule `secret-no-plaintext`).
 */
export class AcmeIssuer extends Construct implements ICertificateIssuer {
  /** The ClusterIssuer or Issuer object. */
  public readonly resource: ApiObject;
  public readonly issuerName: string;
  public readonly issuerKind: IssuerKind;
  public readonly solvesHttp01: boolean;
  public readonly issuesWildcards: boolean;
  public readonly http01IngressClassNames: string[];
  /** The ACME directory URL. */
  public readonly serverUrl: string;

  constructor(scope: Construct, id: string, props: AcmeIssuerProps = {}) {
    super(scope, id);
    joinApp(this, KIND, props);
    const server = props.server ?? AcmeServer.letsEncrypt();
    if (typeof server.url !== 'string' || !/^https:\/\/[^\s/]+(\/\S*)?$/.test(server.url)) {
      fail(this, KIND, 'server', server.url, 'an https:// URL of an ACME directory');
    }
    this.serverUrl = server.url;
    this.issuerKind = props.kind ?? IssuerKind.CLUSTER_ISSUER;
    this.issuerName = checkDnsLabel(this, KIND, props.name === undefined ? 'name (taken from the server or the construct id)' : 'name',
      props.name ?? server.defaultIssuerName ?? id);
    if (props.email !== undefined && (typeof props.email !== 'string' || !/^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(props.email))) {
      fail(this, KIND, 'email', props.email, 'an e-mail address such as "ops@example.com"');
    }
    const solvers = props.solvers ?? [AcmeSolver.http01()];
    if (solvers.length === 0) {
      fail(this, KIND, 'solvers', solvers, 'at least one solver: AcmeSolver.http01(), AcmeSolver.cloudflare() or AcmeSolver.route53()');
    }
    const rendered = solvers.map((s, i) => s._render(this, `solvers[${i}]`));
    this.solvesHttp01 = solvers.some((s) => s.challenge === IssuerChallenge.HTTP01);
    this.issuesWildcards = solvers.some((s) => s.challenge === IssuerChallenge.DNS01);
    this.http01IngressClassNames = [...new Set(solvers.filter((s) => s.ingressClassName !== undefined).map((s) => s.ingressClassName!))];
    const accountKey = checkDnsSubdomain(this, KIND, 'accountKeySecretName', props.accountKeySecretName ?? `${this.issuerName}-account-key`);

    const acme: ClusterIssuerSpecAcme = {
      server: server.url,
      email: props.email,
      privateKeySecretRef: { name: accountKey },
      solvers: rendered,
    };
    const metadata = {
      name: this.issuerName,
      labels: {
        [LABEL_NAME]: this.issuerName,
        [LABEL_INSTANCE]: this.issuerName,
        [LABEL_COMPONENT]: 'certificate-issuer',
        [LABEL_MANAGED_BY]: MANAGED_BY,
      },
    };
    if (this.issuerKind === IssuerKind.CLUSTER_ISSUER) {
      this.resource = new ClusterIssuer(this, 'Resource', { metadata, spec: { acme } });
      // Cluster-scoped: the chart's namespace does not apply.
      if (Chart.of(this).namespace !== undefined) this.resource.addJsonPatch(JsonPatch.remove('/metadata/namespace'));
    } else {
      this.resource = new Issuer(this, 'Resource', { metadata, spec: { acme: acme as unknown as IssuerSpecAcme } });
    }
  }

  /** Namespace of a namespaced Issuer: the namespace of its chart. */
  public get issuerNamespace(): string | undefined {
    return this.issuerKind === IssuerKind.ISSUER ? Chart.of(this).namespace : undefined;
  }
}
