/**
 * Output formats of the `check` command: text for people, JSON for scripts, SARIF 2.1.0 for
 * code-scanning UIs, and JUnit XML for CI test reports.
 */
import { RULES } from '../practices/catalog';
import { PRACTICES_POINTER, PRACTICES_URL } from '../practices/catalog-docs';
import { formatSuppression, objectRef } from '../practices/checker';
import { ManifestInput } from '../practices/model';
import { FieldLines } from '../practices/read';
import { CheckResult, RuleViolation } from '../practices/types';

/** What one run of `check` produced. */
export interface Outcome {
  readonly result: CheckResult;
  readonly files: number;
  /** Input errors: files and documents that could not be read. */
  readonly problems: readonly string[];
  /** Every object read (for the JUnit report's passing test cases). */
  readonly inputs: readonly ManifestInput[];
  /** Source (`file#2`) -> first line of the document. */
  readonly lines: ReadonlyMap<string, number>;
  /** File (or `<stdin>`) -> the text read from it. */
  readonly texts: ReadonlyMap<string, string>;
}

export const FORMATS = ['text', 'json', 'sarif', 'junit'] as const;
export type Format = typeof FORMATS[number];

const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? '' : 's'}`;

/** The file of a source: `dir/x.yaml#2[0]` -> `dir/x.yaml`. */
export function fileOf(source: string | undefined): string {
  if (!source) return '';
  return source.replace(/(#\d+)?(\[\d+\])*$/, '');
}

export function text(o: Outcome): string {
  const { result } = o;
  const lines: string[] = [];
  let last = '';
  for (const v of result.violations) {
    const obj = `${objectRef(v)}${v.path ? ` (${v.path})` : ''}${v.source ? ` in ${v.source}` : ''}`;
    if (obj !== last) {
      lines.push(obj);
      last = obj;
    }
    lines.push(`  ${v.rule}: ${v.field ? `${v.field}: ` : ''}${v.message}`);
    lines.push(`    fix: ${v.fix}`);
  }
  if (result.suppressions.length > 0) {
    if (lines.length > 0) lines.push('');
    lines.push('Suppressed rules:');
    for (const s of result.suppressions) lines.push(`  ${formatSuppression(s)}`);
  }
  if (result.warnings.length > 0) {
    if (lines.length > 0) lines.push('');
    lines.push('Warnings:');
    for (const w of result.warnings) lines.push(`  ${w}`);
  }
  if (o.problems.length > 0) {
    if (lines.length > 0) lines.push('');
    lines.push('Input errors (not checked):');
    for (const p of o.problems) lines.push(`  ${p}`);
  }
  if (lines.length > 0) lines.push('');
  const objects = new Set(result.violations.map((v) => `${v.kind}|${v.namespace}|${v.name}|${v.source}`)).size;
  const files = plural(o.files, 'file');
  const inputErrors = o.problems.length > 0 ? `; ${plural(o.problems.length, 'input error')}` : '';
  if (result.violations.length === 0 && o.problems.length === 0) {
    lines.push(`OK: ${result.objectCount} objects in ${files} break no rule (${result.suppressions.length} suppressed).`);
  } else if (result.violations.length === 0) {
    lines.push(`INPUT ERROR: ${result.objectCount} objects in ${files} break no rule (${result.suppressions.length} suppressed)${inputErrors}: what could not be read was not checked.`);
  } else {
    lines.push(`${plural(result.violations.length, 'violation')} in ${objects} of ${result.objectCount} objects (${files}); ${result.suppressions.length} suppressed${inputErrors}.`);
    lines.push(PRACTICES_POINTER);
  }
  return lines.join('\n') + '\n';
}

export function json(o: Outcome): string {
  const { result } = o;
  return JSON.stringify({
    violations: result.violations,
    suppressions: result.suppressions,
    warnings: result.warnings,
    inputErrors: o.problems,
    summary: {
      files: o.files, objects: result.objectCount, violations: result.violations.length,
      suppressions: result.suppressions.length, inputErrors: o.problems.length,
    },
  }, null, 2) + '\n';
}

const CHECKED_RULES = RULES.filter((r) => r.group !== 'app');
const RULE_INDEX = new Map(CHECKED_RULES.map((r, i) => [r.id, i]));

/** How standard input is named in sources. */
const STDIN = '<stdin>';

/** SARIF 2.1.0: one result per violation, located by file, the field's line (else the document's) and object. */
export function sarif(o: Outcome): string {
  const fieldLines = new FieldLines(o.texts, o.lines);
  const location = (v: RuleViolation) => {
    const file = fileOf(v.source);
    // The field's line in the text read (a file, standard input, a document of a stream, an item of a List).
    const line = v.source ? fieldLines.lineOf(v.source, v.field) : undefined;
    return {
      ...(file ? {
        physicalLocation: {
          // A URI reference (RFC 3986): each path segment percent-encoded (`my dir.yaml`); standard
          // input has no URI, so it is described instead (SARIF 2.1.0 §3.4.3: uri is optional).
          artifactLocation: file === STDIN
            ? { description: { text: 'standard input' } }
            : { uri: file.split(/[\\/]/).map(encodeURIComponent).join('/') },
          ...(line ? { region: { startLine: line } } : {}),
        },
      } : {}),
      logicalLocations: [{
        fullyQualifiedName: `${v.kind}/${v.namespace ? `${v.namespace}/` : ''}${v.name}${v.field ? `:${v.field}` : ''}`,
        kind: 'resource',
      }],
    };
  };
  const log = {
    $schema: 'https://json.schemastore.org/sarif-2.1.0.json',
    version: '2.1.0',
    runs: [{
      tool: {
        driver: {
          name: 'cdk8s-guardrails',
          informationUri: 'https://github.com/cdk8s-guardrails/cdk8s-guardrails',
          rules: CHECKED_RULES.map((r) => ({
            id: r.id,
            shortDescription: { text: r.requirement },
            fullDescription: { text: `${r.requirement} (${r.reason})` },
            help: { text: r.fix },
            helpUri: `${PRACTICES_URL}#${r.id}`,
            defaultConfiguration: { level: 'error' },
            properties: { group: r.group, profiles: [...r.profiles] },
          })),
        },
      },
      invocations: [{
        executionSuccessful: o.problems.length === 0,
        toolExecutionNotifications: o.problems.map((p) => ({ level: 'error', message: { text: p } })),
      }],
      results: o.result.violations.map((v) => ({
        ruleId: v.rule,
        ruleIndex: RULE_INDEX.get(v.rule),
        level: 'error',
        message: { text: `${objectRef(v)}: ${v.field ? `${v.field}: ` : ''}${v.message}. Fix: ${v.fix}` },
        locations: [location(v)],
      })),
      properties: {
        suppressions: o.result.suppressions.map(formatSuppression),
        warnings: o.result.warnings,
      },
    }],
  };
  return JSON.stringify(log, null, 2) + '\n';
}

function xml(s: string): string {
  // XML 1.0 cannot hold most control characters, even escaped.
  return s.replace(/[\u0000-\u0008\u000b\u000c\u000e-\u001f\ufffe\uffff]/g, '\ufffd')
    .replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;').replace(/'/g, '&apos;');
}

/**
 * JUnit XML: a test suite per file; in it, a failing test case per object and broken rule
 * (one failure each, as JUnit readers expect) and one passing test case per clean object.
 * Input errors are test cases with an error in the suite "input".
 */
export function junit(o: Outcome): string {
  interface Case { name: string; classname: string; failure?: { message: string; body: string }; error?: string }
  const suites = new Map<string, Case[]>();
  const push = (suite: string, c: Case) => {
    const list = suites.get(suite);
    if (list) list.push(c); else suites.set(suite, [c]);
  };
  const objKey = (kind: string, ns: string | undefined, name: string, source: string | undefined) => `${kind}|${ns ?? ''}|${name}|${source ?? ''}`;
  const byObject = new Map<string, Map<string, RuleViolation[]>>();
  for (const v of o.result.violations) {
    const k = objKey(v.kind, v.namespace, v.name, v.source);
    let rules = byObject.get(k);
    if (!rules) byObject.set(k, rules = new Map());
    const list = rules.get(v.rule);
    if (list) list.push(v); else rules.set(v.rule, [v]);
  }
  for (const input of o.inputs) {
    const m = input.manifest;
    const ref = { kind: String(m.kind), namespace: typeof m.metadata?.namespace === 'string' ? m.metadata.namespace : undefined, name: String(m.metadata?.name ?? m.metadata?.generateName ?? '') };
    const k = objKey(ref.kind, ref.namespace, ref.name, input.source);
    const rules = byObject.get(k) ?? byObject.get(objKey(ref.kind, undefined, ref.name, input.source));
    const suite = fileOf(input.source) || '<app>';
    const classname = `${objectRef(ref)}${input.source ? ` (${input.source})` : ''}`;
    if (!rules) {
      push(suite, { name: 'every rule', classname });
      continue;
    }
    for (const [rule, list] of rules) {
      push(suite, {
        name: rule, classname,
        failure: {
          message: list[0].message,
          body: list.map((v) => `${v.field ? `${v.field}: ` : ''}${v.message}\nfix: ${v.fix}`).join('\n\n'),
        },
      });
    }
  }
  for (const p of o.problems) push('input', { name: p.slice(0, p.indexOf(': ') > 0 ? p.indexOf(': ') : p.length), classname: 'input', error: p });
  const out: string[] = ['<?xml version="1.0" encoding="UTF-8"?>'];
  const all = [...suites.values()].flat();
  const count = (cs: Case[]) => ({ tests: cs.length, failures: cs.filter((c) => c.failure).length, errors: cs.filter((c) => c.error).length });
  const t = count(all);
  out.push(`<testsuites name="cdk8s-guardrails check" tests="${t.tests}" failures="${t.failures}" errors="${t.errors}">`);
  for (const [name, cases] of suites) {
    const c = count(cases);
    out.push(`  <testsuite name="${xml(name)}" tests="${c.tests}" failures="${c.failures}" errors="${c.errors}">`);
    for (const tc of cases) {
      const open = `    <testcase name="${xml(tc.name)}" classname="${xml(tc.classname)}"`;
      if (tc.failure) {
        out.push(`${open}>`, `      <failure type="${xml(tc.name)}" message="${xml(tc.failure.message)}">${xml(tc.failure.body)}</failure>`, '    </testcase>');
      } else if (tc.error) {
        out.push(`${open}>`, `      <error type="input" message="${xml(tc.error)}"/>`, '    </testcase>');
      } else {
        out.push(`${open}/>`);
      }
    }
    out.push('  </testsuite>');
  }
  out.push('</testsuites>');
  return out.join('\n') + '\n';
}
