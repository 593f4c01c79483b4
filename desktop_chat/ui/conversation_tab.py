"""ConversationTab: one conversation — its settings, message view, error notice and composer.

The tab renders what the store holds and what the controller streams; it never talks to the
API or to SQL directly. A tab can be closed while its answer streams: the controller owns the
request, and reopening the conversation shows the live answer again.
"""

from __future__ import annotations

from dataclasses import replace
from typing import TYPE_CHECKING

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtGui import (
    QGuiApplication,
    QImage,
    QKeySequence,
    QShortcut,
    QShowEvent,
    QTextCursor,
    QTextDocument,
)
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QDoubleSpinBox,
    QFormLayout,
    QFrame,
    QHBoxLayout,
    QInputDialog,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from desktop_chat.capabilities import capabilities_of, capability_table
from desktop_chat.controller import ChatController
from desktop_chat.domain import (
    IMAGE_DETAILS,
    REASONING_EFFORTS,
    Attachment,
    ChatError,
    Conversation,
    ErrorKind,
    Message,
    Mode,
    Parameters,
    Role,
    estimate_tokens,
    request_history,
)
from desktop_chat.model_choice import ModelMemory
from desktop_chat.model_list import fallback_model
from desktop_chat.pricing import cost, price_table
from desktop_chat.providers import Providers
from desktop_chat.request_rules import not_applicable_reason
from desktop_chat.ui import tool_panel
from desktop_chat.ui.first_paint import after_first_paint
from desktop_chat.ui.i18n import (
    QT_TRANSLATE_NOOP,
    compact_tokens,
    money,
    number,
    shown_title,
    translate,
)
from desktop_chat.ui.message_view import MessageView
from desktop_chat.ui.model_picker import ModelPickerPopup
from desktop_chat.ui.notice import Notice
from desktop_chat.ui.tab_chrome import TabChrome
from desktop_chat.ui.theme import notice_colours

if TYPE_CHECKING:
    from desktop_chat.ui.compare_view import CompareView

MAX_STOP_SEQUENCES = 4


def _optional_spin(minimum: float, maximum: float, step: float, decimals: int) -> QDoubleSpinBox:
    """A spin box whose lowest value reads "default" and means "not sent"."""
    spin = QDoubleSpinBox()
    spin.setRange(minimum - step, maximum)
    spin.setSingleStep(step)
    spin.setDecimals(decimals)
    spin.setSpecialValueText(translate("ParametersPanel", "default"))
    spin.setValue(spin.minimum())
    return spin


BUILTIN_PRESETS: dict[str, dict[str, object]] = {
    "Precise": {"temperature": 0.2, "top_p": 1.0},
    "Balanced": {"temperature": 0.7, "top_p": 1.0},
    "Creative": {"temperature": 1.2, "top_p": 0.95, "presence_penalty": 0.3},
}


def _not_applicable(model: str, parameter: str) -> str | None:
    """request_rules' verdict on `parameter` for `model`, said in the UI language."""
    if not_applicable_reason(model, parameter) is None:
        return None
    if parameter == "reasoning_effort":
        text = translate("ParametersPanel", "{model} is not a reasoning model.")
    elif parameter == "stop":
        text = translate("ParametersPanel", "{model} does not accept stop sequences.")
    elif parameter == "system_prompt":
        text = translate(
            "ParametersPanel",
            "{model} takes no system message: it is sent at the start of the first message.",
        )
    else:
        text = translate(
            "ParametersPanel",
            "{model} is a reasoning model: it only accepts the default {parameter}.",
        )
    return text.format(model=model, parameter=parameter)


# The built-in presets' names as shown (the keys above stay the stored names).
PRESET_LABELS = {
    "Precise": QT_TRANSLATE_NOOP("ParametersPanel", "Precise"),
    "Balanced": QT_TRANSLATE_NOOP("ParametersPanel", "Balanced"),
    "Creative": QT_TRANSLATE_NOOP("ParametersPanel", "Creative"),
}


