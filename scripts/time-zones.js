#!/usr/bin/env node
/**
 * Writes lib/core/validation/time-zones.ts: the names of the tz database that Go's time package
 * embeds (time/tzdata, the same data as $GOROOT/lib/time/zoneinfo.zip), which kube-apiserver
 * links in to validate a CronJob's spec.timeZone with time.LoadLocation. Run once per Go or
 * tzdata update:
 *
 *   node scripts/time-zones.js
 */
'use strict';
const { execFileSync } = require('child_process');
const fs = require('fs');
const path = require('path');

const root = path.join(__dirname, '..');
const out = path.join(root, 'lib', 'core', 'validation', 'time-zones.ts');
const goroot = execFileSync('go', ['env', 'GOROOT'], { encoding: 'utf8' }).trim();
const goVersion = execFileSync('go', ['env', 'GOVERSION'], { encoding: 'utf8' }).trim();
const zip = fs.readFileSync(path.join(goroot, 'lib', 'time', 'zoneinfo.zip'));
const tzdata = /^CODE=(\S+)$/m.exec(fs.readFileSync(path.join(goroot, 'lib', 'time', 'update.bash'), 'utf8'))?.[1] ?? 'unknown';

/** File names of a zip archive, from its central directory. */
function zipNames(buf) {
  const end = buf.lastIndexOf(Buffer.from([0x50, 0x4b, 0x05, 0x06]));
  if (end < 0) throw new Error('zoneinfo.zip: no end of central directory');
  const count = buf.readUInt16LE(end + 10);
  let at = buf.readUInt32LE(end + 16);
  const names = [];
  for (let i = 0; i < count; i++) {
    if (buf.readUInt32LE(at) !== 0x02014b50) throw new Error(`zoneinfo.zip: bad central directory entry ${i}`);
    const nameLength = buf.readUInt16LE(at + 28);
    const extra = buf.readUInt16LE(at + 30);
    const comment = buf.readUInt16LE(at + 32);
    names.push(buf.toString('utf8', at + 46, at + 46 + nameLength));
    at += 46 + nameLength + extra + comment;
  }
  return names;
}

const zones = zipNames(zip).filter((n) => !n.endsWith('/')).sort();
const body = zones.map((z) => `  '${z}',`).join('\n');
fs.writeFileSync(out, `// Written by scripts/time-zones.js from ${goVersion} lib/time/zoneinfo.zip (tzdata ${tzdata}); do not edit.
/**
 * The time zone names Go's embedded tz database holds (time/tzdata, tzdata ${tzdata}):
 * kube-apiserver links it in and validates a CronJob's spec.timeZone with time.LoadLocation,
 * so these names are accepted on any node image. ${zones.length} names, case as listed.
 */
export const TIME_ZONE_NAMES: readonly string[] = [
${body}
];
`);
console.log(`${path.relative(root, out)}: ${zones.length} time zones (tzdata ${tzdata})`);
