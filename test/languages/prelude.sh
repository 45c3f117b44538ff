# Sourced by test/languages/*/build.sh: strict mode, the repository root as the working
# directory, jsii's Node.js notices silenced, and the .jsii assembly of `npm run build`.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/../.."
export JSII_SILENCE_WARNING_DEPRECATED_NODE_VERSION=1 JSII_SILENCE_WARNING_END_OF_LIFE_NODE_VERSION=1

if [ ! -f .jsii ]; then
  echo "no .jsii assembly: run 'npm run build' first" >&2
  exit 1
fi
