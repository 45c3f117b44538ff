// The address-block rules live with the other Kubernetes validation rules.
export { cidrContains, parseCidr, ParsedCidr } from '../core/validation/cidr';
