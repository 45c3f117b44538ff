"""The shop of examples/shop/shop.ts, written in Python: the same app, the same YAML."""
from dataclasses import dataclass

from cdk8s import Duration, Size
from cdk8s_plus_27 import Cpu
from constructs import Construct

from cdk8s_guardrails import (
    AutoscalingOptions,
    MetricsOptions,
    NetworkPeer,
    NetworkPort,
    ProbeSettings,
    ResourcePreset,
    ResourceValues,
    SafeDeployment,
    ScrapeMethod,
    SecretEnvVar,
    TlsIngress,
)


@dataclass(frozen=True)
class ShopSettings:
    """Per-environment settings of the shop: one definition, every environment."""

    environment: str
    image_tag: str
    api_replicas: int
    database_cidr: str
    host: str


ENVIRONMENTS = {
    "dev": ShopSettings("dev", "2.4.0-rc.1", 2, "10.10.0.0/24", "shop.dev.example.com"),
    "staging": ShopSettings("staging", "2.3.1", 2, "10.15.0.0/24", "shop.staging.example.com"),
    "prod": ShopSettings("prod", "2.3.1", 3, "10.20.0.0/24", "shop.example.com"),
}


def add_shop(scope: Construct, settings: ShopSettings) -> None:
    """An HTTP API published over HTTPS and a queue worker that calls it, both reaching a
    database outside the cluster."""
    database = NetworkPeer.cidr(settings.database_cidr).with_ports([NetworkPort(port=5432)])

    api = SafeDeployment(
        scope,
        "api",
        image=f"ghcr.io/acme/shop-api:{settings.image_tag}",
        port=8080,
        replicas=settings.api_replicas,
        part_of="shop",
        readiness=ProbeSettings(path="/readyz"),
        liveness=ProbeSettings(path="/livez"),
        startup_timeout=Duration.seconds(60),
        resource_preset=ResourcePreset.MEDIUM,
        env={
            "SHOP_ENVIRONMENT": settings.environment,
            "DATABASE_HOST": "shop-db.internal",
        },
        files={"logging.yaml": "level: info\nformat: json\n"},
        secret_env=[SecretEnvVar(name="DATABASE_PASSWORD", secret_name="shop-db", key="password")],
        metrics=MetricsOptions(method=ScrapeMethod.SERVICE_MONITOR, port=9090),
        allow_to=[database],
    )

    worker = SafeDeployment(
        scope,
        "worker",
        image=f"ghcr.io/acme/shop-worker:{settings.image_tag}",
        part_of="shop",
        liveness_command=["/app/healthcheck"],
        resources=ResourceValues(
            cpu_request=Cpu.millis(200),
            memory_request=Size.mebibytes(256),
            memory_limit=Size.mebibytes(256),
        ),
        env={"SHOP_ENVIRONMENT": settings.environment, "QUEUE_NAME": "orders"},
        autoscaling=AutoscalingOptions(min_replicas=2, max_replicas=6),
        allow_to=[database],
    )
    worker.connect_to(api)

    TlsIngress(scope, "storefront", host=settings.host, backend=api)