class ParametersPanel(QFrame):
    """System prompt and sampling parameters of one conversation."""

    changed = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._providers: Providers | None = None
        self.setObjectName("parametersPanel")
        self.setFrameShape(QFrame.Shape.StyledPanel)
        form = QFormLayout(self)
        top = QHBoxLayout()
        self.mode = QComboBox(self)
        self.mode.setObjectName("modeSelector")
        self.mode.setAccessibleName(translate("ParametersPanel", "Mode"))
        self.mode.addItem(
            translate("ParametersPanel", "Chat (messages with roles)"), Mode.CHAT.value
        )
        self.mode.addItem(
            translate("ParametersPanel", "Completion (plain prompt, instruct models)"),
            Mode.COMPLETION.value,
        )
        self.mode.currentIndexChanged.connect(lambda _i: self.changed.emit())
        self.mode.currentIndexChanged.connect(lambda _i: self._show_mode())
        top.addWidget(self.mode)
        self.presets = QComboBox(self)
        self.presets.setObjectName("parameterPresets")
        self.presets.setAccessibleName(translate("ParametersPanel", "Parameter presets"))
        self.presets.activated.connect(self._apply_preset)
        top.addWidget(self.presets)
        save_preset = QPushButton(translate("ParametersPanel", "Save preset…"), self)
        save_preset.setObjectName("savePreset")
        save_preset.clicked.connect(self._save_preset)
        top.addWidget(save_preset)
        reset = QPushButton(translate("ParametersPanel", "Reset"), self)
        reset.setObjectName("resetParameters")
        reset.setToolTip(
            translate("ParametersPanel", "Back to the server's defaults (nothing sent)")
        )
        reset.clicked.connect(self.reset)
        top.addWidget(reset)
        top.addStretch(1)
        form.addRow(top)
        library_row = QHBoxLayout()
        self.prompt_library = QComboBox(self)
        self.prompt_library.setObjectName("promptLibrary")
        self.prompt_library.setAccessibleName(translate("ParametersPanel", "Saved system messages"))
        self.prompt_library.activated.connect(self._use_saved_prompt)
        save_prompt = QPushButton(translate("ParametersPanel", "Save to library…"), self)
        save_prompt.setObjectName("savePrompt")
        save_prompt.clicked.connect(self._save_prompt)
        library_row.addWidget(self.prompt_library, 1)
        library_row.addWidget(save_prompt)
        form.addRow(translate("ParametersPanel", "Library"), library_row)
        self.system_prompt = QPlainTextEdit(self)
        self.system_prompt.setObjectName("systemPrompt")
        self.system_prompt.setAccessibleName(translate("ParametersPanel", "System message"))
        self.system_prompt.setPlaceholderText(
            translate("ParametersPanel", "Optional system message, sent first with every turn")
        )
        self.system_prompt.setTabChangesFocus(True)
        self.system_prompt.setFixedHeight(self.fontMetrics().lineSpacing() * 4 + 12)
        form.addRow(translate("ParametersPanel", "System message"), self.system_prompt)
        row = QHBoxLayout()
        self.temperature = _optional_spin(0.0, 2.0, 0.1, 2)
        self.top_p = _optional_spin(0.0, 1.0, 0.05, 2)
        self.presence_penalty = _optional_spin(-2.0, 2.0, 0.1, 2)
        self.frequency_penalty = _optional_spin(-2.0, 2.0, 0.1, 2)
        self.max_tokens = QSpinBox()
        self.max_tokens.setRange(0, 1_000_000)
        self.max_tokens.setSpecialValueText(translate("ParametersPanel", "default"))
        for label, widget, name in (
            (translate("ParametersPanel", "Temperature"), self.temperature, "temperature"),
            (translate("ParametersPanel", "Top p"), self.top_p, "topP"),
            (translate("ParametersPanel", "Max tokens"), self.max_tokens, "maxTokens"),
            (translate("ParametersPanel", "Presence"), self.presence_penalty, "presencePenalty"),
            (translate("ParametersPanel", "Frequency"), self.frequency_penalty, "frequencyPenalty"),
        ):
            widget.setObjectName(name)
            widget.setAccessibleName(label)
            caption = QLabel(label)
            caption.setBuddy(widget)
            row.addWidget(caption)
            row.addWidget(widget)
            widget.valueChanged.connect(self.changed)
        row.addStretch(1)
        form.addRow(row)
        extra = QHBoxLayout()
        self.seed = QSpinBox(self)
        self.seed.setObjectName("seed")
        self.seed.setAccessibleName(translate("ParametersPanel", "Seed"))
        self.seed.setRange(-1, 2_147_483_647)
        self.seed.setSpecialValueText(translate("ParametersPanel", "default"))
        self.seed.setValue(-1)
        self.seed.valueChanged.connect(self.changed)
        seed_label = QLabel(translate("ParametersPanel", "Seed"), self)
        seed_label.setBuddy(self.seed)
        self.json_mode = QCheckBox(translate("ParametersPanel", "JSON output"), self)
        self.json_mode.setObjectName("jsonMode")
        self.json_mode.setToolTip(
            translate("ParametersPanel", 'response_format {"type": "json_object"} (chat mode)')
        )
        self.json_mode.toggled.connect(lambda _on: self.changed.emit())
        self.reasoning_effort = QComboBox(self)
        self.reasoning_effort.setObjectName("reasoningEffort")
        self.reasoning_effort.setAccessibleName(translate("ParametersPanel", "Reasoning effort"))
        self.reasoning_effort.addItem("default", None)
        for effort in REASONING_EFFORTS:
            self.reasoning_effort.addItem(effort, effort)
        self.reasoning_effort.currentIndexChanged.connect(lambda _i: self.changed.emit())
        effort_label = QLabel(translate("ParametersPanel", "Reasoning"), self)
        effort_label.setBuddy(self.reasoning_effort)
        self.image_detail = QComboBox(self)
        self.image_detail.setObjectName("imageDetail")
        self.image_detail.setAccessibleName(translate("ParametersPanel", "Image detail"))
        self.image_detail.setToolTip(
            translate("ParametersPanel", "How closely a vision model looks at attached images")
        )
        for detail in IMAGE_DETAILS:
            self.image_detail.addItem(detail, detail)
        self.image_detail.currentIndexChanged.connect(lambda _i: self.changed.emit())
        detail_label = QLabel(translate("ParametersPanel", "Image detail"), self)
        detail_label.setBuddy(self.image_detail)
        self.omit_images = QCheckBox(translate("ParametersPanel", "Leave earlier images out"), self)
        self.omit_images.setObjectName("omitEarlierImages")
        self.omit_images.setToolTip(
            translate(
                "ParametersPanel",
                "Send earlier prompts without their images (for a model that takes no images)",
            )
        )
        self.omit_images.toggled.connect(lambda _on: self.changed.emit())
        self.context_messages = QSpinBox(self)
        self.context_messages.setObjectName("contextMessages")
        self.context_messages.setAccessibleName(
            translate("ParametersPanel", "Context: messages sent")
        )
        self.context_messages.setRange(0, 100_000)
        self.context_messages.setSpecialValueText(translate("ParametersPanel", "all messages"))
        self.context_messages.setPrefix(translate("ParametersPanel", "last "))
        self.context_messages.setToolTip(
            translate(
                "ParametersPanel",
                "How much of the history each request sends; the system message always goes",
            )
        )
        self.context_messages.valueChanged.connect(self.changed)
        context_label = QLabel(translate("ParametersPanel", "Context"), self)
        context_label.setBuddy(self.context_messages)
        extra.addWidget(seed_label)
        extra.addWidget(self.seed)
        extra.addWidget(context_label)
        extra.addWidget(self.context_messages)
        extra.addWidget(effort_label)
        extra.addWidget(self.reasoning_effort)
        extra.addWidget(self.json_mode)
        extra.addWidget(detail_label)
        extra.addWidget(self.image_detail)
        extra.addWidget(self.omit_images)
        one = QLabel("n = 1", self)
        one.setToolTip(
            translate("ParametersPanel", "One answer per request: regenerate for another")
        )
        one.setEnabled(False)
        extra.addWidget(one)
        extra.addStretch(1)
        form.addRow(extra)
        self.stop = QPlainTextEdit(self)
        self.stop.setObjectName("stopSequences")
        self.stop.setAccessibleName(translate("ParametersPanel", "Stop sequences"))
        self.stop.setPlaceholderText(
            translate("ParametersPanel", "Stop sequences, one per line (up to 4)")
        )
        self.stop.setTabChangesFocus(True)
        self.stop.setFixedHeight(self.fontMetrics().lineSpacing() * 2 + 12)
        form.addRow(translate("ParametersPanel", "Stop"), self.stop)
        self._save_timer = QTimer(self)
        self._save_timer.setSingleShot(True)
        self._save_timer.setInterval(400)
        self._save_timer.timeout.connect(self.changed)
        self.system_prompt.textChanged.connect(self._save_timer.start)
        self.stop.textChanged.connect(self._save_timer.start)

    # --- presets and the prompt library (kept in settings, shared by all chats) ---------------

    def set_library(self, providers: Providers | None) -> None:
        self._providers = providers
        self._fill_library()

    def _fill_library(self) -> None:
        settings = self._providers.settings if self._providers is not None else None
        self.presets.clear()
        self.presets.addItem(translate("ParametersPanel", "Presets…"))
        for name in BUILTIN_PRESETS:
            self.presets.addItem(translate("ParametersPanel", PRESET_LABELS[name]), name)
        for name in settings.parameter_presets if settings else {}:
            self.presets.addItem(name, name)
        self.prompt_library.clear()
        self.prompt_library.addItem(translate("ParametersPanel", "Saved system messages…"))
        self.prompt_library.addItems(list(settings.system_prompts if settings else {}))

    def _apply_preset(self, index: int) -> None:
        name = self.presets.itemData(index) or self.presets.itemText(index)
        settings = self._providers.settings if self._providers is not None else None
        values = BUILTIN_PRESETS.get(name) or (
            settings.parameter_presets.get(name) if settings else None
        )
        if values is not None:
            self._set_parameters(Parameters.from_dict(values))
            self.changed.emit()
        self.presets.setCurrentIndex(0)

    def _save_preset(self) -> None:
        if self._providers is None:
            return
        name, ok = QInputDialog.getText(
            self,
            translate("ParametersPanel", "Save preset"),
            translate("ParametersPanel", "Name for these parameters"),
        )
        if ok and name.strip():
            settings = self._providers.settings
            presets = {**settings.parameter_presets, name.strip(): self.parameters().to_dict()}
            self._providers.update(replace(settings, parameter_presets=presets))
            self._fill_library()

    def _use_saved_prompt(self, index: int) -> None:
        if index > 0 and self._providers is not None:
            text = self._providers.settings.system_prompts.get(self.prompt_library.itemText(index))
            if text is not None:
                self.system_prompt.setPlainText(text)
        self.prompt_library.setCurrentIndex(0)

    def _save_prompt(self) -> None:
        text = self.system_prompt.toPlainText().strip()
        if self._providers is None or not text:
            return
        name, ok = QInputDialog.getText(
            self,
            translate("ParametersPanel", "Save system message"),
            translate("ParametersPanel", "Name"),
            text=text[:40],
        )
        if ok and name.strip():
            settings = self._providers.settings
            prompts = {**settings.system_prompts, name.strip(): text}
            self._providers.update(replace(settings, system_prompts=prompts))
            self._fill_library()

    def reset(self) -> None:
        self._set_parameters(Parameters())
        self.changed.emit()

    def _set_parameters(self, p: Parameters) -> None:
        widgets = (
            self.temperature,
            self.top_p,
            self.max_tokens,
            self.presence_penalty,
            self.frequency_penalty,
            self.seed,
            self.json_mode,
            self.stop,
            self.reasoning_effort,
            self.context_messages,
            self.image_detail,
            self.omit_images,
        )
        for widget in widgets:
            widget.blockSignals(True)
        for spin, value in (
            (self.temperature, p.temperature),
            (self.top_p, p.top_p),
            (self.presence_penalty, p.presence_penalty),
            (self.frequency_penalty, p.frequency_penalty),
        ):
            spin.setValue(spin.minimum() if value is None else value)
        self.max_tokens.setValue(p.max_tokens or 0)
        self.context_messages.setValue(p.context_messages or 0)
        self.seed.setValue(-1 if p.seed is None else p.seed)
        self.json_mode.setChecked(p.json_mode)
        self.stop.setPlainText("\n".join(p.stop))
        self.reasoning_effort.setCurrentIndex(
            max(0, self.reasoning_effort.findData(p.reasoning_effort))
        )
        self.image_detail.setCurrentIndex(max(0, self.image_detail.findData(p.image_detail)))
        self.omit_images.setChecked(p.omit_earlier_images)
        for widget in widgets:
            widget.blockSignals(False)

    def _show_mode(self) -> None:
        """Completion mode sends one plain prompt: no system message, no JSON format."""
        chat = self.current_mode() is Mode.CHAT
        self.system_prompt.setEnabled(chat)
        self.json_mode.setEnabled(chat)
        self.system_prompt.setToolTip(
            "" if chat else translate("ParametersPanel", "Not sent in Completion mode")
        )

    def current_mode(self) -> Mode:
        return Mode(self.mode.currentData())

    def load(self, conversation: Conversation) -> None:
        self.mode.blockSignals(True)
        self.mode.setCurrentIndex(max(0, self.mode.findData(conversation.mode.value)))
        self.mode.blockSignals(False)
        self._show_mode()
        self.system_prompt.blockSignals(True)
        self.system_prompt.setPlainText(conversation.system_prompt)
        self.system_prompt.blockSignals(False)
        self._set_parameters(conversation.parameters)

    def flush(self) -> None:
        if self._save_timer.isActive():
            self._save_timer.stop()
            self.changed.emit()

    def parameters(self) -> Parameters:
        def optional(spin: QDoubleSpinBox) -> float | None:
            return None if spin.value() <= spin.minimum() else round(spin.value(), 4)

        stops = [line for line in self.stop.toPlainText().split("\n") if line][:MAX_STOP_SEQUENCES]
        return Parameters(
            temperature=optional(self.temperature),
            top_p=optional(self.top_p),
            max_tokens=self.max_tokens.value() or None,
            presence_penalty=optional(self.presence_penalty),
            frequency_penalty=optional(self.frequency_penalty),
            stop=tuple(stops),
            seed=None if self.seed.value() < 0 else self.seed.value(),
            json_mode=self.json_mode.isChecked(),
            reasoning_effort=self.reasoning_effort.currentData(),
            context_messages=self.context_messages.value() or None,
            image_detail=self.image_detail.currentData() or "auto",
            omit_earlier_images=self.omit_images.isChecked(),
        )

    def set_model(self, model: str) -> None:
        """Grey out what this model does not take, saying why (values are kept, not sent)."""
        for widget, parameter in (
            (self.temperature, "temperature"),
            (self.top_p, "top_p"),
            (self.presence_penalty, "presence_penalty"),
            (self.frequency_penalty, "frequency_penalty"),
            (self.stop, "stop"),
            (self.reasoning_effort, "reasoning_effort"),
        ):
            reason = _not_applicable(model, parameter)
            widget.setEnabled(reason is None)
            widget.setToolTip(reason or "")
        # Still sent, but folded into the first message: say so where it is typed.
        self.system_prompt.setToolTip(_not_applicable(model, "system_prompt") or "")


