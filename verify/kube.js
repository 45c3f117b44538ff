// A minimal Kubernetes API client over node's https module: bearer token, the server's own
// CA, JSON bodies, server warnings, discovery and server-side apply. Nothing else.
'use strict';
const https = require('https');

class Kube {
  constructor(url, ca, token) {
    this.url = new URL(url);
    this.agent = new https.Agent({ ca, keepAlive: true });
    this.token = token;
    this.discovery = new Map();
  }

  /** Resolves to { status, body, warnings } and never rejects on an HTTP error status. */
  request(method, path, body, { contentType = 'application/json', query = {} } = {}) {
    const qs = new URLSearchParams(query).toString();
    const payload = body === undefined ? undefined : Buffer.from(typeof body === 'string' ? body : JSON.stringify(body));
    return new Promise((resolve, reject) => {
      const req = https.request({
        host: this.url.hostname, port: this.url.port, method, path: qs ? `${path}?${qs}` : path, agent: this.agent,
        headers: {
          authorization: `Bearer ${this.token}`,
          accept: 'application/json',
          ...(payload ? { 'content-type': contentType, 'content-length': payload.length } : {}),
        },
      }, (res) => {
        const chunks = [];
        res.on('data', (c) => chunks.push(c));
        res.on('end', () => {
          const text = Buffer.concat(chunks).toString('utf8');
          let parsed = text;
          try {
            parsed = JSON.parse(text);
          } catch { /* plain text, e.g. /readyz */ }
          const warnings = [];
          for (let i = 0; i < res.rawHeaders.length; i += 2) {
            if (res.rawHeaders[i].toLowerCase() === 'warning') {
              warnings.push(res.rawHeaders[i + 1].replace(/^\d+ \S+ "(.*)"$/, '$1').replace(/\\"/g, '"'));
            }
          }
          resolve({ status: res.statusCode, body: parsed, warnings });
        });
      });
      req.on('error', reject);
      if (payload) req.write(payload);
      req.end();
    });
  }

  /** { name, namespaced } of the resource serving apiVersion/kind, from discovery. */
  async resourceFor(apiVersion, kind, { refresh = false } = {}) {
    const base = apiVersion.includes('/') ? `/apis/${apiVersion}` : `/api/${apiVersion}`;
    if (refresh || !this.discovery.has(base)) {
      const r = await this.request('GET', base);
      this.discovery.set(base, r.status === 200 ? r.body.resources : []);
    }
    const res = this.discovery.get(base).find((x) => x.kind === kind && !x.name.includes('/'));
    if (!res) throw new Error(`the API server serves no ${kind} in ${apiVersion}`);
    return { base, name: res.name, namespaced: res.namespaced };
  }

  /** URL path of an object (or of its collection with `collection: true`). */
  async pathOf(obj, { collection = false } = {}) {
    const r = await this.resourceFor(obj.apiVersion, obj.kind);
    const ns = r.namespaced ? `/namespaces/${obj.metadata.namespace}` : '';
    return `${r.base}${ns}/${r.name}${collection ? '' : `/${encodeURIComponent(obj.metadata.name)}`}`;
  }

  /** Server-side apply (`kubectl apply --server-side --force-conflicts`), strict field validation. */
  async apply(obj, { dryRun = false, fieldManager = 'verify' } = {}) {
    const query = { fieldManager, force: 'true', fieldValidation: 'Strict', ...(dryRun ? { dryRun: 'All' } : {}) };
    return this.request('PATCH', await this.pathOf(obj), JSON.stringify(obj), { contentType: 'application/apply-patch+yaml', query });
  }

  /** Create (POST), strict field validation. */
  async create(obj, { dryRun = false } = {}) {
    const query = { fieldValidation: 'Strict', ...(dryRun ? { dryRun: 'All' } : {}) };
    return this.request('POST', await this.pathOf(obj, { collection: true }), obj, { query });
  }

  async get(obj) {
    return this.request('GET', await this.pathOf(obj));
  }
}

module.exports = { Kube };
