/**
 * Whether a literal value is a plain-text secret (rule `secret-no-plaintext`): by its format
 * (a known token, a private key, a password in a connection string) whatever its name, or by a
 * name that says it is a secret with a value that is not obviously something else. The texts
 * returned never hold the value.
 */

/** Formats that are secrets under any name. */
const FORMATS: Array<[RegExp, string]> = [
  [/-----BEGIN ([A-Z0-9]+ )*PRIVATE KEY( BLOCK)?-----/, 'holds private-key material'],
  [/\bgh[pousr]_[A-Za-z0-9]{20,}/, 'holds a GitHub token'],
  [/\bgithub_pat_[A-Za-z0-9_]{20,}/, 'holds a GitHub token'],
  [/\b[sr]k_live_[A-Za-z0-9]{10,}/, 'holds a Stripe live key'],
  [/\b(AKIA|ASIA)[0-9A-Z]{16}\b/, 'holds an AWS access key'],
  [/\bxox[abprs]-[A-Za-z0-9-]{10,}/, 'holds a Slack token'],
  [/\beyJ[A-Za-z0-9_-]{8,}\.eyJ[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]*/, 'holds a JSON Web Token'],
];

/** A URL whose user info has a password: `scheme://user:password@host`. */
const URL_PASSWORD = /\b[a-z][a-z0-9+.-]*:\/\/[^\s/?#@:]*:([^\s/?#@]+)@/i;
/** A password in a connection string: `?password=`, `&password=`, `Password=...;`, `pwd=`. */
const CONN_PASSWORD = /(^|[?&;\s])(password|pwd|passwd)=([^&;\s"']+)/i;
/** A template or variable reference, not a value: `$(X)`, `${X}`, `{{ .x }}`, `%(x)s`. */
const REFERENCE = /^(\$\(\w+\)|\$\{[^}]+\}|\{\{.*\}\}|%\(\w+\)s)$/;

/** Why a value is a secret whatever its name (its format), or undefined. */
export function secretFormatProblem(value: string): string | undefined {
  for (const [re, problem] of FORMATS) if (re.test(value)) return problem;
  if (authorizationCredential(value)) return 'holds an HTTP Authorization credential';
  const url = URL_PASSWORD.exec(value);
  if (url && !REFERENCE.test(url[1])) return 'is a URL with a password in it';
  const conn = CONN_PASSWORD.exec(value);
  if (conn && !REFERENCE.test(conn[3])) return 'is a connection string with a password in it';
  return undefined;
}

/**
 * Whether the value holds `Basic <base64 of user:password>` or `Bearer <token>` (a token of 16
 * characters or more with a digit, so that prose such as "Bearer tokens expire" is not one).
 */
function authorizationCredential(value: string): boolean {
  for (const m of value.matchAll(/(?:^|[\s"'=:])(Basic|Bearer) ([A-Za-z0-9+/=._~-]{8,})/g)) {
    if (m[1] === 'Basic' && /^[A-Za-z0-9+/]+={0,2}$/.test(m[2]) && Buffer.from(m[2], 'base64').toString('latin1').includes(':')) return true;
    if (m[1] === 'Bearer' && m[2].length >= 16 && /\d/.test(m[2]) && /[A-Za-z]/.test(m[2])) return true;
  }
  return false;
}

/** Words of a name that make it a secret. */
const SECRET_WORDS = new Set(['PWD', 'PASS', 'TOKEN', 'TOKENS', 'SECRET', 'SECRETS', 'APIKEY', 'CREDENTIAL', 'CREDENTIALS', 'CREDS', 'AUTHORIZATION']);
/** Words that make the name a secret as part of a longer word: PGPASSWORD, DBPASSWD. */
const SECRET_PARTS = /PASSWORD|PASSWD|PASSPHRASE/;
/** `KEY` is a secret after these words: API_KEY, SIGNING_KEY, SESSION_KEY... */
const KEY_WORDS = new Set(['API', 'PRIVATE', 'SIGNING', 'ENCRYPTION', 'SESSION', 'SECRET', 'MASTER', 'HMAC', 'LICENSE', 'CLIENT']);
/** Words after the secret word that say the variable is a setting about a secret, not one. */
const SETTING_WORDS = new Set([
  'TTL', 'TIMEOUT', 'EXPIRY', 'EXPIRES', 'EXPIRE', 'EXPIRATION', 'LIFETIME', 'AGE', 'SECONDS', 'SECS', 'MINUTES', 'MINS', 'HOURS', 'DAYS', 'MS',
  'LENGTH', 'LEN', 'SIZE', 'MIN', 'MAX', 'COUNT', 'LIMIT', 'INTERVAL', 'RETRIES', 'ROTATION', 'RESET', 'REFRESH',
  'ENABLED', 'ENABLE', 'DISABLED', 'REQUIRED', 'TYPE', 'KIND', 'ALGORITHM', 'ALG', 'ISSUER', 'AUDIENCE', 'FORMAT', 'ENCODING',
  'BACKEND', 'PROVIDER', 'STORE', 'SCOPE', 'SCOPES', 'COOKIE', 'HASHER', 'ROLE', 'METHOD', 'MODE', 'POLICY', 'STRATEGY',
  'HEADER', 'PORT', 'HOST', 'FIELD', 'PARAM', 'PREFIX',
]);
/** First words that make the variable a setting: MAX_TOKENS, ENABLE_TOKEN_AUTH. */
const SETTING_FIRST = new Set(['MAX', 'MIN', 'NUM', 'ENABLE', 'DISABLE', 'USE', 'REQUIRE']);
/** Last words that make the variable point at a secret; the value must then look like a pointer. */
const POINTER_WORDS = new Set(['FILE', 'PATH', 'DIR', 'URL', 'URI', 'ENDPOINT', 'NAME', 'REF']);
/** Values that are settings, not secrets. */
const SETTING_VALUE = /^(true|false|yes|no|on|off|none|null|disabled|enabled|required|optional)$/i;
const NUMBER = /^-?\d+(\.\d+)?$/;
const DURATION = /^(\d+(\.\d+)?(ns|us|µs|ms|s|m|h|d|w))+$/;
/** Enum-like values seen in settings about secrets. */
const KNOWN_VALUES = new Set([
  'client_secret_basic', 'client_secret_post', 'client_secret_jwt', 'private_key_jwt', 'tls_client_auth',
  'vault', 'aws', 'gcp', 'azure', 'kubernetes', 'env', 'file', 'memory', 'redis', 'database', 'sops',
  'argon2', 'argon2id', 'bcrypt', 'scrypt', 'pbkdf2', 'sha256', 'sha512', 'hs256', 'hs512', 'rs256', 'es256',
  'jwt', 'opaque', 'basic', 'bearer', 'header', 'cookie', 'query', 'tls', 'mtls', 'oauth', 'oauth2', 'oidc', 'ldap', 'saml', 'iam',
]);
const FILE_NAME = /^[\w-]+(\.[\w-]+)*\.(txt|json|ya?ml|pem|crt|cert|key|p12|pfx|jks|env|conf|cfg|ini|toml|properties|secret|token)$/i;
const URL = /^[a-z][a-z0-9+.-]*:\/\//i;
const DNS_NAME = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;

/** The words of a name, upper case: `db.password` and `dbPassword` -> DB, PASSWORD. */
function words(name: string): string[] {
  return name.replace(/([a-z0-9])([A-Z])/g, '$1_$2').toUpperCase().split(/[^A-Z0-9]+/).filter((w) => w !== '');
}

/** Index of the last word that says the name is a secret, or -1. */
function lastSecretWord(ws: string[]): number {
  for (let i = ws.length - 1; i >= 0; i--) {
    const w = ws[i];
    if (SECRET_WORDS.has(w) || SECRET_PARTS.test(w)) return i;
    if (w === 'KEY' && i > 0 && KEY_WORDS.has(ws[i - 1])) return i;
    if (w === 'AUTH' && i === ws.length - 1 && i > 0) return i; // REDIS_AUTH, not AUTH_METHOD
  }
  return -1;
}

/** How a name says its value is a secret: 'password' (any value counts), 'secret', or undefined. */
export function secretName(name: string): 'password' | 'secret' | 'pointer' | undefined {
  const ws = words(name);
  const i = lastSecretWord(ws);
  if (i < 0 || SETTING_FIRST.has(ws[0])) return undefined;
  const after = ws.slice(i + 1);
  if (after.some((w) => SETTING_WORDS.has(w))) return undefined;
  if (after.length > 0 && POINTER_WORDS.has(after[after.length - 1])) return 'pointer';
  return SECRET_PARTS.test(ws[i]) || ws[i] === 'PWD' || ws[i] === 'PASS' ? 'password' : 'secret';
}

/**
 * Why a literal value is a plain-text secret, or undefined. The value counts when its format
 * is a secret's (whatever the name), or when the name says it is a secret and the value is not
 * obviously something else: empty, a boolean, a reference to another variable, a path, a file
 * name, a URL without credentials; for names that are not about passwords also a number, a
 * duration or a known enum-like value. A name that points at a secret (`_FILE`, `_PATH`,
 * `_URL`, `_NAME`) needs a value that looks like what it points with.
 */
export function plaintextSecretProblem(name: string, value: string): string | undefined {
  const format = secretFormatProblem(value);
  if (format !== undefined) return format;
  const kind = secretName(name);
  if (kind === undefined) return undefined;
  const v = value.trim();
  if (v === '' || SETTING_VALUE.test(v) || REFERENCE.test(v)) return undefined;
  const path = v.startsWith('/') || v.startsWith('./') || v.startsWith('~/') || /^[\w.-]+(\/[\w.-]+)+$/.test(v);
  if (path || FILE_NAME.test(v) || URL.test(v)) return undefined;
  if (kind === 'pointer') {
    return DNS_NAME.test(v) && /^(NAME|REF)$/.test(words(name).pop()!) ? undefined : 'has a name that points at a secret and a value that is no path, file name or URL';
  }
  if (kind === 'secret' && (NUMBER.test(v) || DURATION.test(v) || KNOWN_VALUES.has(v.toLowerCase()))) return undefined;
  return 'has a name that says it is a secret and a literal value';
}

/** `KEY=value`, `key: value`, `export KEY="value"`, `"key": "value",` lines of a config file (properties, .env, YAML, INI, JSON). */
const ASSIGNMENT = /^\s*(?:export\s+)?(["']?)([A-Za-z_][\w.-]*)\1\s*[=:]\s*(.*?)\s*,?\s*$/;

/** Assignments of a config file: name and unquoted value, with their line number (1-based). */
export function fileAssignments(text: string): Array<{ name: string; value: string; line: number }> {
  const out: Array<{ name: string; value: string; line: number }> = [];
  text.split('\n').forEach((l, i) => {
    if (/^\s*[#;!]/.test(l)) return;
    const m = ASSIGNMENT.exec(l.replace(/^\s*-\s+/, ''));
    if (!m) return;
    let value = m[3];
    if (value.length >= 2 && (value[0] === '"' || value[0] === '\'') && value[value.length - 1] === value[0]) value = value.slice(1, -1);
    out.push({ name: m[2], value, line: i + 1 });
  });
  return out;
}

/**
 * Why a ConfigMap entry (a variable or a file) holds a secret, or undefined: a secret-named key
 * with a secret value, a file with a secret assignment, or a secret format anywhere in it.
 */
export function configEntryProblem(key: string, value: string): string | undefined {
  if (!value.includes('\n')) {
    const direct = plaintextSecretProblem(key, value);
    if (direct !== undefined) return direct;
  }
  for (const a of fileAssignments(value)) {
    if (!value.includes('\n') && a.name === key) continue;
    const p = plaintextSecretProblem(a.name, a.value);
    if (p !== undefined) return `sets ${a.name} on line ${a.line}, which ${p}`;
  }
  return secretFormatProblem(value) ?? encodedKeyProblem(value);
}

/** Private-key material in base64 (a binaryData entry, or a base64 file). */
export function encodedKeyProblem(value: string): string | undefined {
  const compact = value.replace(/\s+/g, '');
  if (compact.length < 40 || !/^[A-Za-z0-9+/]+={0,2}$/.test(compact)) return undefined;
  const decoded = Buffer.from(compact, 'base64').toString('latin1');
  return /-----BEGIN ([A-Z0-9]+ )*PRIVATE KEY( BLOCK)?-----/.test(decoded) ? 'holds private-key material in base64' : undefined;
}
