/**
 * The API server's validation of an ephemeral volume that an OpenAPI schema cannot say: the
 * claim template is required, and its metadata may hold labels and annotations only (the claim
 * is named after the pod and the volume). Rules by definition, run by the structural check
 * (schema.ts) wherever the definition appears.
 *
 * Written from Kubernetes' validation (pkg/apis/core/validation: validateEphemeralVolumeSource,
 * ValidatePersistentVolumeClaimTemplate, ValidateTemplateObjectMeta), Kubernetes 1.30 to 1.37.
 */
import type { DefinitionRule } from './structural-rule';
import { at, given } from './rule-helpers';

/** The metadata fields a claim template may set (allowedTemplateObjectMetaFields). */
export const CLAIM_TEMPLATE_METADATA: readonly string[] = ['labels', 'annotations'];

/**
 * Set, as the API server's comparison with the zero value sees it: "" and 0 are unset, an
 * empty list or map is set; deletionGracePeriodSeconds is a pointer, so 0 is set too.
 */
const setInMetadata = (key: string, value: unknown): boolean =>
  given(value) && value !== '' && (value !== 0 || key === 'deletionGracePeriodSeconds');

const ephemeralVolume: DefinitionRule = (e, field, f) => {
  if (!given(e.volumeClaimTemplate)) {
    f.say(at(field, 'volumeClaimTemplate'), 'is unset; the API server requires a claim template in an ephemeral volume (volumeClaimTemplate with the spec of the PersistentVolumeClaim to create)');
  }
};

const claimTemplateMetadata: DefinitionRule = (t, field, f) => {
  const meta = t.metadata;
  if (typeof meta !== 'object' || meta === null || Array.isArray(meta)) return;
  for (const key of Object.keys(meta).sort()) {
    if (CLAIM_TEMPLATE_METADATA.includes(key) || !setInMetadata(key, meta[key])) continue;
    f.say(at(field, `metadata.${key}`), 'is set in a claim template; the API server refuses every metadata field there but labels and annotations (the claim is named <pod name>-<volume name>)');
  }
};

/** Rules by definition (schema/k8s-openapi.json names). */
export const EPHEMERAL_RULES: { readonly [definition: string]: DefinitionRule } = {
  'api.core.v1.EphemeralVolumeSource': ephemeralVolume,
  'api.core.v1.PersistentVolumeClaimTemplate': claimTemplateMetadata,
};
