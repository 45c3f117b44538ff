import {
  ApiObject, ApiObjectMetadataDefinition, App, ImplicitTokenResolver, JsonPatch, Lazy, LazyResolver, NumberStringUnionResolver,
} from 'cdk8s';

/**
 * Rendering of ApiObjects during a synthesis, with the same result as cdk8s's
 * `ApiObject.toJson()` and `ApiObjectMetadataDefinition.toJson()`, in one pass.
 *
 * cdk8s resolves a manifest and then sanitizes it (drops null values, sorts keys), walking it
 * twice; each value resolved looks the App up from the object to the root and allocates a
 * resolution context and the key path. With the App's resolvers being cdk8s's own three
 * (an App made without `resolvers`), what they do is known: a `Lazy` is produced, a value
 * with a `resolve()` method is resolved, a number-or-string union becomes `{ value }`. This
 * module does exactly that, and sanitizes in the same pass.
 *
 * Anything else (resolvers of the user's, a patched resolver, `CDK8S_DISABLE_SORT`, a value
 * that cdk8s would refuse, a `__proto__` key) goes to cdk8s's own code, which also gives
 * cdk8s's own errors.
 */

/** Thrown where the fast path hands over to cdk8s's own rendering. */
const HAND_OVER = new Error('render with cdk8s');

const DEFAULT_RESOLVERS = [LazyResolver, ImplicitTokenResolver, NumberStringUnionResolver];
const RESOLVE_METHODS = DEFAULT_RESOLVERS.map((r) => r.prototype.resolve);

// Bound once: a property of cdk8s's exports is a getter, read on every use otherwise.
const LazyValue = Lazy;
const applyPatches = JsonPatch.apply;
const appOf = App.of;
const objectToJson = ApiObject.prototype.toJson;
const metadataToJson = ApiObjectMetadataDefinition.prototype.toJson;

let enabled = true;

/**
 * Turns the fast rendering on or off (it is on), for comparing its output with cdk8s's own.
 * Not part of the public API.
 */
export function setFastRendering(on: boolean): void {
  enabled = on;
}

/** Whether the App's resolvers are cdk8s's three defaults, unchanged. */
function defaultResolvers(app: App): boolean {
  const resolvers = app.resolvers;
  if (resolvers.length !== DEFAULT_RESOLVERS.length) return false;
  for (let i = 0; i < resolvers.length; i++) {
    const r = resolvers[i] as any;
    if (r.constructor !== DEFAULT_RESOLVERS[i] || r.resolve !== RESOLVE_METHODS[i]) return false;
  }
  return true;
}

/**
 * A value resolved with the default resolvers and sanitized as `sanitizeValue` does
 * (`filterEmpty`: its `filterEmptyArrays` and `filterEmptyObjects`). Throws HAND_OVER on a
 * value that cdk8s would refuse or treat in a way not written here.
 */
function render(value: any, filterEmpty: boolean): any {
  for (;;) {
    if (value === null || value === undefined) return undefined;
    if (value instanceof LazyValue) {
      value = value.produce();
    } else if (typeof value.resolve === 'function') {
      value = value.resolve();
    } else if (value.constructor !== Object && (typeof value.value === 'number' || typeof value.value === 'string')) {
      value = { value: value.value };
    } else {
      break;
    }
  }
  if (typeof value !== 'object') return value;
  if (Array.isArray(value)) {
    if (filterEmpty && value.length === 0) return undefined;
    const out = new Array(value.length);
    for (let i = 0; i < value.length; i++) {
      if (!(i in value)) throw HAND_OVER; // a hole
      out[i] = render(value[i], filterEmpty);
    }
    return out;
  }
  if (value.constructor !== Object) throw HAND_OVER;
  const keys = Object.keys(value).sort();
  const out: { [key: string]: any } = {};
  let count = 0;
  for (const key of keys) {
    if (key === '__proto__') throw HAND_OVER;
    const v = render(value[key], filterEmpty);
    if (v !== null && v !== undefined) {
      out[key] = v;
      count++;
    }
  }
  return filterEmpty && count === 0 ? undefined : out;
}

function fastMetadataToJson(this: ApiObjectMetadataDefinition): any {
  const self = this as any;
  if (!enabled || process.env.CDK8S_DISABLE_SORT || !defaultResolvers(appOf(self.apiObject) as App)) return metadataToJson.call(this);
  try {
    return render({
      ...self._additionalAttributes,
      name: self.name,
      namespace: self.namespace,
      annotations: self.annotations,
      finalizers: self.finalizers,
      ownerReferences: self.ownerReferences,
      labels: self.labels,
    }, true);
  } catch (e) {
    if (e !== HAND_OVER) throw e;
    return metadataToJson.call(this);
  }
}

function fastObjectToJson(this: ApiObject): any {
  const self = this as any;
  if (!enabled || process.env.CDK8S_DISABLE_SORT || !defaultResolvers(appOf(this) as App)) return objectToJson.call(this);
  let json: any;
  try {
    // The metadata is rendered already (and rendering it again gives the same): only the rest is.
    const metadata = this.metadata.toJson();
    json = render({ ...self.props, metadata: undefined }, false);
    if (metadata !== null && metadata !== undefined) json.metadata = metadata;
  } catch (e) {
    // cdk8s's own rendering, with its errors (a failing producer fails there again).
    return objectToJson.call(this);
  }
  try {
    const patched = self.patches.length > 0 ? applyPatches(json, ...self.patches) : json;
    const result: any = {};
    for (const k of ['apiVersion', 'kind', 'metadata', ...Object.keys(patched)]) {
      if (k in patched) result[k] = patched[k];
    }
    return result;
  } catch (e) {
    throw new Error(`Failed serializing construct at path '${this.node.path}' with name '${this.name}': ${e}`);
  }
}

/**
 * Renders every ApiObject with the fast path until the returned function is called (for the
 * span of a synthesis). Nested calls are harmless: the inner one finds the fast path in place
 * and leaves it.
 */
export function useFastRendering(): () => void {
  if (ApiObject.prototype.toJson !== objectToJson || ApiObjectMetadataDefinition.prototype.toJson !== metadataToJson) return () => {};
  ApiObject.prototype.toJson = fastObjectToJson;
  ApiObjectMetadataDefinition.prototype.toJson = fastMetadataToJson;
  return () => {
    ApiObject.prototype.toJson = objectToJson;
    ApiObjectMetadataDefinition.prototype.toJson = metadataToJson;
  };
}
