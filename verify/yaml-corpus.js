'use strict';
// Strings that YAML readers treat specially, for testing the YAML writer: each must read back
// as the same string with a YAML 1.1 reader (Kubernetes' sigs.k8s.io/yaml) and a YAML 1.2
// one (the JavaScript `yaml` package).

const YAML_11_WORDS = [
  'y', 'Y', 'yes', 'Yes', 'YES', 'n', 'N', 'no', 'No', 'NO', 'on', 'On', 'ON', 'off', 'Off', 'OFF',
  'true', 'True', 'TRUE', 'false', 'False', 'FALSE', 'null', 'Null', 'NULL', '~', '',
  'yEs', 'nO', 'oN', 'TrUe', 'nULL',
];
const NUMBERS = [
  '0', '1', '-1', '+1', '007', '017', '08', '0o17', '0O17', '0x1F', '0X1f', '0b101', '0B1', '1_000', '1__0', '_1', '1_', '0x_1f', '0b1_0',
  '1.5', '.5', '5.', '-.5', '+.5', '1e3', '1E3', '1e+3', '1.5e-3', '12e03', 'e3', 'E3', '1_0.5', '685_230.15', '.inf', '.Inf', '.INF',
  '-.inf', '+.inf', '.nan', '.NaN', '.NAN', 'inf', 'Infinity', 'NaN', '1:20', '190:20:30', '-1:20', '1:20.5', '0:0', '1:60',
  '0.', '00', '-0', '+0', '1e', '0x', '0b', '1.2.3', '1,000', '0xG',
];
const TIMESTAMPS = [
  '2001-12-14', '2001-12-14t21:59:43.10-05:00', '2001-12-14 21:59:43.10 -5', '2001-12-15T02:59:43.1Z', '2002-1-1', '2001-12-14 21:59:43',
];
const INDICATORS = [
  '<<', '=', '!', '!!str', '&a', '*a', '|', '>', '%YAML', '@x', '`x', '#x', '- x', '-', '--', '---', '...', '? x', '?', ':', ': x',
  'a: b', 'a #b', 'a#b', '[a]', '{a}', ',', 'a,b', '"a"', "'a'", 'a"b', "a'b", ' a', 'a ', ' ', '  ', '\\', 'a\\nb', '/', 'a:', 'a:b',
  'http://x.example/a?b=c#d', '*', '&', '<<<', '!!binary', '%',
];
const LINES = [
  '\n', '\n\n', 'a\n', 'a\n\n', 'a\n\n\n', '\na', '\n\na', 'a\nb', 'a\r\nb', 'a\rb', 'a\n b', 'a\n\tb', '\tfirst line\nsecond', 'x\n\ty',
  ' leading space\nx', '  two spaces\nx', 'x\n  ', 'x\n\t', 'a  \nb', 'a\t\nb', '\t', '\ta', 'a\t', 'a\tb', '\n \n', ' \n', '\t\n',
  'line\n# comment\n', 'a\n---\nb', 'a\n...\nb', 'key: value\nother: 1\n', 'a\n\n b\n', '- a\n- b\n', '#!/bin/sh\nexec app\n',
  'level: info\nenabled: yes\n',
];
const CONTROLS = [
  '\u2028', 'a\u2028b', 'a\u2029b', '\u0085', 'a\u0085b', 'a\nb\u2028c', '\ufeff', '\ufeffa', 'a\ufeff', '\ufffe', '\uffff',
  'a\u0000b', 'a\u0001b', 'a\u0007b', 'a\u0008b', 'a\u000bb', 'a\u000cb', 'a\u001bb', 'a\u001fb', 'a\u007fb', 'a\u0080b', 'a\u009fb',
  'a\u00a0b', '\u00a0', 'a\u200bb', 'a\u00adb', 'line\n\u0085next',
];
const TEXT = [
  'Grüße 日本', '😀', 'a😀b', 'ünïcödé: yes', 'x'.repeat(200), 'word '.repeat(40), 'C:\\path', 'a\\tb', '%s', '{{ .Values }}',
  'level=info', 'k8s.io/name', 'sha256:abc', '@sha256:abc', 'ghcr.io/acme/web:1.4.2', '--flag=value', '-Xmx512m', 'a/b/c',
];

/** The corpus, in a stable order. */
function stringCorpus() {
  return [...YAML_11_WORDS, ...NUMBERS, ...TIMESTAMPS, ...INDICATORS, ...LINES, ...CONTROLS, ...TEXT];
}

module.exports = { stringCorpus };
