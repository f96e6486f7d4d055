# exercise: quality.ruff_config
# right: an examiner's answer, written from the statement alone
# extend-select with no select line; S101 ignored for tests/** only
RUFF_CONFIG = """
[tool.ruff]
# One setting for the linter and the formatter alike.
target-version = "py311"
line-length = 100

[tool.ruff.lint]
# No `select`: ruff's own default set stays as it is, and these are added on top.
extend-select = [
    "S",     # flake8-bandit, all the security rules
    "G004",  # logging with an f-string
    "TD",    # flake8-todos
]

[tool.ruff.lint.per-file-ignores]
# Relative to this pyproject.toml: the top-level tests/ folder only.
"tests/**" = ["S101"]
"""
