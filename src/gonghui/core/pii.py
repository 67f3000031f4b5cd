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
- **Rotation**: a key has a generation (``GONGHUI_PII_KEY_ID``, default 1; the demo's ``pii_key_id``), and
  every ciphertext starts with the generation of the key that made it. To rotate, the new key becomes
  ``GONGHUI_PII_KEY`` with the next generation and the old one ``GONGHUI_PII_KEY_PREVIOUS`` (the demo:
  ``pii_key.previous``) while ``python -m gonghui rotate_pii_key`` re-encrypts every value and file and
  rebuilds the blind indexes (gonghui.site.keys); then the old key is dropped.
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

VERSION = 1  # the first key generation; ciphertexts start with their key's generation


def _load_master_key() -> bytes:
    return load_key("GONGHUI_PII_KEY", "pii_key")


@cache
def generation() -> int:
    """The current key's generation."""
    value = os.environ.get("GONGHUI_PII_KEY_ID", "").strip()
    if not value and not os.environ.get("GONGHUI_PII_KEY"):
        path = settings.DATA_DIR / "pii_key_id"
        value = path.read_text().strip() if path.exists() else ""
    try:
        number = int(value or VERSION)
    except ValueError as exc:
        raise ImproperlyConfigured("GONGHUI_PII_KEY_ID must be a number (1 to 255).") from exc
    if not 1 <= number <= 255:
        raise ImproperlyConfigured("GONGHUI_PII_KEY_ID must be a number (1 to 255).")
    return number


def master_key_of(which: int) -> bytes:
    """The master key of generation ``which`` (current, or previous during a rotation)."""
    if which == generation():
        return _load_master_key()
    previous = _previous_master_key()
    if which == generation() - 1 and previous is not None:
        return previous
    raise ValueError(f"no key of generation {which}")


def _previous_master_key() -> bytes | None:
    """The key of the previous generation, present only while a rotation runs."""
    value = os.environ.get("GONGHUI_PII_KEY_PREVIOUS", "").strip()
    if not value and not os.environ.get("GONGHUI_PII_KEY"):
        path = settings.DATA_DIR / "pii_key.previous"
        value = path.read_text().strip() if path.exists() else ""
    if not value:
        return None
    try:
        key = base64.b64decode(value, validate=True)
    except ValueError as exc:
        raise ImproperlyConfigured("GONGHUI_PII_KEY_PREVIOUS is not valid base64.") from exc
    if len(key) != 32:
        raise ImproperlyConfigured("GONGHUI_PII_KEY_PREVIOUS must decode to 32 bytes.")
    return key


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


def _derive(master: bytes) -> tuple[AESGCM, bytes]:
    def derive(info: bytes) -> bytes:
        return HKDF(algorithm=hashes.SHA256(), length=32, salt=None, info=info).derive(master)

    return AESGCM(derive(b"gonghui pii encryption v1")), derive(b"gonghui pii blind index v1")


@cache
def _keys(which: int | None = None) -> tuple[AESGCM, bytes]:
    """The encryption and index keys of a generation (the current one by default, or the previous one
    during a rotation)."""
    current = generation()
    if which is None or which == current:
        return _derive(_load_master_key())
    previous = _previous_master_key()
    if which == current - 1 and previous is not None:
        return _derive(previous)
    raise ValueError(f"no key of generation {which} (current {current}; a rotation needs the previous key)")


def reset_keys() -> None:
    """Forget the cached keys (tests that change GONGHUI_PII_KEY, and the key rotation)."""
    _keys.cache_clear()
    generation.cache_clear()


def ciphertext_generation(blob: bytes | memoryview | None) -> int | None:
    return bytes(blob[:1])[0] if blob else None


def encrypt(value: str, *, field: str) -> bytes:
    aead, _ = _keys()
    nonce = secrets.token_bytes(12)
    return bytes([generation()]) + nonce + aead.encrypt(nonce, value.encode(), field.encode())


def decrypt(blob: bytes | memoryview | None, *, field: str) -> str:
    if not blob:
        return ""
    blob = bytes(blob)
    aead, _ = _keys(blob[0])
    return aead.decrypt(blob[1:13], blob[13:], field.encode()).decode()


def blind_index(value: str, *, purpose: str) -> str:
    _, index_key = _keys()
    return hmac.new(index_key, f"{purpose}:{value}".encode(), hashlib.sha256).hexdigest()[:32]


def mask_id(value: str) -> str:
    if not value:
        return ""
    return f"{value[:6]}{'*' * 10}{value[-4:]}"


def mask_name(value: str) -> str:
    """张三 → 张*, 欧阳小明 → 欧***: the surname's first character and a star for each other one."""
    if not value:
        return ""
    return value[0] + "*" * max(len(value) - 1, 1)


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
    return bytes([generation()]) + nonce + aead.encrypt(nonce, data, field.encode())


def decrypt_bytes(blob: bytes | memoryview | None, *, field: str) -> bytes:
    if not blob:
        return b""
    blob = bytes(blob)
    aead, _ = _keys(blob[0])
    return aead.decrypt(blob[1:13], blob[13:], field.encode())