class EditDialog(QDialog):
    def __init__(self, message: Message, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("editMessageDialog")
        titles = {
            Role.USER: translate("EditDialog", "Edit user message"),
            Role.ASSISTANT: translate("EditDialog", "Edit assistant message"),
            Role.SYSTEM: translate("EditDialog", "Edit system message"),
        }
        self.setWindowTitle(titles.get(message.role, translate("EditDialog", "Edit message")))
        layout = QVBoxLayout(self)
        self.editor = QPlainTextEdit(self)
        self.editor.setObjectName("editMessageText")
        self.editor.setAccessibleName(translate("EditDialog", "Message text"))
        self.editor.setPlainText(message.content)
        layout.addWidget(self.editor)
        hint = (
            translate(
                "EditDialog",
                "Saving sends the edited prompt again; the previous version stays as an "
                "alternative.",
            )
            if message.role is Role.USER
            else translate("EditDialog", "The previous version stays as an alternative (‹ ›).")
        )
        note = QLabel(hint, self)
        note.setWordWrap(True)
        layout.addWidget(note)
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Save | QDialogButtonBox.StandardButton.Cancel, self
        )
        if message.role is Role.USER:
            buttons.button(QDialogButtonBox.StandardButton.Save).setText(
                translate("EditDialog", "Save && send")
            )
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)
        self.resize(560, 320)

    def text(self) -> str:
        return self.editor.toPlainText()


