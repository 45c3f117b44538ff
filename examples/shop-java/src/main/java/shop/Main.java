package shop;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import io.github.cdk8sguardrails.Guardrails;
import io.github.cdk8sguardrails.GuardrailsApp;
import io.github.cdk8sguardrails.GuardrailsOptions;
import io.github.cdk8sguardrails.IsolatedNamespace;
import org.cdk8s.AppProps;

/** examples/shop/main.ts in Java: one app definition, one output folder per environment. */
public final class Main {
    private Main() {}

    public static void main(String[] args) {
        String outdir = System.getenv().getOrDefault("CDK8S_OUTDIR", "dist/shop-java");
        for (Map.Entry<String, Shop.Settings> environment : Shop.ENVIRONMENTS.entrySet()) {
            GuardrailsApp app = new GuardrailsApp(AppProps.builder().outdir(Path.of(outdir, environment.getKey()).toString()).build());
            // Every object is checked against the catalog. The database password already exists
            // in the cluster (the platform's secret store writes it), so it is declared external.
            Guardrails.enforce(app, GuardrailsOptions.builder().externalSecrets(List.of("shop-db")).build());
            IsolatedNamespace namespace = IsolatedNamespace.Builder.create(app, "shop").team("shop").build();
            Shop.addShop(namespace, environment.getValue());
            app.synth();
        }
    }
}
