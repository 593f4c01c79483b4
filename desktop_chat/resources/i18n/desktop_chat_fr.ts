<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="fr">
    <context>
        <name>AddMessageDialog</name>
        <message>
            <source>Add a message</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Role</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Message text</source>
            <translation type="unfinished" />
        </message>
    </context>
    <context>
        <name>ApprovalPrompt</name>
        <message>
            <source>The model wants to run the tool “{tool}” of {server}:</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Allow once</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Always allow in this chat</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Deny</source>
            <translation type="unfinished" />
        </message>
    </context>
    <context>
        <name>CompareBar</name>
        <message>
            <source>Compare +</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Compare with another model</source>
            <translation type="unfinished" />
        </message>
        <message numerus="yes">
            <source>Ask up to %n more models the same question, side by side</source>
            <translation type="unfinished">
                <numerusform />
                <numerusform />
            </translation>
        </message>
        <message>
            <source>Stop comparing with {model}</source>
            <translation type="unfinished" />
        </message>
    </context>
    <context>
        <name>CompareColumn</name>
        <message>
            <source>Answer of {model}</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Stop</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Retry</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Continue with this</source>
            <translation type="unfinished" />
        </message>
    </context>
    <context>
        <name>CompareView</name>
        <message>
            <source>waiting…</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>{count} tokens</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>{seconds} s to first token</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>{speed} tok/s</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source> · stopped</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Comparison of models</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Stop all</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Stop every answer (Esc)</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Close</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Keep the shown answer; the others stay as alternatives</source>
            <translation type="unfinished" />
        </message>
        <message numerus="yes">
            <source>Comparing %n models — {done}/{total} done</source>
            <translation type="unfinished">
                <numerusform />
                <numerusform />
            </translation>
        </message>
        <message numerus="yes">
            <source>%n answers — choose one with “Continue with this”</source>
            <translation type="unfinished">
                <numerusform />
                <numerusform />
            </translation>
        </message>
    </context>
    <context>
        <name>Composer</name>
        <message>
            <source>Type a message. Enter sends, Shift+Enter adds a new line.</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Message — Enter to send · Shift+Enter new line · Ctrl+L model · Esc stop</source>
            <translation type="unfinished" />
        </message>
    </context>
    <context>
        <name>ConversationTab</name>
        <message>
            <source>Conversation: {title}</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Find in this conversation</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Find in this chat — Enter: next, Shift+Enter: previous</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Retry</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Send less history…</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>The next request sends about {tokens} tokens of the {window} that {model} takes (an estimate, about four characters a token).</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>The next request sends about {tokens} tokens; the model's context window is not known (add it in settings.json under "capabilities").</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>{count} tokens</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>This turn compared {models}.</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Compare again</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Only {model}</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Only this model</source>
            <translation type="unfinished" />
        </message>
    </context>
    <context>
        <name>EditDialog</name>
        <message>
            <source>Edit user message</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Edit assistant message</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Edit system message</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Edit message</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Message text</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Saving sends the edited prompt again; the previous version stays as an alternative.</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>The previous version stays as an alternative (‹ ›).</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Save &amp;&amp; send</source>
            <translation type="unfinished" />
        </message>
    </context>
    <context>
        <name>HistorySidebar</name>
        <message>
            <source>Search all chats (Ctrl+Shift+F)</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>&amp;History</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Rename…</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Pin / unpin</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Move to trash</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Search &amp;results</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Open</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Unpin</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Pin to top</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Rename chat</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Title</source>
            <translation type="unfinished" />
        </message>
    </context>
    <context>
        <name>MainWindow</name>
        <message>
            <source>New chat</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Your text is kept in memory and will be saved again shortly.</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>&amp;File</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>&amp;New chat</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>&amp;Close chat</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>&amp;Export chat…</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Export &amp;all chats…</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>&amp;Import chats…</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Empty &amp;trash…</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>&amp;Settings…</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>&amp;Prices…</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Too&amp;l servers (MCP)…</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>&amp;Quit</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>&amp;View</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>&amp;Next chat</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>&amp;Previous chat</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Zoom &amp;in</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Zoom &amp;out</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>&amp;Actual size</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>&amp;Theme</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Follow the &amp;system</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>&amp;Light</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>&amp;Dark</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>&amp;Search chats</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Choose the &amp;model…</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>&amp;Help</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>&amp;Welcome…</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>&amp;About Desktop Chat</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>About Desktop Chat</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Desktop Chat {version}
