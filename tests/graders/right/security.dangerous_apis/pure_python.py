# exercise: security.dangerous_apis
# right: the C safe loader, grep done in Python (no process at all), the gate as one comprehension
def load_config(text: str) -> dict[str, object]:
    """Parse a YAML mapping, refusing anything but plain data."""
    document = yaml.load(text, Loader=yaml.CSafeLoader)  # libyaml's safe loader, in C
    if type(document) is not dict:
        raise ValueError("expected a mapping at the top level")
    return document


def grep_file(pattern: str, path: Path) -> list[str]:
    """The lines of path that contain pattern as plain text, found without a shell."""
    with path.open(encoding="utf-8") as lines:
        return [line.rstrip("\r\n") for line in lines if pattern in line]


def audit_gate(report: dict[str, object], allow: set[str]) -> list[str]:
    """Problems that must stop the build, from a pip-audit JSON report; [] means go."""
    return [
        problem
        for dependency in report["dependencies"]
        for problem in (
            [f"{dependency['name']}: not audited"]
            if "skip_reason" in dependency
            else [
                f"{dependency['name']} {dependency['version']}: {vuln['id']}"
                for vuln in dependency["vulns"]
                if allow.isdisjoint([vuln["id"], *vuln.get("aliases", [])])
            ]
        )
    ]
