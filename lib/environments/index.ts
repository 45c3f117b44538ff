export * from './settings';
export { Environment } from './environment';
export * from './environments';
export { ArgoCdOptions } from './argo-cd';
