# exercise: security.dangerous_apis
# wrong: builds a command line and runs it with shell=True, so ; $( ) and backquotes run commands
# caught-by: test_grep_payload_does_not_run
# hint: no_shell
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
    result = subprocess.run(
        f"grep -F -e {pattern} {path}", shell=True, capture_output=True, text=True, check=False
    )
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
