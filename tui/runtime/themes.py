"""Themes: the bundled theme files, the user's own (config dir/themes/*.toml), and the marks
every theme must keep readable: internal comments (yellow family), system messages (dim), and
the list's Due column (a target due soon, one missed).

A broken theme file never stops the app: it is skipped with one sentence, and an unknown theme
name falls back to the default.
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass, field
from pathlib import Path

from textual.color import Color
from textual.theme import Theme

import themes as bundled

DEFAULT_THEME = "ticket-dark"
BUNDLED_DIR = Path(bundled.__file__).parent
_FIELDS = ("primary", "secondary", "accent", "foreground", "background", "surface", "panel",
           "warning", "error", "success", "boost")
# Candidates for the internal-comment colour, from bright to dark yellow: the first one readable
# on a theme's background is used when the theme does not choose its own.
_YELLOWS = ("#FFE94D", "#F0C75E", "#D9A400", "#9A7400", "#6B4E00", "#4D3800")


class ThemeFileError(ValueError):
    """A theme file that can't be used; the message says which and why."""


@dataclass
class ThemeLoad:
    themes: list[Theme] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)


def user_theme_dir() -> Path:
    from tui.runtime.config import config_path

    return config_path().parent / "themes"


def load_theme_file(path: Path) -> Theme:
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as exc:
        raise ThemeFileError(f"The theme file {path} can't be read: {exc}.") from None
    name = data.get("name")
    if not isinstance(name, str) or not name.strip():
        raise ThemeFileError(f"The theme file {path} has no name = \"...\".")
    colours = {}
    for key in _FIELDS:
        if key in data:
            try:
                Color.parse(data[key])
            except Exception:
                raise ThemeFileError(f"The theme file {path}: {key} = {data[key]!r} is not a colour.") from None
            colours[key] = data[key]
    if "primary" not in colours:
        raise ThemeFileError(f"The theme file {path} needs at least primary = \"#RRGGBB\".")
    variables = data.get("variables", {})
    if not isinstance(variables, dict) or not all(isinstance(v, str) for v in variables.values()):
        raise ThemeFileError(f"The theme file {path}: [variables] must hold name = \"value\" pairs.")
    dark = data.get("dark", True)
    spread = data.get("luminosity_spread", 0.15)
    if not isinstance(dark, bool) or not isinstance(spread, (int, float)):
        raise ThemeFileError(f"The theme file {path}: dark must be true or false.")
    return Theme(name=name.strip(), dark=dark, luminosity_spread=float(spread),
                 variables=dict(variables), **colours)


def load_themes(*folders: Path) -> ThemeLoad:
    """Every *.toml theme in the folders, in order; a later theme replaces an earlier namesake."""
    load = ThemeLoad()
    for folder in folders:
        if not folder.is_dir():
            continue
        for path in sorted(folder.glob("*.toml")):
            try:
                load.themes.append(load_theme_file(path))
            except ThemeFileError as error:
                load.problems.append(str(error))
    return load


def contrast(a: str, b: str) -> float:
    """The WCAG contrast ratio of two colours (1 to 21)."""

    def luminance(colour: str) -> float:
        c = Color.parse(colour)
        channels = []
        for v in (c.r, c.g, c.b):
            v /= 255
            channels.append(v / 12.92 if v <= 0.03928 else ((v + 0.055) / 1.055) ** 2.4)
        return 0.2126 * channels[0] + 0.7152 * channels[1] + 0.0722 * channels[2]

    hi, lo = sorted((luminance(a), luminance(b)), reverse=True)
    return (hi + 0.05) / (lo + 0.05)


def due_colours(variables: dict[str, str]) -> dict[str, str]:
    """The Due column's colours of a theme that chose none: its warning and error colours,
    or (too faint on its background) bright or dark ones that are readable."""
    background = variables.get("background", "#000000")
    dark = contrast("#FFFFFF", background) > contrast("#000000", background)
    out = {}
    for name, own, bright, deep in (("due-soon", "warning", "#FFD400", "#7A4F00"),
                                    ("due-breached", "error", "#FF6B6B", "#9E1F18")):
        colour = variables.get(own, bright if dark else deep)
        if contrast(colour, background) < 4.5:
            colour = bright if dark else deep
        out[name] = colour
    return out


def mark_colours(background: str, dark: bool) -> dict[str, str]:
    """Internal-comment and system-message colours readable on this background."""
    internal = next((y for y in _YELLOWS if contrast(y, background) >= 4.5), _YELLOWS[-1 if not dark else 0])
    system = "#9AA4AF" if dark else "#5E6670"
    if contrast(system, background) < 3.0:
        system = "#C8C8C8" if dark else "#404850"
    tinted = Color.parse(background).blend(Color.parse(internal), 0.12)
    return {"internal": internal, "system": system, "internal-background": tinted.hex}
