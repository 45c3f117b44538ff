import { nearest } from '../core/nearest';
import { registryPrefixProblem, unknownKeyProblem } from '../core/validation/rules';
import { findRule, isSwitchable, notSwitchableWhy, RULE_IDS } from './catalog';
import { DEFAULT_OPTIONS, ResolvedOptions } from './model';
import { GuardrailsOptions } from './types';
import { Profile } from './profile';

/**
 * Which option an error is about, so that a caller with its own syntax (the CLI's flags) can
 * word it: the option's name in GuardrailsOptions, and for an entry of a list its index, of
 * `disabledRules` its rule id.
 */
export interface OptionAt {
  readonly option: string;
  readonly entry?: number | string;
}

/** Reports an invalid option: property (`allowedRegistries[1]`, `disabledRules.pdb`), value, what is allowed, and which option it is. */
export type OptionError = (property: string, value: unknown, allowed: string, at?: OptionAt) => never;

function strings(list: unknown, property: string, error: OptionError): string[] {
  if (list === undefined) return [];
  if (!Array.isArray(list)) error(property, list, 'a list of strings', { option: property });
  (list as unknown[]).forEach((s, i) => {
    if (typeof s !== 'string' || s.trim() === '') error(`${property}[${i}]`, s, 'a non-empty string', { option: property, entry: i });
  });
  return (list as string[]).map((s) => s.trim());
}

/** The options of GuardrailsOptions; any other key is a misspelling. */
export const OPTION_KEYS: readonly string[] = [
  'profile', 'allowedRegistries', 'requireDigest', 'pinnedTagPattern', 'requireArchitecture',
  'externalServiceAccounts', 'externalServices', 'externalSecrets', 'disabledRules',
];

/** `allowedRegistries`: each entry a registry host (with an optional port) or `host/path`. */
function registries(list: unknown, error: OptionError): string[] {
  const entries = strings(list, 'allowedRegistries', error);
  entries.forEach((e, i) => {
    const problem = registryPrefixProblem(e);
    if (problem) error(`allowedRegistries[${i}]`, (list as string[])[i], problem, { option: 'allowedRegistries', entry: i });
  });
  return entries;
}

/** Validates and normalizes options. */
export function resolveOptions(options: GuardrailsOptions | undefined, error: OptionError): ResolvedOptions {
  if (options !== undefined && (options === null || typeof options !== 'object' || Array.isArray(options))) {
    error('options', options, `an object with the options ${OPTION_KEYS.join(', ')}`);
  }
  const o = options ?? {};
  const unknown = unknownKeyProblem(o, OPTION_KEYS);
  if (unknown !== undefined) {
    const near = nearest(unknown, OPTION_KEYS);
    error(`option ${unknown}`, (o as any)[unknown], `one of the options ${OPTION_KEYS.join(', ')}${near ? ` (did you mean ${near}?)` : ''}`);
  }
  const profile = o.profile ?? Profile.RESTRICTED;
  if (!(profile instanceof Profile) && Profile.fromName(String((profile as any)?.name ?? profile)) === undefined) {
    error('profile', profile, 'Profile.RESTRICTED or Profile.BASELINE', { option: 'profile' });
  }
  const profileName = (profile instanceof Profile ? profile : Profile.fromName(String((profile as any)?.name ?? profile))!).name;
  const disabled = new Map<string, string>();
  for (const id of Object.keys(o.disabledRules ?? {}).sort()) {
    const reason = o.disabledRules![id];
    const rule = findRule(id);
    const at = { option: 'disabledRules', entry: id };
    if (!rule) error(`disabledRules.${id}`, id, `a rule id of the catalog: ${RULE_IDS.join(', ')}`, at);
    if (rule!.group === 'app') error(`disabledRules.${id}`, id, `a rule that the checker runs; ${id} is a property of the library, not of objects`, at);
    if (!isSwitchable(rule!)) error(`disabledRules.${id}`, id, `a rule that can be switched off (${notSwitchableWhy(id)})`, at);
    if (typeof reason !== 'string' || reason.trim() === '') error(`disabledRules.${id}`, reason, 'a non-empty reason: switching a rule off must say why', at);
    disabled.set(id, reason.trim());
  }
  for (const flag of ['requireDigest', 'requireArchitecture'] as const) {
    if (o[flag] !== undefined && typeof o[flag] !== 'boolean') error(flag, o[flag], 'true or false', { option: flag });
  }
  if (o.pinnedTagPattern !== undefined) {
    let ok = typeof o.pinnedTagPattern === 'string' && o.pinnedTagPattern !== '';
    try { if (ok) new RegExp(o.pinnedTagPattern); } catch { ok = false; }
    if (!ok) error('pinnedTagPattern', o.pinnedTagPattern, 'a non-empty regular expression that a whole image tag must match', { option: 'pinnedTagPattern' });
  }
  return {
    ...DEFAULT_OPTIONS,
    pinnedTagPattern: o.pinnedTagPattern,
    profile: profileName as 'restricted' | 'baseline',
    allowedRegistries: registries(o.allowedRegistries, error),
    requireDigest: o.requireDigest ?? false,
    requireArchitecture: o.requireArchitecture ?? false,
    externalServiceAccounts: strings(o.externalServiceAccounts, 'externalServiceAccounts', error),
    externalServices: strings(o.externalServices, 'externalServices', error),
    externalSecrets: strings(o.externalSecrets, 'externalSecrets', error),
    disabledRules: disabled,
  };
}

/** An OptionError that names where the options were given. */
export function optionError(where: string): OptionError {
  return (property, value, allowed) => {
    throw new Error(`${where}: invalid ${property} ${JSON.stringify(value) ?? String(value)}; expected ${allowed}.`);
  };
}
