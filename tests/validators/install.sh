#!/usr/bin/env bash
# Install the consumers the format tests check bulkhead's reports with, under
# target/validators/ (quick when already there):
#   - a Python venv with jsonschema (SARIF schema), xmlschema + junitparser (JUnit) and
#     botocore (the AWS SDK's validator for Security Hub's BatchImportFindings);
#   - Microsoft's SARIF multitool (npm @microsoft/sarif-multitool-linux), which ships the
#     SARIF 2.1.0 schema and validates the GitHub code scanning rules.
# Needs python3 with venv and npm; on Debian: apt-get install python3-venv nodejs npm
# (.ci/run installs them when missing).
set -euo pipefail
cd "$(dirname "$0")/../.."
dest=target/validators
mkdir -p "$dest"

py_pins=(jsonschema==4.26.0 xmlschema==4.3.2 junitparser==5.0.3 botocore==1.44.5)
stamp="$dest/venv/.bulkhead-pins"
if [ "$(cat "$stamp" 2>/dev/null)" != "${py_pins[*]}" ]; then
    rm -rf "$dest/venv"
    python3 -m venv "$dest/venv"
    "$dest/venv/bin/pip" install --quiet --disable-pip-version-check "${py_pins[@]}"
    echo "${py_pins[*]}" >"$stamp"
fi

multitool_pkg=@microsoft/sarif-multitool-linux@5.7.0
multitool="$dest/npm/node_modules/@microsoft/sarif-multitool-linux/Sarif.Multitool"
mstamp="$dest/npm/.bulkhead-pin"
if [ "$(cat "$mstamp" 2>/dev/null)" != "$multitool_pkg" ] || [ ! -f "$multitool" ]; then
    rm -rf "$dest/npm"
    mkdir -p "$dest/npm"
    npm install --prefix "$dest/npm" --no-audit --no-fund --no-save --loglevel=error \
        "$multitool_pkg"
    echo "$multitool_pkg" >"$mstamp"
fi
# npm may skip the package's postinstall (which only sets this bit).
chmod u+x "$multitool"
echo "validators ready in $dest"
