export * from './workloads/safe-deployment';
export * from './workloads/resources';
export * from './config/hashed-config-map';
export * from './network/network-peer';
export * from './network/ingress-controller-client';