A native client for OpenAI-compatible chat models.
Your chats stay on this computer; API keys stay in the system keychain.</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Open settings</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>No API key is set, so the OpenAI endpoint cannot answer yet.</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Add a key in Settings (Ctrl+,), set OPENAI_API_KEY, or choose a local OpenAI-compatible server (e.g. Ollama at http://localhost:11434/v1) that needs no key.</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>The history database was damaged and could not be opened. It was moved aside to {path}, and a new, empty history was started.</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Recover chats</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Nothing was recovered: {error}</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Recovered {chats} and {messages} from {path}. The damaged file is kept there; delete it when you no longer need it.</source>
            <translation type="unfinished" />
        </message>
        <message numerus="yes">
            <source>%n chat(s)</source>
            <translation type="unfinished">
                <numerusform />
                <numerusform />
            </translation>
        </message>
        <message numerus="yes">
            <source>%n message(s)</source>
            <translation type="unfinished">
                <numerusform />
                <numerusform />
            </translation>
        </message>
        <message>
            <source>No chats could be read from {path}; it is kept there.</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>The details are in {path}.</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Something went wrong inside the app ({error}). Your chats and drafts are kept; you can go on.</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>“{title}” is still answering in the background; it will be saved, and you can reopen it from History.</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>answering</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>unread answer</source>
            <translation type="unfinished" />
        </message>
        <message numerus="yes">
            <source>“{title}” moved to the trash. It is deleted for good after %n days.</source>
            <translation type="unfinished">
                <numerusform />
                <numerusform />
            </translation>
        </message>
        <message>
            <source>Undo</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Empty trash</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Delete every conversation in the trash for good? This cannot be undone.</source>
            <translation type="unfinished" />
        </message>
        <message numerus="yes">
            <source>Deleted %n conversation(s) for good.</source>
            <translation type="unfinished">
                <numerusform />
                <numerusform />
            </translation>
        </message>
        <message>
            <source>Export chat</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Export all chats</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Could not write {path}: {reason}.</source>
            <translation type="unfinished" />
        </message>
        <message numerus="yes">
            <source>Exported %n chat(s) to {path}.</source>
            <translation type="unfinished">
                <numerusform />
                <numerusform />
            </translation>
        </message>
        <message>
            <source>Import chats</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Chat exports (*.json *.zip);;All files (*)</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>An import is already running.</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Importing {name}…</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Nothing was imported. {error}</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Nothing was imported. {name}: not enough memory to read it.</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Imported {chats} and {messages}.</source>
            <translation type="unfinished" />
        </message>
        <message numerus="yes">
            <source>%n new chat(s)</source>
            <translation type="unfinished">
                <numerusform />
                <numerusform />
            </translation>
        </message>
        <message numerus="yes">
            <source>%n new message(s)</source>
            <translation type="unfinished">
                <numerusform />
                <numerusform />
            </translation>
        </message>
    </context>
    <context>
        <name>MessageActionBar</name>
        <message>
            <source>Copy</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Copy message</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Edit…</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Edit message</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Regenerate</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Regenerate answer</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Run from here</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Run from this message</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Show request…</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Show the request</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Move up</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Move message up</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Move down</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Move message down</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Delete</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Delete message</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Message actions</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>More actions…</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>More message actions</source>
            <translation type="unfinished" />
        </message>
    </context>
    <context>
        <name>MessageView</name>
        <message>
            <source>You</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Assistant</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>System</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>interrupted</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>incomplete: the connection failed</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>answering…</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>{seconds} s</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>{minutes} min {seconds} s</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>{minutes} min</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>The conversation. Answers appear here as they stream.</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Jump to latest</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>↓ Jump to latest</source>
            <translation type="unfinished" />
        </message>
        <message numerus="yes">
            <source>Show %n earlier messages ({hidden} not shown)</source>
            <translation type="unfinished">
                <numerusform />
                <numerusform />
            </translation>
        </message>
        <message>
            <source>Thinking… {seconds} s</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Thinking…</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Thought for {time}</source>
            <translation type="unfinished" />
        </message>
        <message numerus="yes">
            <source>Thought for {time} (%n words)</source>
            <translation type="unfinished">
                <numerusform />
                <numerusform />
            </translation>
        </message>
        <message numerus="yes">
            <source>Thinking (%n words)</source>
            <translation type="unfinished">
                <numerusform />
                <numerusform />
            </translation>
        </message>
        <message>
            <source>No answer: the model spent its token limit thinking. Raise Max tokens, or lower the reasoning effort, and regenerate.</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Request</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>{prompt} + {completion} tokens</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>({count} thinking)</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>{seconds} s to first token</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>{speed} tok/s</source>
            <translation type="unfinished" />
        </message>
    </context>
    <context>
        <name>ModelPickerPopup</name>
        <message>
            <source>favourite</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>recently used</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>not listed by the server now</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Search models — every word matches somewhere</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>&amp;Retry</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Show &amp;all models</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Also list embeddings, speech, image and moderation models</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Asking the server for its models…</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>No models listed; type a model name here and press Enter.</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>No model matches; the model box takes any name typed in it.</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>The server did not list its models; these are the defaults.</source>
            <translation type="unfinished" />
        </message>
        <message numerus="yes">
            <source>{shown} of %n models</source>
            <translation type="unfinished">
                <numerusform />
                <numerusform />
            </translation>
        </message>
    </context>
    <context>
        <name>Notice</name>
        <message>
            <source>Dismiss</source>
            <translation type="unfinished" />
        </message>
    </context>
    <context>
        <name>OnboardingDialog</name>
        <message>
            <source>Welcome</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Welcome to Desktop Chat</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>&lt;b&gt;Welcome!&lt;/b&gt; To start chatting, tell Desktop Chat which model server to use. You can change this any time in Settings (Ctrl+,).</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>I have an &amp;OpenAI API key</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>sk-…  (kept in your system keychain, never in a file)</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>OpenAI API key</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>I use a &amp;local or other OpenAI-compatible server</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Server kind</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Server address (base URL)</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Start chatting</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Skip for now</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Paste your API key, or choose a local server.</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>The address should start with http:// or https://</source>
            <translation type="unfinished" />
        </message>
    </context>
    <context>
        <name>ParametersPanel</name>
        <message>
            <source>default</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>{model} is not a reasoning model.</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>{model} does not accept stop sequences.</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>{model} takes no system message: it is sent at the start of the first message.</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>{model} is a reasoning model: it only accepts the default {parameter}.</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Precise</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Balanced</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Creative</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Mode</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Chat (messages with roles)</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Completion (plain prompt, instruct models)</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Parameter presets</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Save preset…</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Reset</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Back to the server's defaults (nothing sent)</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Saved system messages</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Save to library…</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Library</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>System message</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Optional system message, sent first with every turn</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Temperature</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Top p</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Max tokens</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Presence</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Frequency</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Seed</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>JSON output</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>response_format {"type": "json_object"} (chat mode)</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Reasoning effort</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Reasoning</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Context: messages sent</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>all messages</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>last </source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>How much of the history each request sends; the system message always goes</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Context</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>One answer per request: regenerate for another</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Stop sequences</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Stop sequences, one per line (up to 4)</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Stop</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Presets…</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Saved system messages…</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Save preset</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Name for these parameters</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Save system message</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Name</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Not sent in Completion mode</source>
            <translation type="unfinished" />
        </message>
    </context>
    <context>
        <name>PricesDialog</name>
        <message>
            <source>Prices per model</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>USD per million tokens. Shipped prices are OpenAI's of {date}; edit them to match your provider. A model without a price shows no cost.</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Model</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Input $/1M</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Output $/1M</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Add model</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Remove</source>
            <translation type="unfinished" />
        </message>
    </context>
    <context>
        <name>QuickAskWindow</name>
        <message>
            <source>Quick ask — desktop-chat</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Ask anything — Enter to ask, Esc to close</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Ctrl+Enter: continue in a tab · Ctrl+Shift+C: copy answer · Ctrl+N: new question</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Copy answer</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Continue in a tab</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Answer copied.</source>
            <translation type="unfinished" />
        </message>
    </context>
    <context>
        <name>RequestDialog</name>
        <message>
            <source>Request sent for this answer</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Copy JSON</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Copy as curl</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Copy as Python</source>
            <translation type="unfinished" />
        </message>
    </context>
    <context>
        <name>SettingsDialog</name>
        <message>
            <source>Settings</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Profiles</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Preset for a new profile</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Add</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Remove</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>empty: the system proxy</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>This server needs an API key</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>unchanged</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Forget key</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Name</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Base URL</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Default model</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Organization</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Project</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Timeout</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Proxy</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>API key</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Test connection</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Use this profile for new chats</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Quick ask shortcut</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Copy command</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Copies `{command}` to bind in your desktop's settings</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>To open Quick ask from anywhere, you can also bind `{command}` to a key in your desktop's keyboard settings.</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Closing the window keeps the app running in the tray</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>This desktop shows no tray icons.</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Fill Quick ask with the selected (or copied) text</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>&amp;Language</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Language</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>System default</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>(applies on restart)</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>A new key will be saved in the system keychain.</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>The key will be forgotten.</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>OPENAI_API_KEY is set: it is used instead of a stored key.</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>A key is stored in the system keychain.</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>A key is kept for this session only (not saved).</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>No key stored.</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Testing…</source>
            <translation type="unfinished" />
        </message>
    </context>
    <context>
        <name>Shell</name>
        <message>
            <source>Asked the desktop to bind {key} to Quick ask; it may ask you to confirm. You can also bind `{command}` in the keyboard settings.</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>{key} opens Quick ask from any application. You can also bind `{command}` in your desktop's keyboard settings.</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>New chat</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Quick ask</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Show window</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Quit</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Still running in the tray.</source>
            <translation type="unfinished" />
        </message>
    </context>
    <context>
        <name>TabChrome</name>
        <message>
            <source>Model — pick one, or type any model name</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>&amp;Model</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Provider profile</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Which server (profile) answers in this chat</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>System &amp;&amp; parameters</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>System message and parameters</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Add message…</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Add a message with any role</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Add a message with any role…</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Context used by the next request</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Tokens and cost of this chat</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Attach files</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Send (Enter)</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Stop the answer (Esc)</source>
            <translation type="unfinished" />
        </message>
    </context>
    <context>
        <name>ToolServersDialog</name>
        <message>
            <source>Tool servers (MCP)</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Tool servers; checked ones are enabled</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Add</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Remove</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Command (stdio)</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>URL (Streamable HTTP)</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>NAME=value, one per line (never your API key)</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Use in new chats</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>tool names that run without asking, comma-separated</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>&amp;Name</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>&amp;Kind</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>&amp;Command</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>&amp;URL</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>&amp;Environment</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>&amp;Always allowed</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Test</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Tool &amp;timeout</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>&amp;Steps per answer</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Give a command or a URL first.</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Starting the server…</source>
            <translation type="unfinished" />
        </message>
    </context>
    <context>
        <name>ToolsButton</name>
        <message>
            <source>Tools for this chat</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Which tool servers (MCP) the model may use in this chat</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Tools ({count})</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Tools</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>No tool servers: add them in Settings → Tools</source>
            <translation type="unfinished" />
        </message>
    </context>
    <context>
        <name>app</name>
        <message>
            <source>This session's chats are kept in memory only and will be lost at quit.</source>
            <translation type="unfinished" />
        </message>
    </context>
    <context>
        <name>secret_field</name>
        <message>
            <source>Show</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Show or hide the key</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Keychain unavailable</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Keep the key for “{profile}” for this session only? It will not be written anywhere; you will be asked again next time. You can also set OPENAI_API_KEY in the environment instead.</source>
            <translation type="unfinished" />
        </message>
    </context>
    <context>
        <name>tab_chrome</name>
        <message>
            <source>New chat</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>New chat (Ctrl+T)</source>
            <translation type="unfinished" />
        </message>
    </context>
    <context>
        <name>tool_panel</name>
        <message>
            <source>⚠ error</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>✕ denied</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>✕ cancelled</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>… not run</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>… pending</source>
            <translation type="unfinished" />
        </message>
        <message numerus="yes">
            <source>(%n characters)</source>
            <translation type="unfinished">
                <numerusform />
                <numerusform />
            </translation>
        </message>
        <message>
            <source>Tool {name}</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Arguments
</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Result
</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>(waiting)</source>
            <translation type="unfinished" />
        </message>
    </context>
</TS>
