"""QR codes of feed links, drawn here as inline SVG (no image service, nothing external)."""

from __future__ import annotations

from functools import lru_cache

import segno
from markupsafe import Markup, escape


@lru_cache(maxsize=256)
def qr_svg(data: str, *, label: str) -> Markup:
    """An accessible inline SVG; sized by the stylesheet (segno writes no style attributes,
    which the pages' Content-Security-Policy would block)."""
    code = segno.make(data, error="m")
    svg = code.svg_inline(
        scale=4, dark="#1f2933", light="#ffffff", svgclass="qr", lineclass=None, omitsize=True
    )
    # role=img with a label: screen readers announce one image, not a path.
    return Markup(svg.replace("<svg ", f'<svg role="img" aria-label="{escape(label)}" focusable="false" ', 1))
