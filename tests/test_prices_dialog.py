"""Editing the price table: edits are stored as overrides and change what answers cost."""

from __future__ import annotations

from desktop_chat.credentials import KeyStore
from desktop_chat.pricing import price_table
from desktop_chat.providers import Providers
from desktop_chat.ui.prices_dialog import PricesDialog


def test_edit_add_and_remove_prices(qtbot, tmp_path):
    providers = Providers(KeyStore({}), tmp_path / "settings.json", {})
    dialog = PricesDialog(providers)
    qtbot.addWidget(dialog)
    rows = {dialog.table.item(r, 0).text(): r for r in range(dialog.table.rowCount())}
    dialog.table.item(rows["gpt-4"], 1).setText("25")
    dialog.table.removeRow(rows["gpt-3.5-turbo"])
    dialog._add_row("llama3", 0.1, 0.2)
    dialog._save()
    table = price_table(providers.settings.prices)
    assert table["gpt-4"] == (25.0, 60.0)
    assert "gpt-3.5-turbo" not in table
    assert table["llama3"] == (0.1, 0.2)
    assert providers.settings.prices["gpt-3.5-turbo"] is None
    reopened = PricesDialog(Providers(KeyStore({}), tmp_path / "settings.json", {}))
    qtbot.addWidget(reopened)
    assert reopened.prices() == table
