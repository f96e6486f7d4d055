# exercise: security.dangerous_apis
# right: an examiner's answer, written from the statement alone
# yaml.load with SafeLoader; the file searched in Python; the audit gate with isdisjoint
def load_config(text: str) -> dict[str, object]:
    """Parse a YAML mapping, refusing anything but plain data."""
    document = yaml.load(text, Loader=yaml.SafeLoader)  # SafeLoader: plain values only, no tags
    if not isinstance(document, dict):
        raise ValueError(f"a config must be a YAML mapping, not {type(document).__name__}")
    return document


def grep_file(pattern: str, path: Path) -> list[str]:
    """The lines of path that contain pattern as plain text, found without a shell."""
    matches: list[str] = []
    with open(path, encoding="utf-8") as handle:  # a missing file raises FileNotFoundError
        for line in handle:
            text = line.rstrip("\n")
            if pattern in text:
                matches.append(text)
    return matches


def audit_gate(report: dict[str, object], allow: set[str]) -> list[str]:
    """Problems that must stop the build, from a pip-audit JSON report; [] means go."""
    problems: list[str] = []
    for dependency in report.get("dependencies", []):
        name = dependency["name"]
        if "vulns" not in dependency:  # skipped (skip_reason) or otherwise unaudited: not a pass
            problems.append(f"{name}: not audited")
            continue
        for vuln in dependency["vulns"]:
            known_as = {vuln["id"], *vuln.get("aliases", [])}
            if known_as.isdisjoint(allow):
                problems.append(f"{name} {dependency['version']}: {vuln['id']}")
    return problems
