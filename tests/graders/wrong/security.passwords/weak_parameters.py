# exercise: security.passwords
# wrong: lowers the cost to 1 iteration and 8 MiB to make logins fast, below OWASP's minimum
# caught-by: test_cost_meets_owasp
# hint: owasp_minimum
_HASHER = PasswordHasher(time_cost=1, memory_cost=8192, parallelism=1)


def hash_password(password: str) -> str:
    """An Argon2id hash of password, in the PHC string format, with a fresh salt."""
    return _HASHER.hash(password)


def verify_password(stored_hash: str, password: str) -> bool:
    """True if password matches stored_hash; False if not, or if the hash is invalid."""
    try:
        return _HASHER.verify(stored_hash, password)
    except (VerificationError, InvalidHashError):
        return False


def needs_rehash(stored_hash: str) -> bool:
    """True if stored_hash was made with other parameters than hash_password uses now."""
    return _HASHER.check_needs_rehash(stored_hash)
