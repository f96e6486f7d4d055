# exercise: security.passwords
# wrong: returns ph.verify(...) directly, so a wrong password raises VerifyMismatchError
# caught-by: test_wrong_password_is_false
# hint: verify_raises
_HASHER = PasswordHasher(time_cost=2, memory_cost=19456, parallelism=1)


def hash_password(password: str) -> str:
    """An Argon2id hash of password, in the PHC string format, with a fresh salt."""
    return _HASHER.hash(password)


def verify_password(stored_hash: str, password: str) -> bool:
    """True if password matches stored_hash; False if not, or if the hash is invalid."""
    return _HASHER.verify(stored_hash, password)


def needs_rehash(stored_hash: str) -> bool:
    """True if stored_hash was made with other parameters than hash_password uses now."""
    return _HASHER.check_needs_rehash(stored_hash)
