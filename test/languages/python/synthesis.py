"""Synthesis through jsii, from Python: how often the checker runs, the report, the errors.

Prints one JSON object. With the checker-run probe preloaded (count-checker-runs.js), the
file $GUARDRAILS_RUNS_FILE gets a line `synth <what>` before each synthesis and a line
`check` for each run of the checker.
"""
import json
import os
import sys
import time

from cdk8s import ApiObject, App, Chart, JsonPatch
from cdk8s_guardrails import Guardrails, GuardrailsApp, IsolatedNamespace, SafeDeployment

runs_file = os.environ["GUARDRAILS_RUNS_FILE"]
outdir = sys.argv[1]


def mark(what: str) -> None:
    with open(runs_file, "a", encoding="utf-8") as f:
        f.write(f"synth {what}\n")


def namespaces(app: App, count: int) -> None:
    """`count` namespaces, each enforced with options of its own over those of the app."""
    Guardrails.enforce(app, external_secrets=["db"])
    for i in range(count):
        ns = IsolatedNamespace(app, f"team{i}", team=f"team{i}")
        Guardrails.enforce(ns, external_secrets=[f"team{i}-db"])
        SafeDeployment(ns, "api", image="ghcr.io/acme/api:1.0.0", port=8080)


result = {}

# 20 namespaces, one chart each: synth() twice, then synthYaml().
app = GuardrailsApp(outdir=os.path.join(outdir, "namespaces"))
namespaces(app, 20)
started = time.monotonic()
mark("namespaces")
app.synth()
result["seconds"] = round(time.monotonic() - started, 2)
mark("namespaces again")
app.synth()
mark("namespaces yaml")
yaml = app.synth_yaml()
result["yamlDocuments"] = yaml.count("\n---\n") + 1
result["files"] = sorted(os.listdir(app.outdir))

# A violation fails synth() with one line per violation.
broken = GuardrailsApp(outdir=os.path.join(outdir, "broken"))
Guardrails.enforce(broken)
chart = Chart(broken, "legacy", namespace="legacy")
raw = ApiObject(chart, "raw", api_version="apps/v1", kind="Deployment", metadata={"name": "raw"})
raw.add_json_patch(
    JsonPatch.add(
        "/spec",
        {
            "selector": {"matchLabels": {"app": "raw"}},
            "template": {
                "metadata": {"labels": {"app": "raw"}},
                "spec": {"containers": [{"name": "c", "image": "nginx:latest"}]},
            },
        },
    )
)
mark("broken")
try:
    broken.synth()
    result["error"] = None
except RuntimeError as e:
    result["error"] = str(e)

print(json.dumps(result))
