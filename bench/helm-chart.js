'use strict';
// The helm reference for the fleet benchmark: a chart that renders the same 8-object unit per
// service as the library does (the manifests of service 0, with every per-service value turned
// into a template expression), and values that list N services. `helm template` of it is the
// figure the fleet is compared with.
const fs = require('fs');
const path = require('path');
const YAML = require('yaml');

const NAME = 'svc-0000';

/**
 * Writes the chart to `dir` from the manifests of a one-service fleet (`docs`, plain objects)
 * and returns the path of a values file for `n` services.
 */
function writeChart(dir, docs, n) {
  fs.rmSync(dir, { recursive: true, force: true });
  fs.mkdirSync(path.join(dir, 'templates'), { recursive: true });
  fs.writeFileSync(path.join(dir, 'Chart.yaml'), 'apiVersion: v2\nname: fleet\nversion: 0.1.0\n');
  const config = docs.find((d) => d.kind === 'ConfigMap');
  const hashed = config.metadata.name; // svc-0000-config-<hash>
  let body = docs.map((d) => YAML.stringify(d, { lineWidth: 0 })).join('---\n');
  // Per-service values, as a chart would template them.
  body = body.split(hashed).join('{{ $s.name }}-config-{{ $hash }}');
  body = body.split(NAME).join('{{ $s.name }}');
  body = body.replace(/:1\.0\.0\b/g, ':{{ $s.tag }}').replace(/\b1\.0\.0\b/g, '{{ $s.tag }}');
  body = body.replace(/UPSTREAM_TIMEOUT_MS: "1000"/, 'UPSTREAM_TIMEOUT_MS: {{ $s.timeout | quote }}');
  const template = [
    '{{- range $s := .Values.services }}',
    // The config hash, computed from the data as a chart does with sha256sum.
    '{{- $hash := printf "%s-%s-%s" $s.name $s.tag $s.timeout | sha256sum | trunc 10 }}',
    '---',
    body.trimEnd(),
    '{{- end }}',
    '',
  ].join('\n');
  fs.writeFileSync(path.join(dir, 'templates', 'fleet.yaml'), template);
  const services = Array.from({ length: n }, (_, i) => ({
    name: `svc-${String(i).padStart(4, '0')}`,
    tag: `1.${i % 10}.0`,
    timeout: String(1000 + i),
  }));
  const values = path.join(dir, `values-${n}.yaml`);
  fs.writeFileSync(values, YAML.stringify({ services }));
  return values;
}

module.exports = { writeChart };
