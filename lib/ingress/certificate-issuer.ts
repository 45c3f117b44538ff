/** Scope of a cert-manager issuer. */
export enum IssuerKind {
  /** A cluster-wide `ClusterIssuer`, usable from every namespace. */
  CLUSTER_ISSUER = 'ClusterIssuer',
  /** A namespaced `Issuer`, usable only by Certificates in its own namespace. */
  ISSUER = 'Issuer',
}

/** How an issuer proves control of a name. */
export enum IssuerChallenge {
  /**
   * ACME HTTP-01: a solver pod answers on port 80 through the ingress controller. Cannot
   * issue wildcard names.
   */
  HTTP01 = 'HTTP-01',
  /** ACME DNS-01: a TXT record in the DNS zone. Can issue wildcard names. */
  DNS01 = 'DNS-01',
  /** Not ACME (a CA, Vault, or an external issuer): no challenge; wildcard names allowed. */
  NONE = 'none',
}

/** A cert-manager issuer that certificates can name in their `issuerRef`. */
export interface ICertificateIssuer {
  /** Name of the Issuer or ClusterIssuer. */
  readonly issuerName: string;
  /** ClusterIssuer or Issuer. */
  readonly issuerKind: IssuerKind;
  /** Namespace of a namespaced Issuer, when known. */
  readonly issuerNamespace?: string;
  /** Whether the issuer solves ACME HTTP-01 challenges (solver pods behind the controller). */
  readonly solvesHttp01: boolean;
  /** Whether the issuer can issue wildcard names (DNS-01 or not ACME at all). */
  readonly issuesWildcards: boolean;
  /** Ingress classes of the issuer's HTTP-01 solvers; empty when unknown or none. */
  readonly http01IngressClassNames: string[];
}

/** How an existing issuer works. */
export interface ExistingIssuerOptions {
  /**
   * The challenge the issuer solves: decides whether it can issue wildcard names and whether
   * ACME solver pods must be reachable from the ingress controller.
   * @default IssuerChallenge.HTTP01
   */
  readonly challenge?: IssuerChallenge;
  /**
   * Namespace of a namespaced Issuer (checked against the certificate's namespace).
   * @default - not checked
   */
  readonly namespace?: string;
}

/** A reference to an issuer that exists in the cluster already (not made by this app). */
export class IssuerReference implements ICertificateIssuer {
  /** A ClusterIssuer by name. */
  public static clusterIssuer(name: string, options: ExistingIssuerOptions = {}): IssuerReference {
    return new IssuerReference(name, IssuerKind.CLUSTER_ISSUER, options);
  }

  /** A namespaced Issuer by name (it must be in the namespace of the certificate). */
  public static issuer(name: string, options: ExistingIssuerOptions = {}): IssuerReference {
    return new IssuerReference(name, IssuerKind.ISSUER, options);
  }

  public readonly issuerName: string;
  public readonly issuerKind: IssuerKind;
  public readonly issuerNamespace?: string;
  public readonly solvesHttp01: boolean;
  public readonly issuesWildcards: boolean;
  public readonly http01IngressClassNames: string[] = [];
  /** The challenge the issuer solves. */
  public readonly challenge: IssuerChallenge;

  private constructor(name: string, kind: IssuerKind, options: ExistingIssuerOptions) {
    this.issuerName = name;
    this.issuerKind = kind;
    this.issuerNamespace = kind === IssuerKind.ISSUER ? options.namespace : undefined;
    this.challenge = options.challenge ?? IssuerChallenge.HTTP01;
    this.solvesHttp01 = this.challenge === IssuerChallenge.HTTP01;
    this.issuesWildcards = this.challenge !== IssuerChallenge.HTTP01;
  }
}
