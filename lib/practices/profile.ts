import { findRule } from './catalog';

/**
 * A set of rules of the catalog. `RESTRICTED` (the default) is every rule; `BASELINE` is the
 * Pod Security "baseline" level plus pinned images, probes and resources, for apps on their
 * way to the full set.
 */
export class Profile {
  /** Every rule of the catalog; Pod Security "restricted". */
  public static readonly RESTRICTED = new Profile('restricted');
  /** Pod Security "baseline" plus pinned images, allowed registries, probes, resources, TLS and no plaintext Secrets. */
  public static readonly BASELINE = new Profile('baseline');

  /** The profile with this name ('restricted' or 'baseline'), or undefined. */
  public static fromName(name: string): Profile | undefined {
    return [Profile.RESTRICTED, Profile.BASELINE].find((p) => p.name === name);
  }

  private constructor(
    /** The profile's name, as in the catalog and the `--profile` option. */
    public readonly name: string,
  ) {}

  /** Whether the profile includes a rule. */
  public includes(ruleId: string): boolean {
    return findRule(ruleId)?.profiles.includes(this.name) ?? false;
  }
}