class AddMessageDialog(QDialog):
    """Add a message of any role, as in the Playground (no answer is asked for)."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("addMessageDialog")
        self.setWindowTitle(translate("AddMessageDialog", "Add a message"))
        layout = QVBoxLayout(self)
        self.role_picker = QComboBox(self)
        self.role_picker.setObjectName("addMessageRole")
        self.role_picker.setAccessibleName(translate("AddMessageDialog", "Role"))
        for role in (Role.USER, Role.ASSISTANT, Role.SYSTEM):
            self.role_picker.addItem(role.value.capitalize(), role.value)
        layout.addWidget(self.role_picker)
        self.editor = QPlainTextEdit(self)
        self.editor.setObjectName("addMessageText")
        self.editor.setAccessibleName(translate("AddMessageDialog", "Message text"))
        layout.addWidget(self.editor)
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel, self
        )
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)
        self.resize(520, 300)

    def role(self) -> Role:
        return Role(self.role_picker.currentData())

    def text(self) -> str:
        return self.editor.toPlainText()


class ConversationTab(TabChrome):
    """One conversation. Signals let the window update the tab's title and marks."""

    title_changed = Signal(str)
    activity_changed = Signal()  # streaming started/stopped or an unread answer arrived

    def __init__(
        self,
        conversation: Conversation,
        controller: ChatController,
        parent: QWidget | None = None,
        providers: Providers | None = None,
    ) -> None:
        super().__init__(MessageView(), parent)
        self.controller = controller
        self.providers = providers
        self.conversation = conversation
        self.unread = False
        self._rendered_signature: tuple[object, ...] | None = None
        self._deferred = False
        self.lay_out_after_paint = False
        self.setAccessibleName(
            translate("ConversationTab", "Conversation: {title}").format(
                title=shown_title(conversation.title)
            )
        )
        layout = self.column
        self.add_message_button.clicked.connect(self._add_message)

        # Built when first wanted (most chats never open it): ~0.5 MB a tab, with 20 tabs open.
        self._parameters_panel: ParametersPanel | None = None
        self.settings_button.toggled.connect(self._show_parameters)

        self.message_view: MessageView
        self.message_view.action_requested.connect(self._on_message_action)
        after_view = layout.indexOf(self.message_view) + 1

        self.find_bar = QLineEdit(self)
        self.find_bar.setObjectName("findInConversation")
        self.find_bar.setAccessibleName(translate("ConversationTab", "Find in this conversation"))
        self.find_bar.setPlaceholderText(
            translate("ConversationTab", "Find in this chat — Enter: next, Shift+Enter: previous")
        )
        self.find_bar.setClearButtonEnabled(True)
        self.find_bar.hide()
        self.find_bar.textChanged.connect(lambda _text: self._find(restart=True))
        self.find_bar.returnPressed.connect(self._find)
        layout.insertWidget(after_view, self.find_bar)

        self.notice = Notice("chatNotice", self)
        layout.insertWidget(after_view + 1, self.notice)
        self.tools = tool_panel.install(self)  # Tools button, approval prompt, call blocks

        overrides = providers.settings.capabilities if providers is not None else None
        self.capabilities = capability_table(overrides)
        self._history_tokens = 0  # estimate of what the next request sends, draft aside
        self._context_timer = QTimer(self)  # the draft's share, counted once typing pauses
        self._context_timer.setSingleShot(True)
        self._context_timer.setInterval(300)
        self._context_timer.timeout.connect(self._show_context)
        self.composer.textChanged.connect(self._context_timer.start)

        self.composer.submitted.connect(self.send)
        from desktop_chat.ui.attachment_view import AttachmentChips

        self.attachment_chips = AttachmentChips(self)
        layout.insertWidget(layout.indexOf(self.composer_box), self.attachment_chips)
        self.attachment_chips.changed.connect(self._context_timer.start)
        self.attachment_chips.changed.connect(self._update_buttons)
        self.composer.textChanged.connect(self._update_send)
        self.composer.attachments_offered.connect(self.attach)
        # Qt hands a drop only to a widget that accepts drops: the (read-only) view's viewport.
        self.message_view.setAcceptDrops(True)
        self.message_view.viewport().setAcceptDrops(True)
        self.message_view.files_dropped.connect(self.attach)  # as on the composer
        self.attach_button.show()
        self.attach_button.clicked.connect(self.choose_files)
        self.send_button.clicked.connect(self.send)
        self.stop_button.clicked.connect(self.stop)

        stop_shortcut = QShortcut(QKeySequence(QKeySequence.StandardKey.Cancel), self)
        stop_shortcut.setContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
        stop_shortcut.activated.connect(self._escape)
        find_shortcut = QShortcut(QKeySequence(QKeySequence.StandardKey.Find), self)
        find_shortcut.setContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
        find_shortcut.activated.connect(self.show_find)
        previous_shortcut = QShortcut(QKeySequence("Shift+Return"), self.find_bar)
        previous_shortcut.setContext(Qt.ShortcutContext.WidgetShortcut)
        previous_shortcut.activated.connect(lambda: self._find(backward=True))

        self.apply_prices()
        self.set_models(controller.models, controller.models_from_server)
        self.model_picker.currentTextChanged.connect(self._save_model)

        controller.started.connect(self._on_started)
        controller.delta.connect(self._on_delta)
        controller.answer_recast.connect(self._on_recast)
        controller.thinking_delta.connect(self._on_thinking)
        controller.finished.connect(self._on_finished)
        controller.failed.connect(self._on_failed)
        controller.conversation_changed.connect(self._on_conversation_changed)
        controller.models_loaded.connect(self._on_default_models)
        controller.profile_models_loaded.connect(self._on_profile_models)
        self.profile_picker.currentTextChanged.connect(self._on_profile_chosen)
        from desktop_chat.ui.compare_view import install as install_compare

        self.compare_bar = install_compare(self)  # Compare + and the side-by-side view
        self.compare_bar.show_profiles()

        # A tab restored in the background is laid out when first shown: twenty restored tabs
        # then cost one layout at start, not twenty (memory and start-up time).
        self._deferred = True
        self._update_buttons()

    def showEvent(self, event: QShowEvent) -> None:
        if self._deferred:
            if self.lay_out_after_paint:
                # Wait for the (empty) view's first paint, so the window shows at once.
                after_first_paint(self.message_view.viewport(), self._lay_out_if_deferred)
            else:
                self._lay_out_now()
        super().showEvent(event)

    def _lay_out_if_deferred(self) -> None:
        if self._deferred:
            self._lay_out_now()

    def _lay_out_now(self) -> None:
        self._deferred = False
        if self.lay_out_after_paint:
            self._reload(render=False)  # its messages were not read at start
        self._render()
        live = self.controller.live_message(self.conversation.id)
        if live is not None:  # reopened while its answer still streams
            self.message_view.begin_stream(live)

    # --- public -----------------------------------------------------------------------------

    @property
    def conversation_id(self) -> str:
        return self.conversation.id

    @property
    def is_streaming(self) -> bool:
        return self.controller.is_streaming(self.conversation.id)

    # --- attachments ----------------------------------------------------------------------

    @property
    def pending_attachments(self) -> list[Attachment]:
        return list(self.attachment_chips.attachments)

    def save_draft_attachments(self) -> None:
        """The draft's files go with the text draft into the saved session."""
        import contextlib

        from desktop_chat.store import StoreError

        # On failure the text draft's save (the session) says what went wrong, once.
        with contextlib.suppress(StoreError):
            self.controller.store.set_draft_attachments(
                self.conversation.id, self.attachment_chips.attachments
            )

    def restore_draft_attachments(self) -> None:
        self.attachment_chips.set_attachments(
            list(self.controller.store.draft_attachments(self.conversation.id))
        )

    def choose_files(self) -> None:
        from PySide6.QtWidgets import QFileDialog

        paths, _filter = QFileDialog.getOpenFileNames(
            self, translate("ConversationTab", "Attach files")
        )
        if paths:
            self.attach(paths)

    def attach(self, items: list[object]) -> None:
        """Files (paths) and images (QImage, pasted) go with the next prompt as chips; a file
        that cannot go is named in the notice, the rest are attached."""
        from desktop_chat.attachments import (
            AttachmentError,
            attachment_from_image,
            load_attachment,
        )

        limit = self.providers.settings.attachment_text_limit if self.providers else 200_000
        problems = []
        for item in items:
            try:
                if isinstance(item, QImage):
                    attachment = attachment_from_image(item, "pasted image.png")
                else:
                    attachment = load_attachment(str(item), limit)
            except AttachmentError as error:
                problems.append(str(error))
                continue
            self.attachment_chips.add(attachment)
        if problems:
            self.notice.show_message("\n".join(problems), "error", [])

    def _leave_images_out(self) -> None:
        parameters = replace(self.conversation.parameters, omit_earlier_images=True)
        self.conversation = self.controller.store.update_conversation(
            self.conversation.id, parameters=parameters
        )
        if self._parameters_panel is not None:
            self._parameters_panel.load(self.conversation)
        self.notice.show_message(
            "Earlier images will be left out of this chat's requests (System & parameters).",
            "info",
            [("Retry", self.retry)],
        )

    def send(self) -> None:
        text = self.composer.toPlainText()
        attachments = self.pending_attachments
        if (not text.strip() and not attachments) or self.is_streaming:
            return
        if self._parameters_panel is not None:
            self._parameters_panel.flush()
        self._save_model()
        self.model_memory().use(self.conversation.model)
        self.notice.hide()
        if self.compare_bar.extras:
            from desktop_chat.compare import Contender

            own = Contender(self.conversation.model, self.conversation.profile)
            if self.controller.compare.send(
                self.conversation.id, text, [own, *self.compare_bar.extras], attachments
            ):
                self.composer.clear()
                self.attachment_chips.clear()
            return
        if self.controller.send(self.conversation.id, text, attachments) is not None:
            # The prompt is committed to the store now; the composer can let it go.
            self.composer.clear()
            self.attachment_chips.clear()

    def stop(self) -> None:
        self.controller.stop(self.conversation.id)

    def _escape(self) -> None:
        """Esc closes the find bar if it has the focus; otherwise it stops the answer."""
        if self.find_bar.hasFocus():
            self.find_bar.hide()
            self.focus_composer()
        else:
            self.stop()

    def show_find(self) -> None:
        self.find_bar.show()
        self.find_bar.setFocus(Qt.FocusReason.ShortcutFocusReason)
        self.find_bar.selectAll()

    def _find(self, restart: bool = False, backward: bool = False) -> None:
        text = self.find_bar.text()
        view = self.message_view
        if not text:
            return
        if restart:
            cursor = view.textCursor()
            cursor.movePosition(QTextCursor.MoveOperation.Start)
            view.setTextCursor(cursor)
        flags = QTextDocument.FindFlag.FindBackward if backward else QTextDocument.FindFlag(0)
        found = view.find(text, flags)
        if not found:  # wrap around
            cursor = view.textCursor()
            cursor.movePosition(
                QTextCursor.MoveOperation.End if backward else QTextCursor.MoveOperation.Start
            )
            view.setTextCursor(cursor)
            found = view.find(text, flags)
        background, foreground, _border = notice_colours("error")
        self.find_bar.setStyleSheet(
            "" if found else f"QLineEdit {{ background: {background}; color: {foreground}; }}"
        )
        if found:
            view.stop_following()

    def scroll_to_message(self, message_id: str) -> None:
        self.message_view.scroll_to_message(message_id)

    def reload(self, force: bool = False) -> None:
        if force:
            self._rendered_signature = None
        self._reload(render=not self.is_streaming)

    def retry(self) -> None:
        self.notice.hide()
        self.controller.retry(self.conversation.id)

    def set_profiles(self, names: list[str], default: str) -> None:
        """Offer the profiles; the picker shows only when there is a choice to make."""
        current = self.conversation.profile or default
        self.profile_picker.blockSignals(True)
        self.profile_picker.clear()
        self.profile_picker.addItems(names)
        self.profile_picker.setCurrentText(current if current in names else default)
        self.profile_picker.blockSignals(False)
        self.profile_picker.setVisible(len(names) > 1)
        if hasattr(self, "compare_bar"):
            self.compare_bar.show_profiles()

    def _uses_default_profile(self) -> bool:
        return self.conversation.profile in ("", self.controller.config.profile)

    def _on_default_models(self, models: list[str], from_server: bool) -> None:
        if self._uses_default_profile():
            self.set_models(models, from_server)

    def _on_profile_chosen(self, name: str) -> None:
        if not name or name == self.conversation.profile:
            return
        self.conversation = self.controller.store.update_conversation(
            self.conversation.id, profile=name
        )
        self.controller.load_models_of(name)

    def _on_profile_models(self, name: str, models: list[str], from_server: bool) -> None:
        if self.conversation.profile == name:
            self.set_models(models, from_server)

    def set_models(self, models: list[str], from_server: bool) -> None:
        self._models_from_server = from_server
        current = self.conversation.model
        self.model_picker.blockSignals(True)
        self.model_picker.clear()
        self.model_picker.addItems(models)
        fresh = not self.conversation.messages and not self._deferred  # (not read yet)
        if from_server and current not in models and fresh:
            # A fresh chat on a server that lacks our default: use what the server offers.
            current = fallback_model(models) or current
        self.model_picker.setCurrentText(current)
        self.model_picker.blockSignals(False)
        if current != self.conversation.model:
            self._save_model()
        if self._model_popup is not None and self._model_popup.isVisible():
            self._model_popup.set_models(
                models, self.model_memory(), from_server, self._other_models()
            )

    # --- controller signals -----------------------------------------------------------------

    def _on_started(self, conversation_id: str, message: Message) -> None:
        if conversation_id != self.conversation.id:
            return
        self._reload(render=True)
        if not self._deferred:
            self.message_view.begin_stream(message)
        self._update_buttons()
        self.activity_changed.emit()

    def _on_recast(self, conversation_id: str) -> None:
        """The answer shown so far was thinking (a lone </think>): lay the live answer out
        again, now empty, with that text as its thinking."""
        if conversation_id != self.conversation.id or self._deferred:
            return
        live = self.controller.live_message(conversation_id)
        if live is not None:
            self._reload(render=True)
            self.message_view.begin_stream(live)

    def _on_delta(self, conversation_id: str, text: str) -> None:
        if conversation_id == self.conversation.id:
            self.message_view.append_delta(text)

    def _on_thinking(self, conversation_id: str, text: str) -> None:
        if conversation_id == self.conversation.id and not self._deferred:
            self.message_view.append_thinking(text)

    def _on_finished(self, conversation_id: str, _message: Message) -> None:
        if conversation_id != self.conversation.id:
            return
        self.unread = not self.isVisible() or not self.window().isActiveWindow()
        self._after_stream()

    def _on_failed(self, conversation_id: str, error: ChatError, _partial: Message | None) -> None:
        if conversation_id != self.conversation.id:
            return
        self._after_stream()
        actions = [(translate("ConversationTab", "Retry"), self.retry)] if error.retryable else []
        if error.kind is ErrorKind.CONTEXT_TOO_LONG:
            less = translate("ConversationTab", "Send less history…")
            actions.insert(0, (less, self._offer_context_setting))
        if error.kind is ErrorKind.IMAGES_NOT_SUPPORTED:
            leave = translate("ConversationTab", "Leave earlier images out")
            actions.insert(0, (leave, self._leave_images_out))
        # The prompt stays in the conversation (it was committed before the request).
        self.notice.show_message(f"{error.message}\n{error.hint}", "error", actions)

    def _on_conversation_changed(self, conversation_id: str) -> None:
        # While tools run between two answers nothing streams: the view may follow the store.
        live = self.controller.live_message(conversation_id)
        if conversation_id == self.conversation.id and live is None:
            self._reload(render=True)

    def _after_stream(self) -> None:
        # No reload here: the controller's conversation_changed follows at once and reloads.
        self._update_buttons()
        self.activity_changed.emit()

    # --- internals --------------------------------------------------------------------------

    def _reload(self, render: bool) -> None:
        previous_title = self.conversation.title
        self.conversation = self.controller.store.get_conversation(self.conversation.id)
        if self.conversation.title != previous_title:
            self.setAccessibleName(
                translate("ConversationTab", "Conversation: {title}").format(
                    title=shown_title(self.conversation.title)
                )
            )
            self.title_changed.emit(self.conversation.title)
        if render:
            self._render()

    def _render(self) -> None:
        """Show the conversation; skipped when nothing visible changed (a finished answer
        triggers several reloads: finished, conversation_changed, a new title)."""
        self._update_totals()
        if self._deferred:
            return  # laid out when first shown
        messages = [m for m in self.conversation.messages if m.id not in self._live_ids()]
        signature = tuple(
            (
                m.id,
                m.content,
                m.status,
                m.sibling_index,
                m.sibling_count,
                m.tool_calls,
                tuple(a.sha256 for a in m.attachments),
            )
            for m in messages
        )
        if signature == self._rendered_signature and not self.message_view.is_streaming:
            return
        self._rendered_signature = signature
        self.message_view.show_conversation(messages)

    def apply_prices(self) -> None:
        overrides = self.providers.settings.prices if self.providers is not None else None
        self.message_view.prices = price_table(overrides)

    def _update_context(self) -> None:
        """What the next request will send, from the history (counted when it changes)."""
        if self.conversation.mode is Mode.COMPLETION:
            self._history_tokens = 0
        else:
            turns = request_history(self.conversation)
            self._history_tokens = sum(turn.estimated_tokens() + 4 for turn in turns)
        self._show_context()

    def _show_context(self) -> None:
        """`≈12.4k / 128k`: the estimate against the model's context window, where known."""
        tokens = self._history_tokens + estimate_tokens(self.composer.toPlainText())
        tokens += sum(a.estimated_tokens() for a in self.attachment_chips.attachments)
        known = capabilities_of(self.conversation.model, self.capabilities)
        window = known.context_window if known else None
        if window:
            text = f"≈{compact_tokens(tokens)} / {compact_tokens(window)}"
            tip = translate(
                "ConversationTab",
                "The next request sends about {tokens} tokens of the {window} that {model} "
                "takes (an estimate, about four characters a token).",
            ).format(tokens=number(tokens), window=number(window), model=self.conversation.model)
        elif tokens:
            text = f"≈{compact_tokens(tokens)}"
            tip = translate(
                "ConversationTab",
                "The next request sends about {tokens} tokens; the model's context window "
                'is not known (add it in settings.json under "capabilities").',
            ).format(tokens=number(tokens))
        else:
            text = tip = ""
        self.context_usage.setText(text)
        self.context_usage.setToolTip(tip)
        over = bool(window) and tokens > window  # type: ignore[operator]
        self.context_usage.setEnabled(over)  # greyed, as the totals are, unless it is too much
        sheet = "color: #c62828;" if over else ""
        if self.context_usage.styleSheet() != sheet:  # setting it, even alike, repaints the tab
            self.context_usage.setStyleSheet(sheet)

    def _update_totals(self) -> None:
        """Running total of the answers on the active branch."""
        self._update_context()
        answers = [m for m in self.conversation.messages if m.usage is not None]
        if not answers:
            self.totals.clear()
            return
        tokens = sum(m.usage.total_tokens for m in answers if m.usage)
        estimated = any(m.usage.estimated for m in answers if m.usage)
        costs = [cost(m.model, m.usage, self.message_view.prices) for m in answers]
        about = "≈" if estimated else ""
        text = "Σ " + translate("ConversationTab", "{count} tokens").format(
            count=about + number(tokens)
        )
        if all(c is not None for c in costs):
            text += f" · {about}{money(sum(c for c in costs if c is not None))}"
        self.totals.setText(text)

    def _live_ids(self) -> set[str]:
        live = self.controller.live_message(self.conversation.id)
        ids = {live.id} if live else set()
        if self.compare_view is not None and self.controller.compare.comparison(
            self.conversation.id
        ):
            ids |= self.compare_view.answer_ids()  # shown in the compare columns instead
        return ids

    compare_view: CompareView | None = None

    def _on_compare_activity(self, conversation_id: str, *_args: object) -> None:
        if conversation_id == self.conversation.id:
            self._reload(render=True)
            self._update_buttons()
            self.activity_changed.emit()

    def _regenerate_compared(self, answer: Message) -> None:
        """Regenerate on a compared turn: offer the same comparison again, or one model."""
        from desktop_chat.compare import Contender

        store = self.controller.store
        siblings = [store.get_message(i) for i in store.siblings(answer.id)]
        contenders = list(
            dict.fromkeys(
                Contender(m.model or self.conversation.model, m.profile or "")
                for m in siblings
                if m.compare_group == answer.compare_group
            )
        )

        def again() -> None:
            self.notice.hide()
            if answer.parent_id is not None:
                self.controller.compare.compare_again(answer.parent_id, contenders)

        def one() -> None:
            self.notice.hide()
            self.controller.regenerate(self.conversation.id, answer.id)

        names = ", ".join(c.label for c in contenders)
        self.notice.show_message(
            translate("ConversationTab", "This turn compared {models}.").format(models=names),
            "info",
            [
                (translate("ConversationTab", "Compare again"), again),
                (
                    translate("ConversationTab", "Only {model}").format(model=answer.model)
                    if answer.model
                    else translate("ConversationTab", "Only this model"),
                    one,
                ),
            ],
        )

    def _update_buttons(self) -> None:
        streaming = self.is_streaming
        self.stop_button.setEnabled(streaming)
        self._update_send()
        self.model_picker.setEnabled(not streaming)
        self.profile_picker.setEnabled(not streaming)
        if hasattr(self, "compare_bar"):
            self.compare_bar.setEnabled(not streaming)

    def _update_send(self) -> None:
        self.update_send(self.is_streaming, bool(self.attachment_chips.chips()))

    # --- the searchable model picker (Ctrl+L) --------------------------------------------------

    def model_memory(self) -> ModelMemory:
        """The favourite and recent models of this chat's profile."""
        profile = self.conversation.profile or self.controller.config.profile
        return ModelMemory(self.controller.store, profile)

    def open_model_picker(self) -> ModelPickerPopup | None:
        """Show the popup under the model box; a choice there is a choice in the box."""
        if self.is_streaming:
            return None  # the model box is disabled too: the answer uses the model it began with
        if self._model_popup is None:
            self._model_popup = ModelPickerPopup(self)
            self._model_popup.chosen.connect(self._on_model_picked)
            self._model_popup.closed.connect(self.focus_composer)
            self._model_popup.retry_requested.connect(self._reload_models)
            self._model_popup.list_model.set_marks(self._model_marks)
        listed = [self.model_picker.itemText(i) for i in range(self.model_picker.count())]
        self._model_popup.set_models(
            listed, self.model_memory(), self._models_from_server, self._other_models()
        )
        self._model_popup.open_under(self.model_picker)
        # The cached list shows at once; a fresher one, if the server has changed, follows.
        profile = "" if self._uses_default_profile() else self.conversation.profile
        self.controller.refresh_models(profile)
        return self._model_popup

    _model_popup: ModelPickerPopup | None = None
    _models_from_server = True

    def _other_models(self) -> list[str]:
        profile = "" if self._uses_default_profile() else self.conversation.profile
        return self.controller.other_models.get(profile, [])

    def _model_marks(self, model: str) -> str:
        known = capabilities_of(model, self.capabilities)
        return " · ".join(known.marks()) if known else ""

    def _reload_models(self) -> None:
        if self._uses_default_profile():
            self.controller.load_models()
        else:
            self.controller.load_models_of(self.conversation.profile)

    def _on_model_picked(self, model_id: str) -> None:
        self.model_picker.setCurrentText(model_id)  # saves it, as a choice in the box does
        self.model_memory().use(model_id)
        self.focus_composer()

    def _offer_context_setting(self) -> None:
        """The fix for a context-length error: the chat's Context setting, opened and
        focused, with a start value that fits when the window is known."""
        self.settings_button.setChecked(True)
        spin = self.parameters_panel.context_messages
        if not spin.value():
            spin.setValue(max(2, len(self.conversation.messages) // 2))
        spin.setFocus(Qt.FocusReason.OtherFocusReason)
        spin.selectAll()

    def _save_model(self) -> None:
        model = self.model_picker.currentText().strip()
        if model and model != self.conversation.model:
            self.conversation = self.controller.store.update_conversation(
                self.conversation.id, model=model
            )
            self.model_changed(model)
            self._show_context()

    @property
    def parameters_panel(self) -> ParametersPanel:
        """The chat's System & parameters panel, under the model row; built on first use."""
        if self._parameters_panel is None:
            panel = ParametersPanel(self)
            panel.hide()
            panel.set_library(self.providers)
            panel.load(self.conversation)
            panel.set_model(self.conversation.model)
            panel.changed.connect(self._save_settings)
            self.column.insertWidget(1, panel)
            self._parameters_panel = panel
        return self._parameters_panel

    def _show_parameters(self, shown: bool) -> None:
        if shown or self._parameters_panel is not None:
            self.parameters_panel.setVisible(shown)

    def model_changed(self, model: str) -> None:
        """The chat's model changed: the panel (if built) shows that model's limits."""
        if self._parameters_panel is not None:
            self._parameters_panel.set_model(model)

    def _save_settings(self) -> None:
        self.conversation = self.controller.store.update_conversation(
            self.conversation.id,
            system_prompt=self.parameters_panel.system_prompt.toPlainText(),
            parameters=self.parameters_panel.parameters(),
            mode=self.parameters_panel.current_mode(),
        )
        self._update_context()

    def _add_message(self) -> None:
        dialog = AddMessageDialog(self)
        if dialog.exec() == QDialog.DialogCode.Accepted and dialog.text().strip():
            self.controller.append_message(self.conversation.id, dialog.role(), dialog.text())

    def _on_message_action(self, action: str, message_id: str) -> None:
        if action == "copy":
            text = self.message_view.plain_text_of(message_id)
            if text is not None:
                QGuiApplication.clipboard().setText(text)
        elif action == "edit":
            message = self.controller.store.get_message(message_id)
            dialog = EditDialog(message, self)
            if dialog.exec() == QDialog.DialogCode.Accepted and dialog.text() != message.content:
                self.notice.hide()
                self.controller.edit_message(message_id, dialog.text())
        elif action == "regenerate":
            self.notice.hide()
            answer = self.controller.store.get_message(message_id)
            if answer.compare_group and not self.is_streaming:
                self._regenerate_compared(answer)
                return
            self.controller.regenerate(self.conversation.id, message_id)
        elif action == "request":
            request = self.controller.store.request_of(message_id)
            if request is not None:
                from desktop_chat.ui.request_dialog import RequestDialog

                base_url = self.controller.config_for(self.conversation.profile).base_url
                RequestDialog(request, base_url, self).exec()
        elif action == "rerun":
            self.notice.hide()
            self.controller.rerun_from(message_id)
        elif action in ("up", "down"):
            self.controller.move_message(message_id, -1 if action == "up" else 1)
        elif action == "delete":
            self.controller.remove_message(message_id)
        elif action in ("previous", "next"):
            self.controller.select_alternative(message_id, -1 if action == "previous" else 1)
