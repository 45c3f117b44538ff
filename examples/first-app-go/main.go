// The README's first app in Go: a SafeDeployment in an IsolatedNamespace, the checker
// enforced. Writes dist/shop.k8s.yaml and dist/guardrails-report.jsonc.
package main

import (
	"github.com/aws/jsii-runtime-go"
	"github.com/cdk8s-guardrails/cdk8s-guardrails-go/cdk8sguardrails"
)

func main() {
	app := cdk8sguardrails.NewGuardrailsApp(nil)
	cdk8sguardrails.Guardrails_Enforce(app, nil)
	shop := cdk8sguardrails.NewIsolatedNamespace(app, jsii.String("shop"), &cdk8sguardrails.IsolatedNamespaceProps{
		Team: jsii.String("shop"),
	})
	cdk8sguardrails.NewSafeDeployment(shop, jsii.String("web"), &cdk8sguardrails.SafeDeploymentProps{
		Image: jsii.String("ghcr.io/acme/web:1.4.2"),
		Port:  jsii.Number(8080),
	})
	app.Synth()
}
