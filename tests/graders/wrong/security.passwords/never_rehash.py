# exercise: security.passwords
# wrong: never asks for a rehash, so old hashes keep their old, weaker parameters forever
# caught-by: test_rehash_old_parameters
# hint: rehash_on_login
_HASHER = PasswordHasher(time_cost=2, memory_cost=19456, parallelism=1)


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
    return not stored_hash.startswith("$argon2id$")
