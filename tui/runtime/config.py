"""The user's config file (TOML, in the user config directory): database, identity, keymap, theme.

Environment variables override the file; command-line options override both. A broken file
never stops the app: it is reported in one sentence and the defaults are used.
"""

from __future__ import annotations

import os
import tomllib
from dataclasses import dataclass, field
from pathlib import Path

ENV_CONFIG = "TICKET_TUI_CONFIG"
ENV_AS = "TICKET_TUI_AS"
ENV_THEME = "TICKET_TUI_THEME"


def config_path() -> Path:
    if os.environ.get(ENV_CONFIG):
        return Path(os.environ[ENV_CONFIG])
    from platformdirs import user_config_path

    return user_config_path("ticket-tui", appauthor=False) / "config.toml"


@dataclass
class Config:
    db: str | None = None
    login: str | None = None
    theme: str | None = None
    keymap: dict[str, str] = field(default_factory=dict)
    # Where Dig and Whois ask (None: the system resolver; whois.iana.org and its referrals).
    dns_server: str | None = None
    dns_port: int | None = None
    whois_server: str | None = None
    whois_port: int | None = None
    # The SMTP password's file for `mail send` / `mail watch` ($TICKET_TUI_SMTP_PASSWORD wins).
    smtp_password_file: str | None = None
    problem: str | None = None  # why the file was ignored, if it was


def load_config(path: Path | None = None) -> Config:
    """The config file, with $TICKET_TUI_AS and $TICKET_TUI_THEME over it (and $TICKET_TUI_DB,
    read where the database URL is resolved)."""
    config = _read_file(path or config_path())
    config.login = os.environ.get(ENV_AS) or config.login
    config.theme = os.environ.get(ENV_THEME) or config.theme
    return config


def _read_file(path: Path) -> Config:
    if not path.exists():
        return Config()
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as exc:
        return Config(problem=f"The config file {path} was ignored: {exc}.")
    keymap = data.get("keymap", {})
    if not isinstance(keymap, dict) or not all(isinstance(v, str) for v in keymap.values()):
        return Config(problem=f"The [keymap] of {path} was ignored: each entry must be id = \"keys\".")
    for key in ("dns_port", "whois_port"):
        port = data.get(key)
        if port is not None and (type(port) is not int or not 1 <= port <= 65535):
            return Config(problem=f"The config file {path} was ignored: {key} must be a port "
                                  "number from 1 to 65535.")
    text = lambda key: data.get(key) if isinstance(data.get(key), str) else None  # noqa: E731
    return Config(db=text("db"), login=text("as"), theme=text("theme"), keymap=dict(keymap),
                  dns_server=text("dns_server"), dns_port=data.get("dns_port"),
                  whois_server=text("whois_server"), whois_port=data.get("whois_port"),
                  smtp_password_file=text("smtp_password_file"))


# --- the [keymap]: entries Textual could not use ------------------------------------------------
MODIFIERS = frozenset({"ctrl", "shift", "alt", "meta", "super", "hyper"})


def is_key(key: str) -> bool:
    """A key Textual can match to a key press: a printable character, or modifiers and a name
    Textual's own key tables know (f2, pageup, question_mark, slash...)."""
    from textual.keys import REPLACED_KEYS, Keys, key_to_character

    if len(key) == 1:
        return key.isprintable() and not key.isspace()
    *modifiers, name = key.split("+")
    if not name or not set(modifiers) <= MODIFIERS:
        return False
    if len(name) == 1:
        return name.isprintable() and not name.isspace()
    named = {k.value for k in Keys if not k.value.startswith("<")}
    return name in named or key_to_character(REPLACED_KEYS.get(name, name)) is not None


def usable_keymap(keymap: dict[str, str]) -> tuple[dict[str, str], dict[str, str]]:
    """The entries whose keys Textual can match, and the others (their bindings keep their
    default keys: a key that matches nothing would leave the action without any)."""
    usable, unparsable = {}, {}
    for binding_id, keys in keymap.items():
        parts = [part.strip() for part in keys.split(",")]
        (usable if parts and all(map(is_key, parts)) else unparsable)[binding_id] = keys
    return usable, unparsable


def keymap_problem(unknown: list[str], unparsable: dict[str, str]) -> str | None:
    """One sentence about the [keymap] entries that were ignored, or None."""
    from store.safe_text import printable

    said = lambda text: printable(text, one_line=True)  # noqa: E731 - the file's words, shown inert
    entries = [f"'{said(i)}' (no binding has that id)" for i in unknown]
    entries += [f"'{said(i)}' ('{said(keys)}' is not a key)" for i, keys in unparsable.items()]
    if not entries:
        return None
    listed = entries[0] if len(entries) == 1 else ", ".join(entries[:-1]) + " and " + entries[-1]
    if len(entries) == 1:
        return f"A [keymap] entry was ignored and its binding keeps its default keys: {listed}."
    return f"Some [keymap] entries were ignored and their bindings keep their default keys: {listed}."
