# exercise: security.dangerous_apis
# wrong: matches the allowlist against the id only, so an accepted CVE listed under a PYSEC id still fails
# caught-by: test_gate_allowlist
# hint: allow_aliases
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
    result = subprocess.run(  # noqa: S603
        ["grep", "-F", "-e", pattern, "--", str(path)],  # noqa: S607
        capture_output=True,
        text=True,
        check=False,
    )
    if result.returncode == 1:
        return []
    if result.returncode != 0:
        raise OSError(f"grep failed with exit code {result.returncode}")
    return result.stdout.splitlines()


def audit_gate(report: dict[str, object], allow: set[str]) -> list[str]:
    """Problems that must stop the build, from a pip-audit JSON report; [] means go."""
    problems = []
    for dependency in report["dependencies"]:
        if "skip_reason" in dependency:
            problems.append(f"{dependency['name']}: not audited")
            continue
        for vulnerability in dependency.get("vulns", []):
            if vulnerability["id"] not in allow:
                problems.append(f"{dependency['name']} {dependency['version']}: {vulnerability['id']}")
    return problems
