"""examples/shop/main.ts in Python: one app definition, one output folder per environment."""
import os

from cdk8s_guardrails import Guardrails, GuardrailsApp, IsolatedNamespace

from shop import ENVIRONMENTS, add_shop

outdir = os.environ.get("CDK8S_OUTDIR", "dist/shop-python")
for name, settings in ENVIRONMENTS.items():
    app = GuardrailsApp(outdir=os.path.join(outdir, name))
    # Every object is checked against the catalog. The database password already exists in
    # the cluster (the platform's secret store writes it), so it is declared external.
    Guardrails.enforce(app, external_secrets=["shop-db"])
    namespace = IsolatedNamespace(app, "shop", team="shop")
    add_shop(namespace, settings)
    app.synth()
