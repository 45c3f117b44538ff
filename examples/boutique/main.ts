import * as path from 'path';
import { Guardrails, GuardrailsApp, IsolatedNamespace, QuotaPreset } from '../../lib';
import { addBoutique } from './boutique';

// Every object is checked against the catalog, calls included: an address in env that the
// NetworkPolicies do not let through fails synth (rule `network-calls`).
const app = new GuardrailsApp({ outdir: process.env.CDK8S_OUTDIR ?? path.join('dist', 'boutique') });
Guardrails.enforce(app);
// Eleven services with two replicas each, and the cart store: more than the SMALL quota holds.
const namespace = new IsolatedNamespace(app, 'boutique', { team: 'boutique', quotaPreset: QuotaPreset.MEDIUM });
addBoutique(namespace, 'boutique.example.com');
app.synth();
