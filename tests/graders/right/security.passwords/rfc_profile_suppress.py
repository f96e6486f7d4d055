# exercise: security.passwords
# right: RFC 9106's low-memory profile (argon2-cffi's default), and contextlib.suppress
from contextlib import suppress

from argon2 import profiles
from argon2.exceptions import Argon2Error

hasher = PasswordHasher.from_parameters(profiles.RFC_9106_LOW_MEMORY)


def hash_password(password: str) -> str:
    """An Argon2id hash of password, in the PHC string format, with a fresh salt."""
    return hasher.hash(password)


def verify_password(stored_hash: str, password: str) -> bool:
    """True if password matches stored_hash; False if not, or if the hash is invalid."""
    with suppress(Argon2Error, InvalidHashError):
        return hasher.verify(stored_hash, password)
    return False


def needs_rehash(stored_hash: str) -> bool:
    """True if stored_hash was made with other parameters than hash_password uses now."""
    return hasher.check_needs_rehash(stored_hash)
