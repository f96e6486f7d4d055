# exercise: security.dangerous_apis
# wrong: calls grep without -F, so the pattern is a regular expression and a.c matches abc
# caught-by: test_grep_literal
# hint: fixed_string
def load_config(text: str) -> dict[str, object]:
    """Parse a YAML mapping, refusing anything but plain data."""
    data = yaml.safe_load(text)
    if not isinstance(data, dict):
        raise ValueError("the configuration must be a YAML mapping at the top level")
    return data


def grep_file(pattern: str, path: Path) -> list[str]:
    """The lines of path that contain pattern as plain text, found without a shell."""
    if not path.is_file():
        raise FileNotFoundError(f"no such file: {path}")
    result = subprocess.run(["grep", "-e", pattern, "--", str(path)], capture_output=True, text=True)
    return result.stdout.splitlines()


def audit_gate(report: dict[str, object], allow: set[str]) -> list[str]:
    """Problems that must stop the build, from a pip-audit JSON report; [] means go."""
    problems = []
    for dependency in report["dependencies"]:
        name = dependency["name"]
        if "skip_reason" in dependency:
            problems.append(f"{name}: not audited")
            continue
        for vulnerability in dependency.get("vulns", []):
            known_as = {vulnerability["id"], *vulnerability.get("aliases", [])}
            if not known_as & allow:
                problems.append(f"{name} {dependency['version']}: {vulnerability['id']}")
    return problems
