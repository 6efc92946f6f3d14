"""Named colours and conversions between RGB, hex and CIE xy (what Zigbee lights speak)."""

from __future__ import annotations

import reprlib

NAMED_COLORS: dict[str, tuple[int, int, int]] = {
    "red": (255, 0, 0),
    "green": (0, 255, 0),
    "blue": (0, 0, 255),
    "yellow": (255, 255, 0),
    "orange": (255, 165, 0),
    "purple": (128, 0, 128),
    "violet": (238, 130, 238),
    "magenta": (255, 0, 255),
    "pink": (255, 192, 203),
    "cyan": (0, 255, 255),
    "turquoise": (64, 224, 208),
    "teal": (0, 128, 128),
    "lime": (50, 205, 50),
    "indigo": (75, 0, 130),
    "gold": (255, 215, 0),
    "amber": (255, 191, 0),
    "brown": (165, 42, 42),
    "white": (255, 255, 255),
    "warm white": (255, 214, 170),
    "cool white": (220, 235, 255),
    "lavender": (230, 230, 250),
    "crimson": (220, 20, 60),
    "coral": (255, 127, 80),
    "salmon": (250, 128, 114),
    "navy": (0, 0, 128),
    "aqua": (0, 255, 255),
}

RGB = tuple[int, int, int]


def nearest_color_name(rgb: RGB) -> str:
    """The named colour closest to `rgb` (squared distance in RGB space)."""
    return min(NAMED_COLORS, key=lambda name: _distance(NAMED_COLORS[name], rgb))


def to_rgb(color: str | list[int] | tuple[int, ...]) -> RGB:
    """A colour name, `#rrggbb` or `[r, g, b]` as an RGB triple; ValueError when it is none."""
    if isinstance(color, str):
        text = color.strip().lower()
        if text in NAMED_COLORS:
            return NAMED_COLORS[text]
        if text.startswith("#") and len(text) == 7:
            return (int(text[1:3], 16), int(text[3:5], 16), int(text[5:7], 16))
        raise ValueError(f"unknown colour {reprlib.repr(color)}")
    if isinstance(color, (list, tuple)) and len(color) == 3 and all(
        isinstance(c, int) and not isinstance(c, bool) and 0 <= c <= 255 for c in color
    ):
        return (color[0], color[1], color[2])
    raise ValueError(f"a colour is a name or [r, g, b] with 0–255 each, not {reprlib.repr(color)}")


def rgb_to_hex(rgb: RGB) -> str:
    return "#{:02x}{:02x}{:02x}".format(*rgb)


def rgb_to_xy(rgb: RGB) -> tuple[float, float]:
    """sRGB to CIE 1931 xy, the way Zigbee lights are addressed."""
    r, g, b = (_linear(c / 255) for c in rgb)
    x = r * 0.4124 + g * 0.3576 + b * 0.1805
    y = r * 0.2126 + g * 0.7152 + b * 0.0722
    z = r * 0.0193 + g * 0.1192 + b * 0.9505
    total = x + y + z
    if total == 0:
        return (0.3127, 0.3290)
    return (round(x / total, 4), round(y / total, 4))


def xy_to_rgb(x: float, y: float, brightness: float = 1.0) -> RGB:
    """CIE xy back to sRGB, scaled so the brightest channel is full."""
    if y <= 0:
        return (0, 0, 0)
    big_y = brightness
    big_x = big_y / y * x
    big_z = big_y / y * (1 - x - y)
    r = big_x * 3.2406 - big_y * 1.5372 - big_z * 0.4986
    g = -big_x * 0.9689 + big_y * 1.8758 + big_z * 0.0415
    b = big_x * 0.0557 - big_y * 0.2040 + big_z * 1.0570
    channels = [max(0.0, c) for c in (r, g, b)]
    top = max(channels) or 1.0
    r8, g8, b8 = (round(_gamma(c / top) * 255) for c in channels)
    return (r8, g8, b8)


def same_color(a: str | list[int], b: str | list[int]) -> bool:
    """Equal by name, or by the nearest named colour of either side."""
    return nearest_color_name(to_rgb(a)) == nearest_color_name(to_rgb(b))


def _linear(c: float) -> float:
    return c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4


def _gamma(c: float) -> float:
    return 12.92 * c if c <= 0.0031308 else 1.055 * c ** (1 / 2.4) - 0.055


def _distance(a: RGB, b: RGB) -> int:
    return sum((p - q) ** 2 for p, q in zip(a, b, strict=False))
