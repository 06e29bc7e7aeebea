#!/usr/bin/env python3
"""Check a bulkhead report with the tools that consume its format.

    validate.py sarif FILE SCHEMA MULTITOOL   JSON schema + Microsoft's SARIF multitool
                                              (SARIF and GitHub code scanning rules)
    validate.py junit FILE XSD                Jenkins junit-10.xsd + junitparser
    validate.py asff FILE                     botocore's validator for Security Hub's
                                              BatchImportFindings input, 100 per call

On success prints one JSON object with what the consumer read (for the test to check)
and exits 0; on a problem prints it to stderr and exits 1.
"""
import json
import os
import subprocess
import sys
import tempfile
from datetime import datetime


def fail(msg):
    print(msg, file=sys.stderr)
    sys.exit(1)


def sarif(path, schema_path, multitool):
    import jsonschema

    with open(schema_path) as f:
        schema = json.load(f)
    with open(path) as f:
        log = json.load(f)
    validator = jsonschema.Draft202012Validator(schema)
    errors = sorted(validator.iter_errors(log), key=lambda e: list(e.path))
    if errors:
        fail("SARIF schema violations:\n" + "\n".join(
            f"  {'/'.join(map(str, e.path))}: {e.message}" for e in errors[:20]))
    with tempfile.TemporaryDirectory() as tmp:
        out = os.path.join(tmp, "validation.sarif")
        env = dict(os.environ, DOTNET_SYSTEM_GLOBALIZATION_INVARIANT="1",
                   DOTNET_CLI_TELEMETRY_OPTOUT="1")
        proc = subprocess.run(
            [multitool, "validate", "--rule-kind", "Sarif;Gh;Ghas", "--output", out, path],
            capture_output=True, text=True, env=env, timeout=300)
        if not os.path.exists(out):
            fail(f"the SARIF multitool did not run ({proc.returncode}):\n"
                 f"{proc.stdout[-3000:]}\n{proc.stderr[-3000:]}")
        with open(out) as f:
            verdict = json.load(f)
    found = [r for run in verdict.get("runs", []) for r in run.get("results", [])]
    problems = [r for r in found if r.get("level", "warning") in ("error", "warning")]
    if problems:
        fail("SARIF multitool (SARIF + GitHub rules) found:\n" + "\n".join(
            f"  {r.get('level')} {r.get('ruleId')}: {r['message'].get('text', r['message'])}"
            for r in problems))
    run = log["runs"][0]
    print(json.dumps({
        "rules": [r["id"] for r in run["tool"]["driver"]["rules"]],
        "results": [
            {"ruleId": r["ruleId"], "level": r.get("level"),
             "uri": r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"],
             "suppressed": bool(r.get("suppressions"))}
            for r in run["results"]
        ],
        "multitool_notes": len(found),
    }))


def junit(path, xsd):
    import junitparser
    import xmlschema

    schema = xmlschema.XMLSchema(xsd)
    errors = list(schema.iter_errors(path))
    if errors:
        fail("JUnit XSD violations:\n" + "\n".join(f"  {e.reason} at {e.path}" for e in errors[:20]))
    xml = junitparser.JUnitXml.fromfile(path)
    cases = []
    for suite in xml:
        for case in suite:
            kinds = [type(r).__name__.lower() for r in case.result]
            cases.append({
                "suite": suite.name, "classname": case.classname, "name": case.name,
                "outcome": kinds[0] if kinds else "passed",
                "message": case.result[0].message if case.result else None,
            })
    print(json.dumps({"tests": xml.tests, "failures": xml.failures, "errors": xml.errors,
                      "cases": cases}))


def asff(path):
    import botocore.session
    from botocore.validate import ParamValidator

    with open(path) as f:
        findings = json.load(f)
    if not isinstance(findings, list):
        fail("an ASFF report is a JSON array of findings")
    model = botocore.session.get_session().get_service_model("securityhub")
    shape = model.operation_model("BatchImportFindings").input_shape
    limit = shape.members["Findings"].metadata.get("max", 100)
    validator = ParamValidator()
    for start in range(0, len(findings), limit):
        report = validator.validate({"Findings": findings[start:start + limit]}, shape)
        if report.has_errors():
            fail("BatchImportFindings would refuse findings "
                 f"{start}..{start + limit}:\n{report.generate_report()}")
    for f in findings:
        # Constraints of the ASFF documentation that the API model does not carry.
        if f["SchemaVersion"] != "2018-10-08":
            fail(f"SchemaVersion {f['SchemaVersion']!r}")
        for key in ("CreatedAt", "UpdatedAt", "FirstObservedAt", "LastObservedAt"):
            if key in f:
                datetime.fromisoformat(f[key].replace("Z", "+00:00"))
        if len(f["Title"]) > 256 or len(f["Description"]) > 1024 or len(f["Id"]) > 512:
            fail(f"over-long Title/Description/Id in {f['Id']}")
        parts = f["ProductArn"].split(":")
        account = f["AwsAccountId"]
        if (len(parts) != 6 or parts[0] != "arn" or parts[1] not in ("aws", "aws-cn", "aws-us-gov")
                or parts[2] != "securityhub" or parts[4] != account
                or parts[5] != f"product/{account}/default"):
            fail(f"ProductArn {f['ProductArn']} is not the account's default product")
    print(json.dumps({"count": len(findings), "batch_limit": limit, "findings": [
        {"Id": f["Id"], "Compliance": f["Compliance"]["Status"],
         "Severity": f["Severity"]["Label"], "Workflow": f["Workflow"]["Status"],
         "ResourceType": f["Resources"][0]["Type"]} for f in findings]}))


if __name__ == "__main__":
    kind, args = sys.argv[1], sys.argv[2:]
    {"sarif": sarif, "junit": junit, "asff": asff}[kind](*args)
