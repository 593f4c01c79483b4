"""PricesDialog: the per-model price table (USD per million tokens), editable.

Shipped prices are dated (pricing.PRICES_AS_OF); the user's edits are stored in settings as
overrides, and a removed model is stored as null so a shipped price does not come back.
"""

from __future__ import annotations

from dataclasses import replace

from PySide6.QtCore import QLocale
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QHeaderView,
    QLabel,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from desktop_chat.pricing import DEFAULT_PRICES, PRICES_AS_OF, price_table
from desktop_chat.providers import Providers
from desktop_chat.ui.i18n import translate


def _price_of(text: str) -> float:
    """A price typed in the locale's way ("2,5" in German) or with a point; ValueError if not
    a number."""
    value, ok = QLocale().toDouble(text.strip())
    return value if ok else float(text)


class PricesDialog(QDialog):
    def __init__(self, providers: Providers, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.providers = providers
        self.setObjectName("pricesDialog")
        self.setWindowTitle(translate("PricesDialog", "Prices per model"))
        layout = QVBoxLayout(self)
        note = QLabel(
            translate(
                "PricesDialog",
                "USD per million tokens. Shipped prices are OpenAI's of {date}; edit them "
                "to match your provider. A model without a price shows no cost.",
            ).format(date=PRICES_AS_OF),
            self,
        )
        note.setWordWrap(True)
        layout.addWidget(note)
        self.table = QTableWidget(0, 3, self)
        self.table.setObjectName("pricesTable")
        self.table.setHorizontalHeaderLabels(
            [
                translate("PricesDialog", "Model"),
                translate("PricesDialog", "Input $/1M"),
                translate("PricesDialog", "Output $/1M"),
            ]
        )
        self.table.horizontalHeader().setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        for model, (price_in, price_out) in sorted(price_table(providers.settings.prices).items()):
            self._add_row(model, price_in, price_out)
        layout.addWidget(self.table, 1)
        add = QPushButton(translate("PricesDialog", "Add model"), self)
        add.clicked.connect(lambda: self._add_row("", 0.0, 0.0))
        remove = QPushButton(translate("PricesDialog", "Remove"), self)
        remove.clicked.connect(lambda: self.table.removeRow(self.table.currentRow()))
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Save | QDialogButtonBox.StandardButton.Cancel, self
        )
        buttons.addButton(add, QDialogButtonBox.ButtonRole.ActionRole)
        buttons.addButton(remove, QDialogButtonBox.ButtonRole.ActionRole)
        buttons.accepted.connect(self._save)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)
        self.resize(520, 420)

    def _add_row(self, model: str, price_in: float, price_out: float) -> None:
        row = self.table.rowCount()
        self.table.insertRow(row)
        locale = QLocale()  # 2.5 shows as "2,5" in German, and is read back the same way
        locale.setNumberOptions(QLocale.NumberOption.OmitGroupSeparator)
        shown = (locale.toString(price_in, "g", 12), locale.toString(price_out, "g", 12))
        for column, value in enumerate((model, *shown)):
            self.table.setItem(row, column, QTableWidgetItem(value))

    def prices(self) -> dict[str, tuple[float, float]]:
        table: dict[str, tuple[float, float]] = {}
        for row in range(self.table.rowCount()):
            cells = [self.table.item(row, c) for c in range(3)]
            model = cells[0].text().strip() if cells[0] else ""
            try:
                values = tuple(_price_of(c.text()) if c else -1.0 for c in cells[1:])
            except ValueError:
                continue  # a cell that is not a number: that row is left out
            if model and all(v >= 0 for v in values):
                table[model] = (values[0], values[1])
        return table

    def _save(self) -> None:
        wanted = self.prices()
        overrides: dict[str, object] = {
            model: list(price)
            for model, price in wanted.items()
            if DEFAULT_PRICES.get(model) != price
        }
        overrides.update({model: None for model in DEFAULT_PRICES if model not in wanted})
        self.providers.update(replace(self.providers.settings, prices=overrides))
        self.accept()
