"""A scroll bar that repaints only when what it shows changes.

A streamed answer changes the view's scroll range at every frame. A plain QScrollBar repaints
itself on each change, and since it is not opaque, every widget behind it repaints that strip
too; in Qt's raster engine the bar's tall fills also go through a thread pool. While the view
follows the stream, the handle sits at the bottom at its least length and nothing on screen
moves, so those repaints show nothing new: this bar skips them.
"""

from __future__ import annotations

from PySide6.QtCore import QTimer
from PySide6.QtGui import QPaintEvent
from PySide6.QtWidgets import QAbstractSlider, QScrollBar, QStyle, QStyleOptionSlider, QWidget

_Shown = tuple[int, int, int, int, bool, bool, bool]


class QuietScrollBar(QScrollBar):
    """Vertical (QScrollBar's default; `Qt.Orientation` is not touched, it is slow to build)."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._shown: _Shown | None = None  # what the last paint showed
        self._check = QTimer(self)  # a child: it goes with the bar, never outlives it
        self._check.setSingleShot(True)
        self._check.setInterval(0)
        self._check.timeout.connect(self._update_if_changed)

    def _state(self) -> _Shown:
        """The handle's geometry and whether each arrow is enabled: all a change can alter."""
        option = QStyleOptionSlider()
        self.initStyleOption(option)
        handle = self.style().subControlRect(
            QStyle.ComplexControl.CC_ScrollBar, option, QStyle.SubControl.SC_ScrollBarSlider, self
        )
        value = self.value()
        return (
            handle.x(),
            handle.y(),
            handle.width(),
            handle.height(),
            value <= self.minimum(),
            value >= self.maximum(),
            self.isEnabled(),
        )

    def sliderChange(self, change: QAbstractSlider.SliderChange) -> None:
        if self._shown is None:
            super().sliderChange(change)
        elif change is QAbstractSlider.SliderChange.SliderRangeChange:
            # Mid-change: the view's follow-the-stream moves the value only after this, so the
            # state is compared once the change is over.
            if not self._check.isActive():
                self._check.start()
        elif change is QAbstractSlider.SliderChange.SliderValueChange:
            self._update_if_changed()
        else:
            super().sliderChange(change)

    def _update_if_changed(self) -> None:
        if self._state() != self._shown:
            self.update()  # what QAbstractSlider.sliderChange does

    def paintEvent(self, event: QPaintEvent) -> None:
        self._shown = self._state()
        super().paintEvent(event)
