<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="en">
    <context>
        <name>CompareBar</name>
        <message numerus="yes">
            <source>Ask up to %n more models the same question, side by side</source>
            <translation>
                <numerusform>Ask up to %n more model the same question, side by side</numerusform>
                <numerusform>Ask up to %n more models the same question, side by side</numerusform>
            </translation>
        </message>
    </context>
    <context>
        <name>CompareView</name>
        <message numerus="yes">
            <source>Comparing %n models — {done}/{total} done</source>
            <translation>
                <numerusform>Comparing %n model — {done}/{total} done</numerusform>
                <numerusform>Comparing %n models — {done}/{total} done</numerusform>
            </translation>
        </message>
        <message numerus="yes">
            <source>%n answers — choose one with “Continue with this”</source>
            <translation>
                <numerusform>%n answer — choose it with “Continue with this”</numerusform>
                <numerusform>%n answers — choose one with “Continue with this”</numerusform>
            </translation>
        </message>
    </context>
    <context>
        <name>MainWindow</name>
        <message numerus="yes">
            <source>%n chat(s)</source>
            <translation>
                <numerusform>%n chat</numerusform>
                <numerusform>%n chats</numerusform>
            </translation>
        </message>
        <message numerus="yes">
            <source>%n message(s)</source>
            <translation>
                <numerusform>%n message</numerusform>
                <numerusform>%n messages</numerusform>
            </translation>
        </message>
        <message numerus="yes">
            <source>“{title}” moved to the trash. It is deleted for good after %n days.</source>
            <translation>
                <numerusform>“{title}” moved to the trash. It is deleted for good after %n day.</numerusform>
                <numerusform>“{title}” moved to the trash. It is deleted for good after %n days.</numerusform>
            </translation>
        </message>
        <message numerus="yes">
            <source>Deleted %n conversation(s) for good.</source>
            <translation>
                <numerusform>Deleted %n conversation for good.</numerusform>
                <numerusform>Deleted %n conversations for good.</numerusform>
            </translation>
        </message>
        <message numerus="yes">
            <source>Exported %n chat(s) to {path}.</source>
            <translation>
                <numerusform>Exported %n chat to {path}.</numerusform>
                <numerusform>Exported %n chats to {path}.</numerusform>
            </translation>
        </message>
        <message numerus="yes">
            <source>%n new chat(s)</source>
            <translation>
                <numerusform>%n new chat</numerusform>
                <numerusform>%n new chats</numerusform>
            </translation>
        </message>
        <message numerus="yes">
            <source>%n new message(s)</source>
            <translation>
                <numerusform>%n new message</numerusform>
                <numerusform>%n new messages</numerusform>
            </translation>
        </message>
    </context>
    <context>
        <name>MessageView</name>
        <message numerus="yes">
            <source>Show %n earlier messages ({hidden} not shown)</source>
            <translation>
                <numerusform>Show %n earlier message ({hidden} not shown)</numerusform>
                <numerusform>Show %n earlier messages ({hidden} not shown)</numerusform>
            </translation>
        </message>
        <message numerus="yes">
            <source>Thought for {time} (%n words)</source>
            <translation>
                <numerusform>Thought for {time} (%n word)</numerusform>
                <numerusform>Thought for {time} (%n words)</numerusform>
            </translation>
        </message>
        <message numerus="yes">
            <source>Thinking (%n words)</source>
            <translation>
                <numerusform>Thinking (%n word)</numerusform>
                <numerusform>Thinking (%n words)</numerusform>
            </translation>
        </message>
    </context>
    <context>
        <name>ModelPickerPopup</name>
        <message numerus="yes">
            <source>{shown} of %n models</source>
            <translation>
                <numerusform>{shown} of %n model</numerusform>
                <numerusform>{shown} of %n models</numerusform>
            </translation>
        </message>
    </context>
    <context>
        <name>tool_panel</name>
        <message numerus="yes">
            <source>(%n characters)</source>
            <translation>
                <numerusform>(%n character)</numerusform>
                <numerusform>(%n characters)</numerusform>
            </translation>
        </message>
    </context>
</TS>
