// Everything a benchmark process needs, as one entry point (loaded by scripts/synth.js's
// loader like an example).
export { buildFleet } from './fleet';
export { GuardrailsApp } from '../lib/app/guardrails-app';
export { ManifestYaml } from '../lib/app/manifest-yaml';
export { Guardrails } from '../lib/practices/guardrails';
export { Engine } from '../lib/practices/enforce';
