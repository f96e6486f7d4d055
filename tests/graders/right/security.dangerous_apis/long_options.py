# exercise: security.dangerous_apis
# right: grep's long options, its exit codes mapped explicitly, and a gate built with helpers
def load_config(text: str) -> dict[str, object]:
    """Parse a YAML mapping, refusing anything but plain data."""
    try:
        data = yaml.safe_load(text)
    except yaml.YAMLError as error:
        raise ValueError(f"not plain YAML data: {error.__class__.__name__}") from error
    if not isinstance(data, dict):
        raise ValueError("the configuration must be a mapping")
    return data


def grep_file(pattern: str, path: Path) -> list[str]:
    """The lines of path that contain pattern as plain text, found without a shell."""
    command = ["grep", "--fixed-strings", f"--regexp={pattern}", "--no-messages", str(path)]
    completed = subprocess.run(command, capture_output=True, text=True)  # noqa: S603
    if completed.returncode == 2 and not path.exists():
        raise FileNotFoundError(path)
    if completed.returncode > 1:
        raise RuntimeError(f"grep exited with {completed.returncode}")
    return completed.stdout.splitlines()


def _names_of(vulnerability: dict[str, object]) -> set[str]:
    return {str(vulnerability["id"]), *map(str, vulnerability.get("aliases", []))}


def _problems_of(dependency: dict[str, object], allow: set[str]) -> list[str]:
    if "skip_reason" in dependency:
        return [f"{dependency['name']}: not audited"]
    label = f"{dependency['name']} {dependency['version']}"
    return [f"{label}: {v['id']}" for v in dependency["vulns"] if not _names_of(v) & allow]


def audit_gate(report: dict[str, object], allow: set[str]) -> list[str]:
    """Problems that must stop the build, from a pip-audit JSON report; [] means go."""
    problems: list[str] = []
    for dependency in report["dependencies"]:
        problems.extend(_problems_of(dependency, allow))
    return problems
