#!/usr/bin/env bash
# Builds the Python package of the library with jsii-pacmak and installs it into a virtual
# environment (.verify/python, or $GUARDRAILS_PYTHON_VENV) together with cdk8s, cdk8s-plus-27,
# constructs and the jsii runtime from PyPI, at the versions of package.json's devDependencies:
# the Python code then runs on the same JavaScript as the TypeScript tests, so their output can
# be compared byte for byte. Needs `npm run build` first (the .jsii assembly).
#
# Safe to run again on the same machine: the environment is reused (pip keeps its download
# cache), the dependencies are only installed when missing, and the package is replaced.
source "$(dirname "$0")/../prelude.sh"
venv=${GUARDRAILS_PYTHON_VENV:-.verify/python}
python=${PYTHON:-python3}
export PIP_DISABLE_PIP_VERSION_CHECK=1

dev() { node -p "require('./package.json').devDependencies['$1']"; }

# The TypeScript examples of the README and the docs, compiled and translated (strict: an
# example that does not compile fails the build); the package carries the translations.
npx jsii-rosetta extract --strict
rm -rf dist-jsii/python
npx jsii-pacmak --targets python --rosetta-unknown-snippets fail
wheel=$(ls dist-jsii/python/*.whl)

# A missing environment, or one whose interpreter is gone (a Python upgrade), is made anew.
if ! "$venv/bin/python" -c '' 2>/dev/null; then
  rm -rf "$venv"
  "$python" -m venv "$venv"
fi
"$venv/bin/pip" install --quiet \
  "cdk8s==$(dev cdk8s)" "cdk8s-plus-27==$(dev cdk8s-plus-27)" "constructs==$(dev constructs)" "jsii==$(dev jsii-pacmak)"
"$venv/bin/pip" install --quiet --no-deps --force-reinstall "$wheel"
"$venv/bin/pip" check
"$venv/bin/python" -c 'import cdk8s_guardrails, cdk8s, cdk8s_plus_27'
echo "installed $(basename "$wheel") into $venv"
