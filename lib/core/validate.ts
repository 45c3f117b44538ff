import { IConstruct } from 'constructs';
import { fail } from './errors';

const DNS_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
const DNS_SUBDOMAIN = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;
const LABEL_VALUE = /^(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?$/;
const ENV_NAME = /^[-._a-zA-Z][-._a-zA-Z0-9]*$/;
const CONFIG_KEY = /^[-._a-zA-Z0-9]+$/;

/** A DNS-1123 label (Service, Namespace and most object names that become DNS names). */
export function checkDnsLabel(scope: IConstruct, kind: string, prop: string, value: string, maxLength = 63): string {
  if (typeof value !== 'string' || value.length > maxLength || !DNS_LABEL.test(value)) {
    fail(scope, kind, prop, value, `a DNS-1123 label of at most ${maxLength} characters: lower-case letters, digits and '-', starting and ending with a letter or digit`);
  }
  return value;
}

/** A DNS-1123 subdomain (most object names). */
export function checkDnsSubdomain(scope: IConstruct, kind: string, prop: string, value: string): string {
  if (typeof value !== 'string' || value.length > 253 || !DNS_SUBDOMAIN.test(value)) {
    fail(scope, kind, prop, value, 'a DNS-1123 subdomain of at most 253 characters: lower-case letters, digits, \'-\' and \'.\'');
  }
  return value;
}

export function isLabelValue(value: string): boolean {
  return value.length <= 63 && LABEL_VALUE.test(value);
}

export function checkLabelValue(scope: IConstruct, kind: string, prop: string, value: string): string {
  if (typeof value !== 'string' || !isLabelValue(value)) {
    fail(scope, kind, prop, value, 'a label value of at most 63 characters: letters, digits, \'-\', \'_\' and \'.\', starting and ending with a letter or digit');
  }
  return value;
}

export function checkEnvName(scope: IConstruct, kind: string, prop: string, value: string): string {
  if (!ENV_NAME.test(value)) {
    fail(scope, kind, prop, value, 'an environment variable name: letters, digits, \'_\', \'-\' and \'.\', not starting with a digit');
  }
  return value;
}

export function checkConfigKey(scope: IConstruct, kind: string, prop: string, value: string): string {
  if (value.length > 253 || !CONFIG_KEY.test(value)) {
    fail(scope, kind, prop, value, 'a ConfigMap key: letters, digits, \'-\', \'_\' and \'.\'');
  }
  return value;
}

/** An integer within [min, max]. */
export function checkInt(scope: IConstruct, kind: string, prop: string, value: number, min: number, max: number): number {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < min || value > max) {
    fail(scope, kind, prop, value, `an integer from ${min} to ${max}`);
  }
  return value;
}
