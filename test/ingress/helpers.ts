export { errorOf } from '../helpers';
import { Chart, Testing } from 'cdk8s';
import { SafeDeployment, SafeDeploymentProps } from '../../lib';

export const IMAGE = 'ghcr.io/acme/web:1.4.2';

/** A chart with a namespace (Traefik references Middlewares by namespace); null for none. */
export function shopChart(namespace: string | null = 'shop', app = Testing.app(), id = 'test'): Chart {
  return new Chart(app, id, namespace ? { namespace } : {});
}

/**
 * A serving SafeDeployment named `name` (construct id `<name>-app`, so that a TlsIngress can
 * take the id `name`): container port 8080, Service port 80 unless told otherwise.
 */
export function backend(chart: Chart, name = 'web', props: Partial<SafeDeploymentProps> = {}): SafeDeployment {
  return new SafeDeployment(chart, `${name}-app`, { image: IMAGE, port: 8080, servicePort: 80, name, ...props });
}

