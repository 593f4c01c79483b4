"""LaTeX formulas to PNG images with matplotlib's mathtext (issue 15). No Qt here.

matplotlib is imported on the first formula, never at start-up (it costs ~0.7 s). A formula
mathtext cannot typeset gives None: the caller shows its source instead, never an error.
"""

from __future__ import annotations

import io
import logging
import threading
from functools import lru_cache

log = logging.getLogger(__name__)

MAX_FORMULA_CHARS = 2_000  # longer "formulas" are shown as their source

_imported = threading.Event()
_importer: threading.Thread | None = None


def prepare() -> bool:
    """True once matplotlib is imported. Otherwise its import starts on a worker thread (it
    takes ~0.7 s, and a first run also scans the system's fonts), and this says False: the
    caller shows formulas as their source meanwhile, and asks again later."""
    global _importer
    if _imported.is_set():
        return True
    if _importer is None:
        _importer = threading.Thread(target=_import, name="mathtext-import", daemon=True)
        _importer.start()
    return False


def _import() -> None:
    try:
        from matplotlib import mathtext

        mathtext.math_to_image("$x$", io.BytesIO(), dpi=72, format="png")  # fonts loaded
    except Exception as error:  # no matplotlib, or a broken one: formulas stay source
        log.info("formulas are shown as source: matplotlib cannot typeset (%s)", error)
    finally:
        _imported.set()


@lru_cache(maxsize=512)
def formula_png(
    source: str, *, display: bool, colour: str, point_size: float, dpi: float
) -> bytes | None:
    """The formula typeset in `colour` at `point_size` and `dpi` (the device's dots per inch
    times its pixel ratio, so that the image is crisp), as PNG bytes; None if it cannot be."""
    source = source.strip()
    if not source or len(source) > MAX_FORMULA_CHARS or "\n\n" in source:
        return None
    if not prepare():
        _imported.wait()  # one import, on the worker: two threads importing it could clash
    try:
        from matplotlib import mathtext, rc_context
        from matplotlib.font_manager import FontProperties

        buffer = io.BytesIO()
        size = point_size * (1.15 if display else 1.0)
        with rc_context({"savefig.transparent": True}):  # on any background, light or dark
            mathtext.math_to_image(
                f"${' '.join(source.split())}$",
                buffer,
                prop=FontProperties(size=size),
                dpi=dpi,
                format="png",
                color=colour,
            )
    except Exception as error:  # bad LaTeX, or a mathtext limit: the source is shown instead
        log.debug("formula not typeset (%s): %.80r", type(error).__name__, source)
        return None
    return buffer.getvalue()
