<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="de">
    <context>
        <name>AddMessageDialog</name>
        <message>
            <source>Add a message</source>
            <translation>Nachricht hinzufügen</translation>
        </message>
        <message>
            <source>Role</source>
            <translation>Rolle</translation>
        </message>
        <message>
            <source>Message text</source>
            <translation>Nachrichtentext</translation>
        </message>
    </context>
    <context>
        <name>ApprovalPrompt</name>
        <message>
            <source>The model wants to run the tool “{tool}” of {server}:</source>
            <translation>Das Modell möchte das Werkzeug „{tool}“ von {server} ausführen:</translation>
        </message>
        <message>
            <source>Allow once</source>
            <translation>Einmal erlauben</translation>
        </message>
        <message>
            <source>Always allow in this chat</source>
            <translation>In diesem Chat immer erlauben</translation>
        </message>
        <message>
            <source>Deny</source>
            <translation>Ablehnen</translation>
        </message>
    </context>
    <context>
        <name>CompareBar</name>
        <message>
            <source>Compare +</source>
            <translation>Vergleichen +</translation>
        </message>
        <message>
            <source>Compare with another model</source>
            <translation>Mit einem anderen Modell vergleichen</translation>
        </message>
        <message numerus="yes">
            <source>Ask up to %n more models the same question, side by side</source>
            <translation>
                <numerusform>Bis zu %n weiteres Modell dieselbe Frage stellen, nebeneinander</numerusform>
                <numerusform>Bis zu %n weitere Modelle dieselbe Frage stellen, nebeneinander</numerusform>
            </translation>
        </message>
        <message>
            <source>Compare with a model of another profile</source>
            <translation>Mit einem Modell eines anderen Profils vergleichen</translation>
        </message>
        <message>
            <source>A model of {name}…</source>
            <translation>Ein Modell von {name}…</translation>
        </message>
        <message>
            <source>Stop comparing with {model}</source>
            <translation>Vergleich mit {model} beenden</translation>
        </message>
    </context>
    <context>
        <name>CompareColumn</name>
        <message>
            <source>Answer of {model}</source>
            <translation>Antwort von {model}</translation>
        </message>
        <message>
            <source>Stop</source>
            <translation>Stopp</translation>
        </message>
        <message>
            <source>Retry</source>
            <translation>Erneut versuchen</translation>
        </message>
        <message>
            <source>Continue with this</source>
            <translation>Hiermit weitermachen</translation>
        </message>
    </context>
    <context>
        <name>CompareView</name>
        <message>
            <source>waiting…</source>
            <translation>wartet …</translation>
        </message>
        <message>
            <source>{count} tokens</source>
            <translation>{count} Tokens</translation>
        </message>
        <message>
            <source>{seconds} s to first token</source>
            <translation>{seconds} s bis zum ersten Token</translation>
        </message>
        <message>
            <source>{speed} tok/s</source>
            <translation>{speed} Tok./s</translation>
        </message>
        <message>
            <source> · stopped</source>
            <translation> · angehalten</translation>
        </message>
        <message>
            <source>Comparison of models</source>
            <translation>Modellvergleich</translation>
        </message>
        <message>
            <source>Stop all</source>
            <translation>Alle stoppen</translation>
        </message>
        <message>
            <source>Stop every answer (Esc)</source>
            <translation>Alle Antworten stoppen (Esc)</translation>
        </message>
        <message>
            <source>Close</source>
            <translation>Schließen</translation>
        </message>
        <message>
            <source>Keep the shown answer; the others stay as alternatives</source>
            <translation>Die angezeigte Antwort behalten; die anderen bleiben als Alternativen erhalten</translation>
        </message>
        <message numerus="yes">
            <source>Comparing %n models — {done}/{total} done</source>
            <translation>
                <numerusform>Vergleich von %n Modell – {done}/{total} fertig</numerusform>
                <numerusform>Vergleich von %n Modellen – {done}/{total} fertig</numerusform>
            </translation>
        </message>
        <message numerus="yes">
            <source>%n answers — choose one with “Continue with this”</source>
            <translation>
                <numerusform>%n Antwort – wählen Sie eine mit „Hiermit weitermachen“</numerusform>
                <numerusform>%n Antworten – wählen Sie eine mit „Hiermit weitermachen“</numerusform>
            </translation>
        </message>
    </context>
    <context>
        <name>Composer</name>
        <message>
            <source>Type a message. Enter sends, Shift+Enter adds a new line.</source>
            <translation>Nachricht eingeben. Eingabe sendet, Umschalt+Eingabe fügt eine neue Zeile ein.</translation>
        </message>
        <message>
            <source>Message — Enter to send · Shift+Enter new line · Ctrl+L model · Esc stop</source>
            <translation>Nachricht – Eingabe: senden · Umschalt+Eingabe: neue Zeile · Strg+L: Modell · Esc: stoppen</translation>
        </message>
    </context>
    <context>
        <name>ConversationTab</name>
        <message>
            <source>Conversation: {title}</source>
            <translation>Unterhaltung: {title}</translation>
        </message>
        <message>
            <source>Find in this conversation</source>
            <translation>In dieser Unterhaltung suchen</translation>
        </message>
        <message>
            <source>Find in this chat — Enter: next, Shift+Enter: previous</source>
            <translation>In diesem Chat suchen – Eingabe: nächster, Umschalt+Eingabe: vorheriger Treffer</translation>
        </message>
        <message>
            <source>Attach files</source>
            <translation>Dateien anhängen</translation>
        </message>
        <message>
            <source>Retry</source>
            <translation>Erneut versuchen</translation>
        </message>
        <message>
            <source>Send less history…</source>
            <translation>Weniger Verlauf senden …</translation>
        </message>
        <message>
            <source>Leave earlier images out</source>
            <translation>Frühere Bilder weglassen</translation>
        </message>
        <message>
            <source>The next request sends about {tokens} tokens of the {window} that {model} takes (an estimate, about four characters a token).</source>
            <translation>Die nächste Anfrage sendet etwa {tokens} der {window} Tokens, die {model} verarbeitet (geschätzt, etwa vier Zeichen pro Token).</translation>
        </message>
        <message>
            <source>The next request sends about {tokens} tokens; the model's context window is not known (add it in settings.json under "capabilities").</source>
            <translation>Die nächste Anfrage sendet etwa {tokens} Tokens; das Kontextfenster des Modells ist nicht bekannt (in settings.json unter "capabilities" eintragen).</translation>
        </message>
        <message>
            <source>{count} tokens</source>
            <translation>{count} Tokens</translation>
        </message>
        <message>
            <source>This turn compared {models}.</source>
            <translation>In dieser Runde wurden {models} verglichen.</translation>
        </message>
        <message>
            <source>Compare again</source>
            <translation>Erneut vergleichen</translation>
        </message>
        <message>
            <source>Only {model}</source>
            <translation>Nur {model}</translation>
        </message>
        <message>
            <source>Only this model</source>
            <translation>Nur dieses Modell</translation>
        </message>
    </context>
    <context>
        <name>EditDialog</name>
        <message>
            <source>Edit user message</source>
            <translation>Benutzernachricht bearbeiten</translation>
        </message>
        <message>
            <source>Edit assistant message</source>
            <translation>Assistentennachricht bearbeiten</translation>
        </message>
        <message>
            <source>Edit system message</source>
            <translation>Systemnachricht bearbeiten</translation>
        </message>
        <message>
            <source>Edit message</source>
            <translation>Nachricht bearbeiten</translation>
        </message>
        <message>
            <source>Message text</source>
            <translation>Nachrichtentext</translation>
        </message>
        <message>
            <source>Saving sends the edited prompt again; the previous version stays as an alternative.</source>
            <translation>Beim Speichern wird der bearbeitete Prompt erneut gesendet; die vorherige Fassung bleibt als Alternative erhalten.</translation>
        </message>
        <message>
            <source>The previous version stays as an alternative (‹ ›).</source>
            <translation>Die vorherige Fassung bleibt als Alternative erhalten (‹ ›).</translation>
        </message>
        <message>
            <source>Save &amp;&amp; send</source>
            <translation>Speichern &amp;&amp; senden</translation>
        </message>
    </context>
    <context>
        <name>HistorySidebar</name>
        <message>
            <source>Search all chats (Ctrl+Shift+F)</source>
            <translation>Suchen (Strg+Umschalt+F)</translation>
        </message>
        <message>
            <source>&amp;History</source>
            <translation>&amp;Verlauf</translation>
        </message>
        <message>
            <source>Rename…</source>
            <translation>Umbenennen …</translation>
        </message>
        <message>
            <source>Pin / unpin</source>
            <translation>Anheften / lösen</translation>
        </message>
        <message>
            <source>Move to trash</source>
            <translation>In den Papierkorb verschieben</translation>
        </message>
        <message>
            <source>Search &amp;results</source>
            <translation>Such&amp;ergebnisse</translation>
        </message>
        <message>
            <source>Open</source>
            <translation>Öffnen</translation>
        </message>
        <message>
            <source>Unpin</source>
            <translation>Lösen</translation>
        </message>
        <message>
            <source>Pin to top</source>
            <translation>Oben anheften</translation>
        </message>
        <message>
            <source>Rename chat</source>
            <translation>Chat umbenennen</translation>
        </message>
        <message>
            <source>Title</source>
            <translation>Titel</translation>
        </message>
    </context>
    <context>
        <name>ImageViewer</name>
        <message>
            <source>Double-click: full size / fit to the window</source>
            <translation>Doppelklick: Originalgröße / an das Fenster anpassen</translation>
        </message>
    </context>
    <context>
        <name>MainWindow</name>
        <message>
            <source>New chat</source>
            <translation>Neuer Chat</translation>
        </message>
        <message>
            <source>Your text is kept in memory and will be saved again shortly.</source>
            <translation>Ihr Text bleibt im Speicher und wird in Kürze erneut gespeichert.</translation>
        </message>
        <message>
            <source>&amp;File</source>
            <translation>&amp;Datei</translation>
        </message>
        <message>
            <source>&amp;New chat</source>
            <translation>&amp;Neuer Chat</translation>
        </message>
        <message>
            <source>&amp;Close chat</source>
            <translation>Chat &amp;schließen</translation>
        </message>
        <message>
            <source>&amp;Export chat…</source>
            <translation>Chat &amp;exportieren …</translation>
        </message>
        <message>
            <source>Export &amp;all chats…</source>
            <translation>&amp;Alle Chats exportieren …</translation>
        </message>
        <message>
            <source>&amp;Import chats…</source>
            <translation>Chats &amp;importieren …</translation>
        </message>
        <message>
            <source>Empty &amp;trash…</source>
            <translation>&amp;Papierkorb leeren …</translation>
        </message>
        <message>
            <source>&amp;Settings…</source>
            <translation>Ein&amp;stellungen …</translation>
        </message>
        <message>
            <source>&amp;Prices…</source>
            <translation>P&amp;reise …</translation>
        </message>
        <message>
            <source>Too&amp;l servers (MCP)…</source>
            <translation>&amp;Werkzeugserver (MCP) …</translation>
        </message>
        <message>
            <source>&amp;Quit</source>
            <translation>&amp;Beenden</translation>
        </message>
        <message>
            <source>&amp;View</source>
            <translation>&amp;Ansicht</translation>
        </message>
        <message>
            <source>&amp;Next chat</source>
            <translation>&amp;Nächster Chat</translation>
        </message>
        <message>
            <source>&amp;Previous chat</source>
            <translation>&amp;Vorheriger Chat</translation>
        </message>
        <message>
            <source>Zoom &amp;in</source>
            <translation>Ver&amp;größern</translation>
        </message>
        <message>
            <source>Zoom &amp;out</source>
            <translation>Ver&amp;kleinern</translation>
        </message>
        <message>
            <source>&amp;Actual size</source>
            <translation>&amp;Originalgröße</translation>
        </message>
        <message>
            <source>&amp;Theme</source>
            <translation>&amp;Farbschema</translation>
        </message>
        <message>
            <source>Follow the &amp;system</source>
            <translation>&amp;System folgen</translation>
        </message>
        <message>
            <source>&amp;Light</source>
            <translation>&amp;Hell</translation>
        </message>
        <message>
            <source>&amp;Dark</source>
            <translation>&amp;Dunkel</translation>
        </message>
        <message>
            <source>&amp;Search chats</source>
            <translation>Chats &amp;durchsuchen</translation>
        </message>
        <message>
            <source>Choose the &amp;model…</source>
            <translation>&amp;Modell wählen …</translation>
        </message>
        <message>
            <source>&amp;Help</source>
            <translation>&amp;Hilfe</translation>
        </message>
        <message>
            <source>&amp;Welcome…</source>
            <translation>&amp;Willkommen …</translation>
        </message>
        <message>
            <source>&amp;About Desktop Chat</source>
            <translation>Ü&amp;ber Desktop Chat</translation>
        </message>
        <message>
            <source>About Desktop Chat</source>
            <translation>Über Desktop Chat</translation>
        </message>
        <message>
            <source>Desktop Chat {version}
