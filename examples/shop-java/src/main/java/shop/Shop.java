package shop;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import io.github.cdk8sguardrails.AutoscalingOptions;
import io.github.cdk8sguardrails.MetricsOptions;
import io.github.cdk8sguardrails.NetworkPeer;
import io.github.cdk8sguardrails.NetworkPort;
import io.github.cdk8sguardrails.ProbeSettings;
import io.github.cdk8sguardrails.ResourcePreset;
import io.github.cdk8sguardrails.ResourceValues;
import io.github.cdk8sguardrails.SafeDeployment;
import io.github.cdk8sguardrails.ScrapeMethod;
import io.github.cdk8sguardrails.SecretEnvVar;
import io.github.cdk8sguardrails.TlsIngress;
import org.cdk8s.Duration;
import org.cdk8s.Size;
import org.cdk8s.plus27.Cpu;
import software.constructs.Construct;

/** The shop of examples/shop/shop.ts in Java: the same app, the same YAML. */
public final class Shop {
    /** Per-environment settings of the shop: one definition, every environment. */
    public record Settings(String environment, String imageTag, int apiReplicas, String databaseCidr, String host) {}

    /** The environments, in the order of the TypeScript example. */
    public static final Map<String, Settings> ENVIRONMENTS = new LinkedHashMap<>();
    static {
        ENVIRONMENTS.put("dev", new Settings("dev", "2.4.0-rc.1", 2, "10.10.0.0/24", "shop.dev.example.com"));
        ENVIRONMENTS.put("staging", new Settings("staging", "2.3.1", 2, "10.15.0.0/24", "shop.staging.example.com"));
        ENVIRONMENTS.put("prod", new Settings("prod", "2.3.1", 3, "10.20.0.0/24", "shop.example.com"));
    }

    private Shop() {}

    /** An HTTP API published over HTTPS and a queue worker that calls it, both reaching a database outside the cluster. */
    public static void addShop(Construct scope, Settings settings) {
        NetworkPeer database = NetworkPeer.cidr(settings.databaseCidr()).withPorts(List.of(NetworkPort.builder().port(5432).build()));

        Map<String, String> apiEnv = new LinkedHashMap<>();
        apiEnv.put("SHOP_ENVIRONMENT", settings.environment());
        apiEnv.put("DATABASE_HOST", "shop-db.internal");
        SafeDeployment api = SafeDeployment.Builder.create(scope, "api")
                .image("ghcr.io/acme/shop-api:" + settings.imageTag())
                .port(8080)
                .replicas(settings.apiReplicas())
                .partOf("shop")
                .readiness(ProbeSettings.builder().path("/readyz").build())
                .liveness(ProbeSettings.builder().path("/livez").build())
                .startupTimeout(Duration.seconds(60))
                .resourcePreset(ResourcePreset.MEDIUM)
                .env(apiEnv)
                .files(Map.of("logging.yaml", "level: info\nformat: json\n"))
                .secretEnv(List.of(SecretEnvVar.builder().name("DATABASE_PASSWORD").secretName("shop-db").key("password").build()))
                .metrics(MetricsOptions.builder().method(ScrapeMethod.SERVICE_MONITOR).port(9090).build())
                .allowTo(List.of(database))
                .build();

        Map<String, String> workerEnv = new LinkedHashMap<>();
        workerEnv.put("SHOP_ENVIRONMENT", settings.environment());
        workerEnv.put("QUEUE_NAME", "orders");
        SafeDeployment worker = SafeDeployment.Builder.create(scope, "worker")
                .image("ghcr.io/acme/shop-worker:" + settings.imageTag())
                .partOf("shop")
                .livenessCommand(List.of("/app/healthcheck"))
                .resources(ResourceValues.builder()
                        .cpuRequest(Cpu.millis(200))
                        .memoryRequest(Size.mebibytes(256))
                        .memoryLimit(Size.mebibytes(256))
                        .build())
                .env(workerEnv)
                .autoscaling(AutoscalingOptions.builder().minReplicas(2).maxReplicas(6).build())
                .allowTo(List.of(database))
                .build();
        worker.connectTo(api);

        TlsIngress.Builder.create(scope, "storefront").host(settings.host()).backend(api).build();
    }
}
