"""A scroll bar that repaints only when what it shows changes, and paints itself flat.

A streamed answer changes the view's scroll range at every frame. A plain QScrollBar repaints
itself on each change, and since it is not opaque, every widget behind it repaints that strip
too; in Qt's raster engine the bar's tall fills also go through a thread pool. While the view
follows the stream, the handle sits at the bottom at its least length and nothing on screen
moves, so those repaints show nothing new: this bar skips them.

When it does paint, it draws a flat groove, a rounded handle and two small arrow marks in the
palette's colours, in the manner of current chat apps. Fusion's gradients took ~1.5 ms a
paint (a streamed answer repaints the bar at each frame while the handle shrinks); this takes
~0.05 ms. The geometry stays the style's, so clicks and drags behave as in any scroll bar.
"""

from __future__ import annotations

from PySide6.QtCore import QPointF, QRect, QRectF, QTimer
from PySide6.QtGui import QColor, QPainter, QPainterPath, QPaintEvent, QPalette
from PySide6.QtWidgets import QAbstractSlider, QScrollBar, QStyle, QStyleOptionSlider, QWidget

_Shown = tuple[int, int, int, int, bool, bool, bool, bool, bool]

# Looked up once: PySide builds an enum member's wrapper at each attribute access.
_SCROLL_BAR = QStyle.ComplexControl.CC_ScrollBar
_HANDLE = QStyle.SubControl.SC_ScrollBarSlider
_UP = QStyle.SubControl.SC_ScrollBarSubLine
_DOWN = QStyle.SubControl.SC_ScrollBarAddLine
_MOUSE_OVER = QStyle.StateFlag.State_MouseOver
_BASE = QPalette.ColorRole.Base
_INK = QPalette.ColorRole.WindowText
_RANGE_CHANGE = QAbstractSlider.SliderChange.SliderRangeChange
_VALUE_CHANGE = QAbstractSlider.SliderChange.SliderValueChange
_ANTIALIASING = QPainter.RenderHint.Antialiasing

HANDLE_INSET_PX = 3  # each side: a 16-pixel bar shows a 10-pixel handle
ALPHA_IDLE, ALPHA_HOVER, ALPHA_PRESSED = 70, 120, 160  # the handle's ink, out of 255


class QuietScrollBar(QScrollBar):
    """Vertical (QScrollBar's default; `Qt.Orientation` is not touched, it is slow to build)."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._shown: _Shown | None = None  # what the last paint showed
        self._check = QTimer(self)  # a child: it goes with the bar, never outlives it
        self._check.setSingleShot(True)
        self._check.setInterval(0)
        self._check.timeout.connect(self._update_if_changed)

    def _option(self) -> QStyleOptionSlider:
        option = QStyleOptionSlider()
        self.initStyleOption(option)
        return option

    def _handle(self, option: QStyleOptionSlider) -> QRect:
        return self.style().subControlRect(_SCROLL_BAR, option, _HANDLE, self)

    def _state(self, option: QStyleOptionSlider, handle: QRect) -> _Shown:
        """The handle's geometry, each arrow's and the handle's look: all a change can alter."""
        value = self.value()
        return (
            handle.x(),
            handle.y(),
            handle.width(),
            handle.height(),
            value <= self.minimum(),
            value >= self.maximum(),
            self.isEnabled(),
            self._hovered(option),
            self.isSliderDown(),
        )

    @staticmethod
    def _hovered(option: QStyleOptionSlider) -> bool:
        return bool(option.state & _MOUSE_OVER) and bool(option.activeSubControls & _HANDLE)

    def sliderChange(self, change: QAbstractSlider.SliderChange) -> None:
        if self._shown is None:
            super().sliderChange(change)
        elif change is _RANGE_CHANGE:
            # Mid-change: the view's follow-the-stream moves the value only after this, so the
            # state is compared once the change is over.
            if not self._check.isActive():
                self._check.start()
        elif change is _VALUE_CHANGE:
            self._update_if_changed()
        else:
            super().sliderChange(change)

    def _update_if_changed(self) -> None:
        option = self._option()
        if self._state(option, self._handle(option)) != self._shown:
            self.update()  # what QAbstractSlider.sliderChange does

    def paintEvent(self, event: QPaintEvent) -> None:
        option = self._option()
        handle = self._handle(option)
        self._shown = shown = self._state(option, handle)
        at_top, at_bottom, enabled, hovered, pressed = shown[4:]
        palette = self.palette()
        painter = QPainter(self)
        painter.fillRect(self.rect(), palette.color(_BASE))
        painter.setRenderHint(_ANTIALIASING)
        ink = palette.color(_INK)
        if enabled and handle.isValid():
            box = QRectF(handle).adjusted(HANDLE_INSET_PX, 1, -HANDLE_INSET_PX, -1)
            radius = box.width() / 2
            path = QPainterPath()
            path.addRoundedRect(box, radius, radius)
            alpha = ALPHA_PRESSED if pressed else ALPHA_HOVER if hovered else ALPHA_IDLE
            painter.fillPath(path, _with_alpha(ink, alpha))
        style = self.style()
        arrows = ((_UP, True, not at_top), (_DOWN, False, not at_bottom))
        for control, pointing_up, usable in arrows:
            area = style.subControlRect(_SCROLL_BAR, option, control, self)
            if area.isValid():
                alpha = ALPHA_PRESSED if enabled and usable else ALPHA_IDLE // 2
                painter.fillPath(_arrow(QRectF(area), pointing_up), _with_alpha(ink, alpha))
        painter.end()


def _with_alpha(colour: QColor, alpha: int) -> QColor:
    shade = QColor(colour)
    shade.setAlpha(alpha)
    return shade


def _arrow(area: QRectF, pointing_up: bool) -> QPainterPath:
    """A small filled triangle in the middle of an arrow button's area."""
    centre = area.center()
    half = max(2.0, min(area.width(), area.height()) / 5)
    tip, base = (-half / 2, half / 2) if pointing_up else (half / 2, -half / 2)
    path = QPainterPath(QPointF(centre.x(), centre.y() + tip))
    path.lineTo(centre.x() - half, centre.y() + base)
    path.lineTo(centre.x() + half, centre.y() + base)
    path.closeSubpath()
    return path