A native client for OpenAI-compatible chat models.
Your chats stay on this computer; API keys stay in the system keychain.</source>
            <translation>Desktop Chat {version}
Ein nativer Client für OpenAI-kompatible Chatmodelle.
Ihre Chats bleiben auf diesem Computer, API-Schlüssel im Schlüsselbund des Systems.</translation>
        </message>
        <message>
            <source>Open settings</source>
            <translation>Einstellungen öffnen</translation>
        </message>
        <message>
            <source>No API key is set, so the OpenAI endpoint cannot answer yet.</source>
            <translation>Es ist kein API-Schlüssel festgelegt, daher kann der OpenAI-Endpunkt noch nicht antworten.</translation>
        </message>
        <message>
            <source>Add a key in Settings (Ctrl+,), set OPENAI_API_KEY, or choose a local OpenAI-compatible server (e.g. Ollama at http://localhost:11434/v1) that needs no key.</source>
            <translation>Fügen Sie in den Einstellungen (Strg+,) einen Schlüssel hinzu, setzen Sie OPENAI_API_KEY oder wählen Sie einen lokalen OpenAI-kompatiblen Server ohne Schlüssel (z. B. Ollama unter http://localhost:11434/v1).</translation>
        </message>
        <message>
            <source>The history database was damaged and could not be opened. It was moved aside to {path}, and a new, empty history was started.</source>
            <translation>Die Verlaufsdatenbank war beschädigt und konnte nicht geöffnet werden. Sie wurde nach {path} verschoben, und ein neuer, leerer Verlauf wurde angelegt.</translation>
        </message>
        <message>
            <source>Recover chats</source>
            <translation>Chats wiederherstellen</translation>
        </message>
        <message>
            <source>Nothing was recovered: {error}</source>
            <translation>Nichts wurde wiederhergestellt: {error}</translation>
        </message>
        <message>
            <source>Recovered {chats} and {messages} from {path}. The damaged file is kept there; delete it when you no longer need it.</source>
            <translation>{chats} und {messages} aus {path} wiederhergestellt. Die beschädigte Datei bleibt dort; löschen Sie sie, wenn Sie sie nicht mehr brauchen.</translation>
        </message>
        <message numerus="yes">
            <source>%n chat(s)</source>
            <translation>
                <numerusform>%n Chat</numerusform>
                <numerusform>%n Chats</numerusform>
            </translation>
        </message>
        <message numerus="yes">
            <source>%n message(s)</source>
            <translation>
                <numerusform>%n Nachricht</numerusform>
                <numerusform>%n Nachrichten</numerusform>
            </translation>
        </message>
        <message>
            <source>No chats could be read from {path}; it is kept there.</source>
            <translation>Aus {path} konnten keine Chats gelesen werden; die Datei bleibt dort.</translation>
        </message>
        <message>
            <source>The details are in {path}.</source>
            <translation>Die Einzelheiten stehen in {path}.</translation>
        </message>
        <message>
            <source>Something went wrong inside the app ({error}). Your chats and drafts are kept; you can go on.</source>
            <translation>In der App ist ein Fehler aufgetreten ({error}). Ihre Chats und Entwürfe bleiben erhalten; Sie können weitermachen.</translation>
        </message>
        <message>
            <source>“{title}” is still answering in the background; it will be saved, and you can reopen it from History.</source>
            <translation>„{title}“ antwortet noch im Hintergrund; der Chat wird gespeichert und lässt sich über den Verlauf wieder öffnen.</translation>
        </message>
        <message>
            <source>answering</source>
            <translation>antwortet</translation>
        </message>
        <message>
            <source>unread answer</source>
            <translation>ungelesene Antwort</translation>
        </message>
        <message numerus="yes">
            <source>“{title}” moved to the trash. It is deleted for good after %n days.</source>
            <translation>
                <numerusform>„{title}“ wurde in den Papierkorb verschoben. Nach %n Tag wird er endgültig gelöscht.</numerusform>
                <numerusform>„{title}“ wurde in den Papierkorb verschoben. Nach %n Tagen wird er endgültig gelöscht.</numerusform>
            </translation>
        </message>
        <message>
            <source>Undo</source>
            <translation>Rückgängig</translation>
        </message>
        <message>
            <source>Empty trash</source>
            <translation>Papierkorb leeren</translation>
        </message>
        <message>
            <source>Delete every conversation in the trash for good? This cannot be undone.</source>
            <translation>Alle Unterhaltungen im Papierkorb endgültig löschen? Das lässt sich nicht rückgängig machen.</translation>
        </message>
        <message numerus="yes">
            <source>Deleted %n conversation(s) for good.</source>
            <translation>
                <numerusform>%n Unterhaltung endgültig gelöscht.</numerusform>
                <numerusform>%n Unterhaltungen endgültig gelöscht.</numerusform>
            </translation>
        </message>
        <message>
            <source>Export chat</source>
            <translation>Chat exportieren</translation>
        </message>
        <message>
            <source>Export all chats</source>
            <translation>Alle Chats exportieren</translation>
        </message>
        <message>
            <source>Could not write {path}: {reason}.</source>
            <translation>{path} konnte nicht geschrieben werden: {reason}.</translation>
        </message>
        <message numerus="yes">
            <source>Exported %n chat(s) to {path}.</source>
            <translation>
                <numerusform>%n Chat nach {path} exportiert.</numerusform>
                <numerusform>%n Chats nach {path} exportiert.</numerusform>
            </translation>
        </message>
        <message>
            <source>Import chats</source>
            <translation>Chats importieren</translation>
        </message>
        <message>
            <source>Chat exports (*.json *.zip);;All files (*)</source>
            <translation>Chat-Exporte (*.json *.zip);;Alle Dateien (*)</translation>
        </message>
        <message>
            <source>An import is already running.</source>
            <translation>Es läuft bereits ein Import.</translation>
        </message>
        <message>
            <source>Importing {name}…</source>
            <translation>{name} wird importiert …</translation>
        </message>
        <message>
            <source>Nothing was imported. {error}</source>
            <translation>Nichts wurde importiert. {error}</translation>
        </message>
        <message>
            <source>Nothing was imported. {name}: not enough memory to read it.</source>
            <translation>Nichts wurde importiert. {name}: nicht genug Arbeitsspeicher zum Lesen.</translation>
        </message>
        <message>
            <source>Imported {chats} and {messages}.</source>
            <translation>{chats} und {messages} importiert.</translation>
        </message>
        <message numerus="yes">
            <source>%n new chat(s)</source>
            <translation>
                <numerusform>%n neuer Chat</numerusform>
                <numerusform>%n neue Chats</numerusform>
            </translation>
        </message>
        <message numerus="yes">
            <source>%n new message(s)</source>
            <translation>
                <numerusform>%n neue Nachricht</numerusform>
                <numerusform>%n neue Nachrichten</numerusform>
            </translation>
        </message>
    </context>
    <context>
        <name>MessageActionBar</name>
        <message>
            <source>Copy</source>
            <translation>Kopieren</translation>
        </message>
        <message>
            <source>Copy message</source>
            <translation>Nachricht kopieren</translation>
        </message>
        <message>
            <source>Edit…</source>
            <translation>Bearbeiten …</translation>
        </message>
        <message>
            <source>Edit message</source>
            <translation>Nachricht bearbeiten</translation>
        </message>
        <message>
            <source>Regenerate</source>
            <translation>Neu erzeugen</translation>
        </message>
        <message>
            <source>Regenerate answer</source>
            <translation>Antwort neu erzeugen</translation>
        </message>
        <message>
            <source>Run from here</source>
            <translation>Ab hier ausführen</translation>
        </message>
        <message>
            <source>Run from this message</source>
            <translation>Ab dieser Nachricht ausführen</translation>
        </message>
        <message>
            <source>Show request…</source>
            <translation>Anfrage anzeigen …</translation>
        </message>
        <message>
            <source>Show the request</source>
            <translation>Die Anfrage anzeigen</translation>
        </message>
        <message>
            <source>Move up</source>
            <translation>Nach oben</translation>
        </message>
        <message>
            <source>Move message up</source>
            <translation>Nachricht nach oben verschieben</translation>
        </message>
        <message>
            <source>Move down</source>
            <translation>Nach unten</translation>
        </message>
        <message>
            <source>Move message down</source>
            <translation>Nachricht nach unten verschieben</translation>
        </message>
        <message>
            <source>Delete</source>
            <translation>Löschen</translation>
        </message>
        <message>
            <source>Delete message</source>
            <translation>Nachricht löschen</translation>
        </message>
        <message>
            <source>Message actions</source>
            <translation>Nachrichtenaktionen</translation>
        </message>
        <message>
            <source>More actions…</source>
            <translation>Weitere Aktionen …</translation>
        </message>
        <message>
            <source>More message actions</source>
            <translation>Weitere Nachrichtenaktionen</translation>
        </message>
    </context>
    <context>
        <name>MessageView</name>
        <message>
            <source>You</source>
            <translation>Sie</translation>
        </message>
        <message>
            <source>Assistant</source>
            <translation>Assistent</translation>
        </message>
        <message>
            <source>System</source>
            <translation>System</translation>
        </message>
        <message>
            <source>interrupted</source>
            <translation>abgebrochen</translation>
        </message>
        <message>
            <source>incomplete: the connection failed</source>
            <translation>unvollständig: die Verbindung ist fehlgeschlagen</translation>
        </message>
        <message>
            <source>answering…</source>
            <translation>antwortet …</translation>
        </message>
        <message>
            <source>{seconds} s</source>
            <translation>{seconds} s</translation>
        </message>
        <message>
            <source>{minutes} min {seconds} s</source>
            <translation>{minutes} min {seconds} s</translation>
        </message>
        <message>
            <source>{minutes} min</source>
            <translation>{minutes} min</translation>
        </message>
        <message>
            <source>The conversation. Answers appear here as they stream.</source>
            <translation>Die Unterhaltung. Antworten erscheinen hier, während sie eintreffen.</translation>
        </message>
        <message>
            <source>Jump to latest</source>
            <translation>Zum Neuesten springen</translation>
        </message>
        <message>
            <source>↓ Jump to latest</source>
            <translation>↓ Zum Neuesten</translation>
        </message>
        <message numerus="yes">
            <source>Show %n earlier messages ({hidden} not shown)</source>
            <translation>
                <numerusform>%n frühere Nachricht anzeigen ({hidden} ausgeblendet)</numerusform>
                <numerusform>%n frühere Nachrichten anzeigen ({hidden} ausgeblendet)</numerusform>
            </translation>
        </message>
        <message>
            <source>Thinking… {seconds} s</source>
            <translation>Denkt nach … {seconds} s</translation>
        </message>
        <message>
            <source>Thinking…</source>
            <translation>Denkt nach …</translation>
        </message>
        <message>
            <source>Thought for {time}</source>
            <translation>{time} nachgedacht</translation>
        </message>
        <message numerus="yes">
            <source>Thought for {time} (%n words)</source>
            <translation>
                <numerusform>{time} nachgedacht (%n Wort)</numerusform>
                <numerusform>{time} nachgedacht (%n Wörter)</numerusform>
            </translation>
        </message>
        <message numerus="yes">
            <source>Thinking (%n words)</source>
            <translation>
                <numerusform>Gedanken (%n Wort)</numerusform>
                <numerusform>Gedanken (%n Wörter)</numerusform>
            </translation>
        </message>
        <message>
            <source>No answer: the model spent its token limit thinking. Raise Max tokens, or lower the reasoning effort, and regenerate.</source>
            <translation>Keine Antwort: Das Modell hat sein Token-Limit mit Nachdenken verbraucht. Erhöhen Sie „Max. Tokens“ oder senken Sie den Denkaufwand und erzeugen Sie neu.</translation>
        </message>
        <message>
            <source>Request</source>
            <translation>Anfrage</translation>
        </message>
        <message>
            <source>{prompt} + {completion} tokens</source>
            <translation>{prompt} + {completion} Tokens</translation>
        </message>
        <message>
            <source>({count} thinking)</source>
            <translation>({count} zum Nachdenken)</translation>
        </message>
        <message>
            <source>{seconds} s to first token</source>
            <translation>{seconds} s bis zum ersten Token</translation>
        </message>
        <message>
            <source>{speed} tok/s</source>
            <translation>{speed} Tok./s</translation>
        </message>
    </context>
    <context>
        <name>ModelPickerPopup</name>
        <message>
            <source>favourite</source>
            <translation>Favorit</translation>
        </message>
        <message>
            <source>recently used</source>
            <translation>zuletzt verwendet</translation>
        </message>
        <message>
            <source>not listed by the server now</source>
            <translation>vom Server derzeit nicht aufgeführt</translation>
        </message>
        <message>
            <source>Search models — every word matches somewhere</source>
            <translation>Modelle suchen – jedes Wort muss irgendwo vorkommen</translation>
        </message>
        <message>
            <source>&amp;Retry</source>
            <translation>&amp;Erneut versuchen</translation>
        </message>
        <message>
            <source>Show &amp;all models</source>
            <translation>&amp;Alle Modelle anzeigen</translation>
        </message>
        <message>
            <source>Also list embeddings, speech, image and moderation models</source>
            <translation>Auch Embedding-, Sprach-, Bild- und Moderationsmodelle auflisten</translation>
        </message>
        <message>
            <source>Asking the server for its models…</source>
            <translation>Modelle werden beim Server abgefragt …</translation>
        </message>
        <message>
            <source>No models listed; type a model name here and press Enter.</source>
            <translation>Keine Modelle aufgeführt; geben Sie hier einen Modellnamen ein und drücken Sie die Eingabetaste.</translation>
        </message>
        <message>
            <source>No model matches; the model box takes any name typed in it.</source>
            <translation>Kein Modell passt; das Modellfeld nimmt jeden eingegebenen Namen an.</translation>
        </message>
        <message>
            <source>The server did not list its models; these are the defaults.</source>
            <translation>Der Server hat seine Modelle nicht aufgeführt; dies sind die Voreinstellungen.</translation>
        </message>
        <message numerus="yes">
            <source>{shown} of %n models</source>
            <translation>
                <numerusform>{shown} von %n Modell</numerusform>
                <numerusform>{shown} von %n Modellen</numerusform>
            </translation>
        </message>
    </context>
    <context>
        <name>Notice</name>
        <message>
            <source>Dismiss</source>
            <translation>Schließen</translation>
        </message>
    </context>
    <context>
        <name>OnboardingDialog</name>
        <message>
            <source>Welcome</source>
            <translation>Willkommen</translation>
        </message>
        <message>
            <source>Welcome to Desktop Chat</source>
            <translation>Willkommen bei Desktop Chat</translation>
        </message>
        <message>
            <source>&lt;b&gt;Welcome!&lt;/b&gt; To start chatting, tell Desktop Chat which model server to use. You can change this any time in Settings (Ctrl+,).</source>
            <translation>&lt;b&gt;Willkommen!&lt;/b&gt; Teilen Sie Desktop Chat zum Start mit, welchen Modellserver es verwenden soll. Sie können das jederzeit in den Einstellungen (Strg+,) ändern.</translation>
        </message>
        <message>
            <source>I have an &amp;OpenAI API key</source>
            <translation>Ich habe einen &amp;OpenAI-API-Schlüssel</translation>
        </message>
        <message>
            <source>sk-…  (kept in your system keychain, never in a file)</source>
            <translation>sk-…  (im Schlüsselbund des Systems gespeichert, nie in einer Datei)</translation>
        </message>
        <message>
            <source>OpenAI API key</source>
            <translation>OpenAI-API-Schlüssel</translation>
        </message>
        <message>
            <source>I use a &amp;local or other OpenAI-compatible server</source>
            <translation>Ich nutze einen &amp;lokalen oder anderen OpenAI-kompatiblen Server</translation>
        </message>
        <message>
            <source>Server kind</source>
            <translation>Serverart</translation>
        </message>
        <message>
            <source>Server address (base URL)</source>
            <translation>Serveradresse (Basis-URL)</translation>
        </message>
        <message>
            <source>Start chatting</source>
            <translation>Loslegen</translation>
        </message>
        <message>
            <source>Skip for now</source>
            <translation>Vorerst überspringen</translation>
        </message>
        <message>
            <source>Paste your API key, or choose a local server.</source>
            <translation>Fügen Sie Ihren API-Schlüssel ein oder wählen Sie einen lokalen Server.</translation>
        </message>
        <message>
            <source>The address should start with http:// or https://</source>
            <translation>Die Adresse sollte mit http:// oder https:// beginnen</translation>
        </message>
    </context>
    <context>
        <name>ParametersPanel</name>
        <message>
            <source>default</source>
            <translation>Standard</translation>
        </message>
        <message>
            <source>{model} is not a reasoning model.</source>
            <translation>{model} ist kein Reasoning-Modell.</translation>
        </message>
        <message>
            <source>{model} does not accept stop sequences.</source>
            <translation>{model} akzeptiert keine Stoppsequenzen.</translation>
        </message>
        <message>
            <source>{model} takes no system message: it is sent at the start of the first message.</source>
            <translation>{model} nimmt keine Systemnachricht an: Sie wird am Anfang der ersten Nachricht gesendet.</translation>
        </message>
        <message>
            <source>{model} is a reasoning model: it only accepts the default {parameter}.</source>
            <translation>{model} ist ein Reasoning-Modell: Es akzeptiert für {parameter} nur den Standardwert.</translation>
        </message>
        <message>
            <source>Precise</source>
            <translation>Präzise</translation>
        </message>
        <message>
            <source>Balanced</source>
            <translation>Ausgewogen</translation>
        </message>
        <message>
            <source>Creative</source>
            <translation>Kreativ</translation>
        </message>
        <message>
            <source>Mode</source>
            <translation>Modus</translation>
        </message>
        <message>
            <source>Chat (messages with roles)</source>
            <translation>Chat (Nachrichten mit Rollen)</translation>
        </message>
        <message>
            <source>Completion (plain prompt, instruct models)</source>
            <translation>Vervollständigung (reiner Prompt, Instruct-Modelle)</translation>
        </message>
        <message>
            <source>Parameter presets</source>
            <translation>Parametervorlagen</translation>
        </message>
        <message>
            <source>Save preset…</source>
            <translation>Vorlage speichern …</translation>
        </message>
        <message>
            <source>Reset</source>
            <translation>Zurücksetzen</translation>
        </message>
        <message>
            <source>Back to the server's defaults (nothing sent)</source>
            <translation>Zurück zu den Vorgaben des Servers (nichts wird gesendet)</translation>
        </message>
        <message>
            <source>Saved system messages</source>
            <translation>Gespeicherte Systemnachrichten</translation>
        </message>
        <message>
            <source>Save to library…</source>
            <translation>In Bibliothek speichern …</translation>
        </message>
        <message>
            <source>Library</source>
            <translation>Bibliothek</translation>
        </message>
        <message>
            <source>System message</source>
            <translation>Systemnachricht</translation>
        </message>
        <message>
            <source>Optional system message, sent first with every turn</source>
            <translation>Optionale Systemnachricht, wird bei jeder Runde zuerst gesendet</translation>
        </message>
        <message>
            <source>Temperature</source>
            <translation>Temperatur</translation>
        </message>
        <message>
            <source>Top p</source>
            <translation>Top p</translation>
        </message>
        <message>
            <source>Max tokens</source>
            <translation>Max. Tokens</translation>
        </message>
        <message>
            <source>Presence</source>
            <translation>Präsenz</translation>
        </message>
        <message>
            <source>Frequency</source>
            <translation>Frequenz</translation>
        </message>
        <message>
            <source>Seed</source>
            <translation>Seed</translation>
        </message>
        <message>
            <source>JSON output</source>
            <translation>JSON-Ausgabe</translation>
        </message>
        <message>
            <source>response_format {"type": "json_object"} (chat mode)</source>
            <translation>response_format {"type": "json_object"} (Chatmodus)</translation>
        </message>
        <message>
            <source>Reasoning effort</source>
            <translation>Denkaufwand</translation>
        </message>
        <message>
            <source>Reasoning</source>
            <translation>Denken</translation>
        </message>
        <message>
            <source>Image detail</source>
            <translation>Bilddetail</translation>
        </message>
        <message>
            <source>How closely a vision model looks at attached images</source>
            <translation>Wie genau ein Bildmodell angehängte Bilder betrachtet</translation>
        </message>
        <message>
            <source>Leave earlier images out</source>
            <translation>Frühere Bilder weglassen</translation>
        </message>
        <message>
            <source>Send earlier prompts without their images (for a model that takes no images)</source>
            <translation>Frühere Nachrichten ohne ihre Bilder senden (für ein Modell, das keine Bilder annimmt)</translation>
        </message>
        <message>
            <source>Context: messages sent</source>
            <translation>Kontext: gesendete Nachrichten</translation>
        </message>
        <message>
            <source>all messages</source>
            <translation>alle Nachrichten</translation>
        </message>
        <message>
            <source>last </source>
            <translation>letzte </translation>
        </message>
        <message>
            <source>How much of the history each request sends; the system message always goes</source>
            <translation>Wie viel vom Verlauf jede Anfrage mitsendet; die Systemnachricht wird immer gesendet</translation>
        </message>
        <message>
            <source>Context</source>
            <translation>Kontext</translation>
        </message>
        <message>
            <source>One answer per request: regenerate for another</source>
            <translation>Eine Antwort pro Anfrage: für eine weitere neu erzeugen</translation>
        </message>
        <message>
            <source>Stop sequences</source>
            <translation>Stoppsequenzen</translation>
        </message>
        <message>
            <source>Stop sequences, one per line (up to 4)</source>
            <translation>Stoppsequenzen, eine pro Zeile (bis zu 4)</translation>
        </message>
        <message>
            <source>Stop</source>
            <translation>Stopp</translation>
        </message>
        <message>
            <source>Presets…</source>
            <translation>Vorlagen …</translation>
        </message>
        <message>
            <source>Saved system messages…</source>
            <translation>Gespeicherte Systemnachrichten …</translation>
        </message>
        <message>
            <source>Save preset</source>
            <translation>Vorlage speichern</translation>
        </message>
        <message>
            <source>Name for these parameters</source>
            <translation>Name für diese Parameter</translation>
        </message>
        <message>
            <source>Save system message</source>
            <translation>Systemnachricht speichern</translation>
        </message>
        <message>
            <source>Name</source>
            <translation>Name</translation>
        </message>
        <message>
            <source>Not sent in Completion mode</source>
            <translation>Wird im Vervollständigungsmodus nicht gesendet</translation>
        </message>
    </context>
    <context>
        <name>PricesDialog</name>
        <message>
            <source>Prices per model</source>
            <translation>Preise pro Modell</translation>
        </message>
        <message>
            <source>USD per million tokens. Shipped prices are OpenAI's of {date}; edit them to match your provider. A model without a price shows no cost.</source>
            <translation>USD pro Million Tokens. Die mitgelieferten Preise sind die von OpenAI vom {date}; passen Sie sie an Ihren Anbieter an. Ein Modell ohne Preis zeigt keine Kosten.</translation>
        </message>
        <message>
            <source>Model</source>
            <translation>Modell</translation>
        </message>
        <message>
            <source>Input $/1M</source>
            <translation>Eingabe $/1 Mio.</translation>
        </message>
        <message>
            <source>Output $/1M</source>
            <translation>Ausgabe $/1 Mio.</translation>
        </message>
        <message>
            <source>Add model</source>
            <translation>Modell hinzufügen</translation>
        </message>
        <message>
            <source>Remove</source>
            <translation>Entfernen</translation>
        </message>
    </context>
    <context>
        <name>QuickAskWindow</name>
        <message>
            <source>Quick ask — desktop-chat</source>
            <translation>Schnellfrage – desktop-chat</translation>
        </message>
        <message>
            <source>Ask anything — Enter to ask, Esc to close</source>
            <translation>Fragen Sie etwas – Eingabe: fragen, Esc: schließen</translation>
        </message>
        <message>
            <source>Ctrl+Enter: continue in a tab · Ctrl+Shift+C: copy answer · Ctrl+N: new question</source>
            <translation>Strg+Eingabe: in einem Tab fortsetzen · Strg+Umschalt+C: Antwort kopieren · Strg+N: neue Frage</translation>
        </message>
        <message>
            <source>Copy answer</source>
            <translation>Antwort kopieren</translation>
        </message>
        <message>
            <source>Continue in a tab</source>
            <translation>In einem Tab fortsetzen</translation>
        </message>
        <message>
            <source>Answer copied.</source>
            <translation>Antwort kopiert.</translation>
        </message>
    </context>
    <context>
        <name>RequestDialog</name>
        <message>
            <source>Request sent for this answer</source>
            <translation>Für diese Antwort gesendete Anfrage</translation>
        </message>
        <message>
            <source>Copy JSON</source>
            <translation>JSON kopieren</translation>
        </message>
        <message>
            <source>Copy as curl</source>
            <translation>Als curl kopieren</translation>
        </message>
        <message>
            <source>Copy as Python</source>
            <translation>Als Python kopieren</translation>
        </message>
    </context>
    <context>
        <name>SettingsDialog</name>
        <message>
            <source>Settings</source>
            <translation>Einstellungen</translation>
        </message>
        <message>
            <source>Profiles</source>
            <translation>Profile</translation>
        </message>
        <message>
            <source>Preset for a new profile</source>
            <translation>Vorlage für ein neues Profil</translation>
        </message>
        <message>
            <source>Add</source>
            <translation>Hinzufügen</translation>
        </message>
        <message>
            <source>Remove</source>
            <translation>Entfernen</translation>
        </message>
        <message>
            <source>empty: the system proxy</source>
            <translation>leer: Proxy des Systems</translation>
        </message>
        <message>
            <source>This server needs an API key</source>
            <translation>Dieser Server braucht einen API-Schlüssel</translation>
        </message>
        <message>
            <source>unchanged</source>
            <translation>unverändert</translation>
        </message>
        <message>
            <source>Forget key</source>
            <translation>Schlüssel vergessen</translation>
        </message>
        <message>
            <source>Name</source>
            <translation>Name</translation>
        </message>
        <message>
            <source>Base URL</source>
            <translation>Basis-URL</translation>
        </message>
        <message>
            <source>Default model</source>
            <translation>Standardmodell</translation>
        </message>
        <message>
            <source>Organization</source>
            <translation>Organisation</translation>
        </message>
        <message>
            <source>Project</source>
            <translation>Projekt</translation>
        </message>
        <message>
            <source>Timeout</source>
            <translation>Zeitlimit</translation>
        </message>
        <message>
            <source>Proxy</source>
            <translation>Proxy</translation>
        </message>
        <message>
            <source>API key</source>
            <translation>API-Schlüssel</translation>
        </message>
        <message>
            <source>Test connection</source>
            <translation>Verbindung testen</translation>
        </message>
        <message>
            <source>Use this profile for new chats</source>
            <translation>Dieses Profil für neue Chats verwenden</translation>
        </message>
        <message>
            <source>Quick ask shortcut</source>
            <translation>Tastenkürzel für Schnellfrage</translation>
        </message>
        <message>
            <source>Copy command</source>
            <translation>Befehl kopieren</translation>
        </message>
        <message>
            <source>Copies `{command}` to bind in your desktop's settings</source>
            <translation>Kopiert `{command}`, um ihn in den Einstellungen Ihrer Arbeitsumgebung einer Taste zuzuweisen</translation>
        </message>
        <message>
            <source>To open Quick ask from anywhere, you can also bind `{command}` to a key in your desktop's keyboard settings.</source>
            <translation>Um die Schnellfrage von überall zu öffnen, können Sie `{command}` auch in den Tastatureinstellungen Ihrer Arbeitsumgebung einer Taste zuweisen.</translation>
        </message>
        <message>
            <source>Closing the window keeps the app running in the tray</source>
            <translation>Beim Schließen des Fensters läuft die App im Infobereich weiter</translation>
        </message>
        <message>
            <source>This desktop shows no tray icons.</source>
            <translation>Diese Arbeitsumgebung zeigt keine Infobereich-Symbole.</translation>
        </message>
        <message>
            <source>Fill Quick ask with the selected (or copied) text</source>
            <translation>Schnellfrage mit dem markierten (oder kopierten) Text füllen</translation>
        </message>
        <message>
            <source>&amp;Language</source>
            <translation>&amp;Sprache</translation>
        </message>
        <message>
            <source>Language</source>
            <translation>Sprache</translation>
        </message>
        <message>
            <source>System default</source>
            <translation>Systemvorgabe</translation>
        </message>
        <message>
            <source>(applies on restart)</source>
            <translation>(gilt nach Neustart)</translation>
        </message>
        <message>
            <source>A new key will be saved in the system keychain.</source>
            <translation>Ein neuer Schlüssel wird im Schlüsselbund des Systems gespeichert.</translation>
        </message>
        <message>
            <source>The key will be forgotten.</source>
            <translation>Der Schlüssel wird vergessen.</translation>
        </message>
        <message>
            <source>OPENAI_API_KEY is set: it is used instead of a stored key.</source>
            <translation>OPENAI_API_KEY ist gesetzt: Er wird statt eines gespeicherten Schlüssels verwendet.</translation>
        </message>
        <message>
            <source>A key is stored in the system keychain.</source>
            <translation>Im Schlüsselbund des Systems ist ein Schlüssel gespeichert.</translation>
        </message>
        <message>
            <source>A key is kept for this session only (not saved).</source>
            <translation>Ein Schlüssel wird nur für diese Sitzung behalten (nicht gespeichert).</translation>
        </message>
        <message>
            <source>No key stored.</source>
            <translation>Kein Schlüssel gespeichert.</translation>
        </message>
        <message>
            <source>Testing…</source>
            <translation>Wird getestet …</translation>
        </message>
    </context>
    <context>
        <name>Shell</name>
        <message>
            <source>Asked the desktop to bind {key} to Quick ask; it may ask you to confirm. You can also bind `{command}` in the keyboard settings.</source>
            <translation>Die Arbeitsumgebung wurde gebeten, {key} der Schnellfrage zuzuweisen; eventuell fragt sie nach einer Bestätigung. Sie können `{command}` auch in den Tastatureinstellungen zuweisen.</translation>
        </message>
        <message>
            <source>{key} opens Quick ask from any application. You can also bind `{command}` in your desktop's keyboard settings.</source>
            <translation>{key} öffnet die Schnellfrage aus jeder Anwendung. Sie können `{command}` auch in den Tastatureinstellungen Ihrer Arbeitsumgebung zuweisen.</translation>
        </message>
        <message>
            <source>New chat</source>
            <translation>Neuer Chat</translation>
        </message>
        <message>
            <source>Quick ask</source>
            <translation>Schnellfrage</translation>
        </message>
        <message>
            <source>Show window</source>
            <translation>Fenster anzeigen</translation>
        </message>
        <message>
            <source>Quit</source>
            <translation>Beenden</translation>
        </message>
        <message>
            <source>Still running in the tray.</source>
            <translation>Läuft im Infobereich weiter.</translation>
        </message>
    </context>
    <context>
        <name>TabChrome</name>
        <message>
            <source>Model — pick one, or type any model name</source>
            <translation>Modell – eines auswählen oder einen beliebigen Modellnamen eingeben</translation>
        </message>
        <message>
            <source>&amp;Model</source>
            <translation>&amp;Modell</translation>
        </message>
        <message>
            <source>Provider profile</source>
            <translation>Anbieterprofil</translation>
        </message>
        <message>
            <source>Which server (profile) answers in this chat</source>
            <translation>Welcher Server (Profil) in diesem Chat antwortet</translation>
        </message>
        <message>
            <source>System &amp;&amp; parameters</source>
            <translation>System &amp;&amp; Parameter</translation>
        </message>
        <message>
            <source>System message and parameters</source>
            <translation>Systemnachricht und Parameter</translation>
        </message>
        <message>
            <source>Add message…</source>
            <translation>Nachricht hinzufügen …</translation>
        </message>
        <message>
            <source>Add a message with any role</source>
            <translation>Eine Nachricht mit beliebiger Rolle hinzufügen</translation>
        </message>
        <message>
            <source>Add a message with any role…</source>
            <translation>Eine Nachricht mit beliebiger Rolle hinzufügen …</translation>
        </message>
        <message>
            <source>Context used by the next request</source>
            <translation>Von der nächsten Anfrage belegter Kontext</translation>
        </message>
        <message>
            <source>Tokens and cost of this chat</source>
            <translation>Tokens und Kosten dieses Chats</translation>
        </message>
        <message>
            <source>Attach files</source>
            <translation>Dateien anhängen</translation>
        </message>
        <message>
            <source>Send (Enter)</source>
            <translation>Senden (Eingabe)</translation>
        </message>
        <message>
            <source>Stop the answer (Esc)</source>
            <translation>Antwort stoppen (Esc)</translation>
        </message>
    </context>
    <context>
        <name>ToolServersDialog</name>
        <message>
            <source>Tool servers (MCP)</source>
            <translation>Werkzeugserver (MCP)</translation>
        </message>
        <message>
            <source>Tool servers; checked ones are enabled</source>
            <translation>Werkzeugserver; angehakte sind aktiviert</translation>
        </message>
        <message>
            <source>Add</source>
            <translation>Hinzufügen</translation>
        </message>
        <message>
            <source>Remove</source>
            <translation>Entfernen</translation>
        </message>
        <message>
            <source>Command (stdio)</source>
            <translation>Befehl (stdio)</translation>
        </message>
        <message>
            <source>URL (Streamable HTTP)</source>
            <translation>URL (Streamable HTTP)</translation>
        </message>
        <message>
            <source>NAME=value, one per line (never your API key)</source>
            <translation>NAME=Wert, einer pro Zeile (nie Ihr API-Schlüssel)</translation>
        </message>
        <message>
            <source>Keep the values in the keychain, not in settings.json</source>
            <translation>Werte im Schlüsselbund speichern, nicht in settings.json</translation>
        </message>
        <message>
            <source>For tokens: settings.json then says ${keychain}, and the value is read from the keychain when the server starts</source>
            <translation>Für Tokens: settings.json enthält dann ${keychain}, und der Wert wird beim Start des Servers aus dem Schlüsselbund gelesen</translation>
        </message>
        <message>
            <source>Use in new chats</source>
            <translation>In neuen Chats verwenden</translation>
        </message>
        <message>
            <source>tool names that run without asking, comma-separated</source>
            <translation>Werkzeugnamen, die ohne Nachfrage laufen, durch Kommas getrennt</translation>
        </message>
        <message>
            <source>&amp;Name</source>
            <translation>&amp;Name</translation>
        </message>
        <message>
            <source>&amp;Kind</source>
            <translation>&amp;Art</translation>
        </message>
        <message>
            <source>&amp;Command</source>
            <translation>&amp;Befehl</translation>
        </message>
        <message>
            <source>&amp;URL</source>
            <translation>&amp;URL</translation>
        </message>
        <message>
            <source>&amp;Environment</source>
            <translation>&amp;Umgebung</translation>
        </message>
        <message>
            <source>&amp;Always allowed</source>
            <translation>Immer &amp;erlaubt</translation>
        </message>
        <message>
            <source>Test</source>
            <translation>Testen</translation>
        </message>
        <message>
            <source>Tool &amp;timeout</source>
            <translation>&amp;Zeitlimit für Werkzeuge</translation>
        </message>
        <message>
            <source>&amp;Steps per answer</source>
            <translation>&amp;Schritte pro Antwort</translation>
        </message>
        <message>
            <source>Give a command or a URL first.</source>
            <translation>Geben Sie zuerst einen Befehl oder eine URL an.</translation>
        </message>
        <message>
            <source>Starting the server…</source>
            <translation>Server wird gestartet …</translation>
        </message>
    </context>
    <context>
        <name>ToolsButton</name>
        <message>
            <source>Tools for this chat</source>
            <translation>Werkzeuge für diesen Chat</translation>
        </message>
        <message>
            <source>Which tool servers (MCP) the model may use in this chat</source>
            <translation>Welche Werkzeugserver (MCP) das Modell in diesem Chat nutzen darf</translation>
        </message>
        <message>
            <source>Tools ({count})</source>
            <translation>Werkzeuge ({count})</translation>
        </message>
        <message>
            <source>Tools</source>
            <translation>Werkzeuge</translation>
        </message>
        <message>
            <source>Listing its tools…</source>
            <translation>Werkzeuge werden abgefragt…</translation>
        </message>
        <message>
            <source>No tool servers: add them in Settings → Tools</source>
            <translation>Keine Werkzeugserver: unter Einstellungen → Werkzeuge hinzufügen</translation>
        </message>
    </context>
    <context>
        <name>app</name>
        <message>
            <source>This session's chats are kept in memory only and will be lost at quit.</source>
            <translation>Die Chats dieser Sitzung werden nur im Arbeitsspeicher gehalten und gehen beim Beenden verloren.</translation>
        </message>
    </context>
    <context>
        <name>secret_field</name>
        <message>
            <source>Show</source>
            <translation>Anzeigen</translation>
        </message>
        <message>
            <source>Show or hide the key</source>
            <translation>Schlüssel anzeigen oder verbergen</translation>
        </message>
        <message>
            <source>Keychain unavailable</source>
            <translation>Schlüsselbund nicht verfügbar</translation>
        </message>
        <message>
            <source>Keep the key for “{profile}” for this session only? It will not be written anywhere; you will be asked again next time. You can also set OPENAI_API_KEY in the environment instead.</source>
            <translation>Den Schlüssel für „{profile}“ nur für diese Sitzung behalten? Er wird nirgends gespeichert; beim nächsten Mal werden Sie erneut gefragt. Sie können stattdessen auch OPENAI_API_KEY in der Umgebung setzen.</translation>
        </message>
    </context>
    <context>
        <name>tab_chrome</name>
        <message>
            <source>New chat</source>
            <translation>Neuer Chat</translation>
        </message>
        <message>
            <source>New chat (Ctrl+T)</source>
            <translation>Neuer Chat (Strg+T)</translation>
        </message>
        <message>
            <source>Close chat</source>
            <translation>Chat schließen</translation>
        </message>
        <message>
            <source>Close chat (Ctrl+W)</source>
            <translation>Chat schließen (Strg+W)</translation>
        </message>
    </context>
    <context>
        <name>tool_panel</name>
        <message>
            <source>⚠ error</source>
            <translation>⚠ Fehler</translation>
        </message>
        <message>
            <source>✕ denied</source>
            <translation>✕ abgelehnt</translation>
        </message>
        <message>
            <source>✕ cancelled</source>
            <translation>✕ abgebrochen</translation>
        </message>
        <message>
            <source>… not run</source>
            <translation>… nicht ausgeführt</translation>
        </message>
        <message>
            <source>… pending</source>
            <translation>… ausstehend</translation>
        </message>
        <message numerus="yes">
            <source>(%n characters)</source>
            <translation>
                <numerusform>(%n Zeichen)</numerusform>
                <numerusform>(%n Zeichen)</numerusform>
            </translation>
        </message>
        <message>
            <source>Tool {name}</source>
            <translation>Werkzeug {name}</translation>
        </message>
        <message>
            <source>Arguments
</source>
            <translation>Argumente
</translation>
        </message>
        <message>
            <source>Result
</source>
            <translation>Ergebnis
</translation>
        </message>
        <message>
            <source>(waiting)</source>
            <translation>(wartet)</translation>
        </message>
    </context>
</TS>
