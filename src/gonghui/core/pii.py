"""Personal numbers at rest: encryption, blind indexes, masks.

- **Encryption**: AES-256-GCM (``cryptography``), a fresh 96-bit nonce per value, the field's name as
  associated data (a bank-card ciphertext pasted into the ID column does not decrypt). Stored as bytes:
  ``version(1) | nonce(12) | ciphertext+tag``.
- **Blind index**: HMAC-SHA256 under a separate key, of a purpose label and the normalised value,
  truncated to 128 bits and hex-encoded. Equality search ("who has this ID number?") is an indexed
  lookup on this column; nobody decrypts a table to search it.
- **Keys**: one 32-byte master key from ``GONGHUI_PII_KEY`` (base64); the encryption and index keys are
  derived from it with HKDF, so they never coincide. Outside production, when the variable is unset, a
  key is generated once into ``<data dir>/pii_key`` (mode 0600) for the demo; production refuses to start
  without the variable. Losing the key loses the numbers: keep it apart from the database backups.
- **Masks**: ``350582**********1234`` for ID numbers, ``138****1234`` for phones, ``6222********1234``
  for bank cards.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import os
import secrets
from functools import cache

from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

VERSION = 1


def _load_master_key() -> bytes:
    return load_key("GONGHUI_PII_KEY", "pii_key")


def load_key(env: str, file_name: str) -> bytes:
    """A 32-byte key from the environment (base64), or outside production from a file of the data folder
    made at first use (the demo's and the tests')."""
    value = os.environ.get(env, "").strip()
    if not value:
        if settings.PRODUCTION:
            raise ImproperlyConfigured(f"GONGHUI_PRODUCTION=1 requires {env} (32 bytes, base64).")
        key_file = settings.DATA_DIR / file_name
        if not key_file.exists():
            settings.DATA_DIR.mkdir(parents=True, exist_ok=True)
            try:
                fd = os.open(key_file, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
            except FileExistsError:
                pass  # another process created it first
            else:
                with os.fdopen(fd, "w") as fh:
                    fh.write(base64.b64encode(secrets.token_bytes(32)).decode())
        value = key_file.read_text().strip()
    try:
        key = base64.b64decode(value, validate=True)
    except ValueError as exc:
        raise ImproperlyConfigured(f"{env} is not valid base64.") from exc
    if len(key) != 32:
        raise ImproperlyConfigured(f"{env} must decode to 32 bytes.")
    return key


@cache
def _keys() -> tuple[AESGCM, bytes]:
    master = _load_master_key()

    def derive(info: bytes) -> bytes:
        return HKDF(algorithm=hashes.SHA256(), length=32, salt=None, info=info).derive(master)

    return AESGCM(derive(b"gonghui pii encryption v1")), derive(b"gonghui pii blind index v1")


def reset_keys() -> None:
    """Forget the cached keys (tests that change GONGHUI_PII_KEY)."""
    _keys.cache_clear()


def encrypt(value: str, *, field: str) -> bytes:
    aead, _ = _keys()
    nonce = secrets.token_bytes(12)
    return bytes([VERSION]) + nonce + aead.encrypt(nonce, value.encode(), field.encode())


def decrypt(blob: bytes | memoryview | None, *, field: str) -> str:
    if not blob:
        return ""
    blob = bytes(blob)
    if blob[0] != VERSION:
        raise ValueError(f"unknown ciphertext version {blob[0]}")
    aead, _ = _keys()
    return aead.decrypt(blob[1:13], blob[13:], field.encode()).decode()


def blind_index(value: str, *, purpose: str) -> str:
    _, index_key = _keys()
    return hmac.new(index_key, f"{purpose}:{value}".encode(), hashlib.sha256).hexdigest()[:32]


def mask_id(value: str) -> str:
    if not value:
        return ""
    return f"{value[:6]}{'*' * 10}{value[-4:]}"


def mask_phone(value: str) -> str:
    if not value:
        return ""
    if len(value) == 11 and value.isdigit():
        return f"{value[:3]}****{value[-4:]}"
    return value[:-4].rstrip("0123456789") + "****" + value[-4:] if len(value) > 4 else "****"


def mask_bank(value: str) -> str:
    if not value:
        return ""
    return f"{value[:4]}{'*' * max(len(value) - 8, 4)}{value[-4:]}"


def encrypt_bytes(data: bytes, *, field: str) -> bytes:
    """Encrypt a whole file (an uploaded roster) the same way as a single value."""
    aead, _ = _keys()
    nonce = secrets.token_bytes(12)
    return bytes([VERSION]) + nonce + aead.encrypt(nonce, data, field.encode())


def decrypt_bytes(blob: bytes | memoryview | None, *, field: str) -> bytes:
    if not blob:
        return b""
    blob = bytes(blob)
    if blob[0] != VERSION:
        raise ValueError(f"unknown ciphertext version {blob[0]}")
    aead, _ = _keys()
    return aead.decrypt(blob[1:13], blob[13:], field.encode())
