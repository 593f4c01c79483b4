<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="zh_CN">
    <context>
        <name>AddMessageDialog</name>
        <message>
            <source>Add a message</source>
            <translation>添加消息</translation>
        </message>
        <message>
            <source>Role</source>
            <translation>角色</translation>
        </message>
        <message>
            <source>Message text</source>
            <translation>消息文本</translation>
        </message>
    </context>
    <context>
        <name>ApprovalPrompt</name>
        <message>
            <source>The model wants to run the tool “{tool}” of {server}:</source>
            <translation>模型想要运行 {server} 的工具“{tool}”：</translation>
        </message>
        <message>
            <source>Allow once</source>
            <translation>允许一次</translation>
        </message>
        <message>
            <source>Always allow in this chat</source>
            <translation>在此聊天中始终允许</translation>
        </message>
        <message>
            <source>Deny</source>
            <translation>拒绝</translation>
        </message>
    </context>
    <context>
        <name>CompareBar</name>
        <message>
            <source>Compare +</source>
            <translation>比较 +</translation>
        </message>
        <message>
            <source>Compare with another model</source>
            <translation>与其他模型比较</translation>
        </message>
        <message numerus="yes">
            <source>Ask up to %n more models the same question, side by side</source>
            <translation>
                <numerusform>向最多 %n 个其他模型提出同一问题，并排显示</numerusform>
            </translation>
        </message>
        <message>
            <source>Compare with a model of another profile</source>
            <translation>与其他配置中的模型对比</translation>
        </message>
        <message>
            <source>A model of {name}…</source>
            <translation>{name} 中的模型…</translation>
        </message>
        <message>
            <source>Stop comparing with {model}</source>
            <translation>停止与 {model} 比较</translation>
        </message>
    </context>
    <context>
        <name>CompareColumn</name>
        <message>
            <source>Answer of {model}</source>
            <translation>{model} 的回答</translation>
        </message>
        <message>
            <source>Stop</source>
            <translation>停止</translation>
        </message>
        <message>
            <source>Retry</source>
            <translation>重试</translation>
        </message>
        <message>
            <source>Continue with this</source>
            <translation>用这个继续</translation>
        </message>
    </context>
    <context>
        <name>CompareView</name>
        <message>
            <source>waiting…</source>
            <translation>等待中…</translation>
        </message>
        <message>
            <source>{count} tokens</source>
            <translation>{count} 个令牌</translation>
        </message>
        <message>
            <source>{seconds} s to first token</source>
            <translation>首个令牌用时 {seconds} 秒</translation>
        </message>
        <message>
            <source>{speed} tok/s</source>
            <translation>{speed} 令牌/秒</translation>
        </message>
        <message>
            <source> · stopped</source>
            <translation> · 已停止</translation>
        </message>
        <message>
            <source>Comparison of models</source>
            <translation>模型比较</translation>
        </message>
        <message>
            <source>Stop all</source>
            <translation>全部停止</translation>
        </message>
        <message>
            <source>Stop every answer (Esc)</source>
            <translation>停止所有回答 (Esc)</translation>
        </message>
        <message>
            <source>Close</source>
            <translation>关闭</translation>
        </message>
        <message>
            <source>Keep the shown answer; the others stay as alternatives</source>
            <translation>保留显示的回答；其他回答作为备选保留</translation>
        </message>
        <message numerus="yes">
            <source>Comparing %n models — {done}/{total} done</source>
            <translation>
                <numerusform>正在比较 %n 个模型 — 已完成 {done}/{total}</numerusform>
            </translation>
        </message>
        <message numerus="yes">
            <source>%n answers — choose one with “Continue with this”</source>
            <translation>
                <numerusform>%n 个回答 — 用“用这个继续”选择一个</numerusform>
            </translation>
        </message>
    </context>
    <context>
        <name>Composer</name>
        <message>
            <source>Type a message. Enter sends, Shift+Enter adds a new line.</source>
            <translation>输入消息。Enter 发送，Shift+Enter 换行。</translation>
        </message>
        <message>
            <source>Message — Enter to send · Shift+Enter new line · Ctrl+L model · Esc stop</source>
            <translation>消息 — Enter 发送 · Shift+Enter 换行 · Ctrl+L 模型 · Esc 停止</translation>
        </message>
    </context>
    <context>
        <name>ConversationTab</name>
        <message>
            <source>Conversation: {title}</source>
            <translation>对话：{title}</translation>
        </message>
        <message>
            <source>Find in this conversation</source>
            <translation>在此对话中查找</translation>
        </message>
        <message>
            <source>Find in this chat — Enter: next, Shift+Enter: previous</source>
            <translation>在此聊天中查找 — Enter：下一个，Shift+Enter：上一个</translation>
        </message>
        <message>
            <source>Attach files</source>
            <translation>附加文件</translation>
        </message>
        <message>
            <source>Retry</source>
            <translation>重试</translation>
        </message>
        <message>
            <source>Send less history…</source>
            <translation>发送更少的历史记录…</translation>
        </message>
        <message>
            <source>Leave earlier images out</source>
            <translation>不发送之前的图片</translation>
        </message>
        <message>
            <source>The next request sends about {tokens} tokens of the {window} that {model} takes (an estimate, about four characters a token).</source>
            <translation>下一次请求约发送 {tokens} 个令牌，{model} 最多接受 {window} 个（估算值，约四个字符一个令牌）。</translation>
        </message>
        <message>
            <source>The next request sends about {tokens} tokens; the model's context window is not known (add it in settings.json under "capabilities").</source>
            <translation>下一次请求约发送 {tokens} 个令牌；模型的上下文窗口未知（可在 settings.json 的 "capabilities" 中添加）。</translation>
        </message>
        <message>
            <source>{count} tokens</source>
            <translation>{count} 个令牌</translation>
        </message>
        <message>
            <source>This turn compared {models}.</source>
            <translation>本轮比较了 {models}。</translation>
        </message>
        <message>
            <source>Compare again</source>
            <translation>再次比较</translation>
        </message>
        <message>
            <source>Only {model}</source>
            <translation>仅 {model}</translation>
        </message>
        <message>
            <source>Only this model</source>
            <translation>仅此模型</translation>
        </message>
    </context>
    <context>
        <name>EditDialog</name>
        <message>
            <source>Edit user message</source>
            <translation>编辑用户消息</translation>
        </message>
        <message>
            <source>Edit assistant message</source>
            <translation>编辑助手消息</translation>
        </message>
        <message>
            <source>Edit system message</source>
            <translation>编辑系统消息</translation>
        </message>
        <message>
            <source>Edit message</source>
            <translation>编辑消息</translation>
        </message>
        <message>
            <source>Message text</source>
            <translation>消息文本</translation>
        </message>
        <message>
            <source>Saving sends the edited prompt again; the previous version stays as an alternative.</source>
            <translation>保存后会重新发送编辑后的提示；之前的版本作为备选保留。</translation>
        </message>
        <message>
            <source>The previous version stays as an alternative (‹ ›).</source>
            <translation>之前的版本作为备选保留（‹ ›）。</translation>
        </message>
        <message>
            <source>Save &amp;&amp; send</source>
            <translation>保存并发送</translation>
        </message>
    </context>
    <context>
        <name>HistorySidebar</name>
        <message>
            <source>Search all chats (Ctrl+Shift+F)</source>
            <translation>搜索所有聊天 (Ctrl+Shift+F)</translation>
        </message>
        <message>
            <source>&amp;History</source>
            <translation>历史记录(&amp;H)</translation>
        </message>
        <message>
            <source>Rename…</source>
            <translation>重命名…</translation>
        </message>
        <message>
            <source>Pin / unpin</source>
            <translation>置顶 / 取消置顶</translation>
        </message>
        <message>
            <source>Move to trash</source>
            <translation>移到回收站</translation>
        </message>
        <message>
            <source>Search &amp;results</source>
            <translation>搜索结果(&amp;R)</translation>
        </message>
        <message>
            <source>Open</source>
            <translation>打开</translation>
        </message>
        <message>
            <source>Unpin</source>
            <translation>取消置顶</translation>
        </message>
        <message>
            <source>Pin to top</source>
            <translation>置顶</translation>
        </message>
        <message>
            <source>Rename chat</source>
            <translation>重命名聊天</translation>
        </message>
        <message>
            <source>Title</source>
            <translation>标题</translation>
        </message>
    </context>
    <context>
        <name>ImageViewer</name>
        <message>
            <source>Double-click: full size / fit to the window</source>
            <translation>双击：原始大小 / 适应窗口</translation>
        </message>
    </context>
    <context>
        <name>MainWindow</name>
        <message>
            <source>New chat</source>
            <translation>新建聊天</translation>
        </message>
        <message>
            <source>Your text is kept in memory and will be saved again shortly.</source>
            <translation>您的文本保留在内存中，稍后会再次保存。</translation>
        </message>
        <message>
            <source>&amp;File</source>
            <translation>文件(&amp;F)</translation>
        </message>
        <message>
            <source>&amp;New chat</source>
            <translation>新建聊天(&amp;N)</translation>
        </message>
        <message>
            <source>&amp;Close chat</source>
            <translation>关闭聊天(&amp;C)</translation>
        </message>
        <message>
            <source>&amp;Export chat…</source>
            <translation>导出聊天(&amp;E)…</translation>
        </message>
        <message>
            <source>Export &amp;all chats…</source>
            <translation>导出所有聊天(&amp;A)…</translation>
        </message>
        <message>
            <source>&amp;Import chats…</source>
            <translation>导入聊天(&amp;I)…</translation>
        </message>
        <message>
            <source>Empty &amp;trash…</source>
            <translation>清空回收站(&amp;T)…</translation>
        </message>
        <message>
            <source>&amp;Settings…</source>
            <translation>设置(&amp;S)…</translation>
        </message>
        <message>
            <source>&amp;Prices…</source>
            <translation>价格(&amp;P)…</translation>
        </message>
        <message>
            <source>Too&amp;l servers (MCP)…</source>
            <translation>工具服务器 (MCP)(&amp;L)…</translation>
        </message>
        <message>
            <source>&amp;Quit</source>
            <translation>退出(&amp;Q)</translation>
        </message>
        <message>
            <source>&amp;View</source>
            <translation>视图(&amp;V)</translation>
        </message>
        <message>
            <source>&amp;Next chat</source>
            <translation>下一个聊天(&amp;N)</translation>
        </message>
        <message>
            <source>&amp;Previous chat</source>
            <translation>上一个聊天(&amp;P)</translation>
        </message>
        <message>
            <source>Zoom &amp;in</source>
            <translation>放大(&amp;I)</translation>
        </message>
        <message>
            <source>Zoom &amp;out</source>
            <translation>缩小(&amp;O)</translation>
        </message>
        <message>
            <source>&amp;Actual size</source>
            <translation>实际大小(&amp;A)</translation>
        </message>
        <message>
            <source>&amp;Theme</source>
            <translation>主题(&amp;T)</translation>
        </message>
        <message>
            <source>Follow the &amp;system</source>
            <translation>跟随系统(&amp;S)</translation>
        </message>
        <message>
            <source>&amp;Light</source>
            <translation>浅色(&amp;L)</translation>
        </message>
        <message>
            <source>&amp;Dark</source>
            <translation>深色(&amp;D)</translation>
        </message>
        <message>
            <source>&amp;Search chats</source>
            <translation>搜索聊天(&amp;S)</translation>
        </message>
        <message>
            <source>Choose the &amp;model…</source>
            <translation>选择模型(&amp;M)…</translation>
        </message>
        <message>
            <source>&amp;Help</source>
            <translation>帮助(&amp;H)</translation>
        </message>
        <message>
            <source>&amp;Welcome…</source>
            <translation>欢迎(&amp;W)…</translation>
        </message>
        <message>
            <source>&amp;About Desktop Chat</source>
            <translation>关于 Desktop Chat(&amp;A)</translation>
        </message>
        <message>
            <source>About Desktop Chat</source>
            <translation>关于 Desktop Chat</translation>
        </message>
        <message>
            <source>Desktop Chat {version}
A native client for OpenAI-compatible chat models.
Your chats stay on this computer; API keys stay in the system keychain.</source>
            <translation>Desktop Chat {version}
适用于兼容 OpenAI 的聊天模型的原生客户端。
您的聊天保存在本机；API 密钥保存在系统钥匙串中。</translation>
        </message>
        <message>
            <source>Open settings</source>
            <translation>打开设置</translation>
        </message>
        <message>
            <source>No API key is set, so the OpenAI endpoint cannot answer yet.</source>
            <translation>尚未设置 API 密钥，因此 OpenAI 端点暂时无法回答。</translation>
        </message>
        <message>
            <source>Add a key in Settings (Ctrl+,), set OPENAI_API_KEY, or choose a local OpenAI-compatible server (e.g. Ollama at http://localhost:11434/v1) that needs no key.</source>
            <translation>请在设置 (Ctrl+,) 中添加密钥、设置 OPENAI_API_KEY，或选择无需密钥的本地兼容 OpenAI 的服务器（例如 http://localhost:11434/v1 上的 Ollama）。</translation>
        </message>
        <message>
            <source>The history database was damaged and could not be opened. It was moved aside to {path}, and a new, empty history was started.</source>
            <translation>历史数据库已损坏，无法打开。它已被移到 {path}，并已新建一个空的历史记录。</translation>
        </message>
        <message>
            <source>Recover chats</source>
            <translation>恢复聊天</translation>
        </message>
        <message>
            <source>Nothing was recovered: {error}</source>
            <translation>未能恢复任何内容：{error}</translation>
        </message>
        <message>
            <source>Recovered {chats} and {messages} from {path}. The damaged file is kept there; delete it when you no longer need it.</source>
            <translation>已从 {path} 恢复 {chats}和 {messages}。损坏的文件保留在原处；不再需要时可将其删除。</translation>
        </message>
        <message numerus="yes">
            <source>%n chat(s)</source>
            <translation>
                <numerusform>%n 个聊天</numerusform>
            </translation>
        </message>
        <message numerus="yes">
            <source>%n message(s)</source>
            <translation>
                <numerusform>%n 条消息</numerusform>
            </translation>
        </message>
        <message>
            <source>No chats could be read from {path}; it is kept there.</source>
            <translation>无法从 {path} 读取任何聊天；该文件保留在原处。</translation>
        </message>
        <message>
            <source>The details are in {path}.</source>
            <translation>详细信息见 {path}。</translation>
        </message>
        <message>
            <source>Something went wrong inside the app ({error}). Your chats and drafts are kept; you can go on.</source>
            <translation>应用内部出错（{error}）。您的聊天和草稿均已保留，可以继续使用。</translation>
        </message>
        <message>
            <source>“{title}” is still answering in the background; it will be saved, and you can reopen it from History.</source>
            <translation>“{title}”仍在后台回答；它会被保存，您可以从历史记录中重新打开。</translation>
        </message>
        <message>
            <source>answering</source>
            <translation>正在回答</translation>
        </message>
        <message>
            <source>unread answer</source>
            <translation>未读回答</translation>
        </message>
        <message numerus="yes">
            <source>“{title}” moved to the trash. It is deleted for good after %n days.</source>
            <translation>
                <numerusform>“{title}”已移到回收站，%n 天后将被永久删除。</numerusform>
            </translation>
        </message>
        <message>
            <source>Undo</source>
            <translation>撤销</translation>
        </message>
        <message>
            <source>Empty trash</source>
            <translation>清空回收站</translation>
        </message>
        <message>
            <source>Delete every conversation in the trash for good? This cannot be undone.</source>
            <translation>永久删除回收站中的所有对话？此操作无法撤销。</translation>
        </message>
        <message numerus="yes">
            <source>Deleted %n conversation(s) for good.</source>
            <translation>
                <numerusform>已永久删除 %n 个对话。</numerusform>
            </translation>
        </message>
        <message>
            <source>Export chat</source>
            <translation>导出聊天</translation>
        </message>
        <message>
            <source>Export all chats</source>
            <translation>导出所有聊天</translation>
        </message>
        <message>
            <source>Could not write {path}: {reason}.</source>
            <translation>无法写入 {path}：{reason}。</translation>
        </message>
        <message numerus="yes">
            <source>Exported %n chat(s) to {path}.</source>
            <translation>
                <numerusform>已将 %n 个聊天导出到 {path}。</numerusform>
            </translation>
        </message>
        <message>
            <source>Import chats</source>
            <translation>导入聊天</translation>
        </message>
        <message>
            <source>Chat exports (*.json *.zip);;All files (*)</source>
            <translation>聊天导出文件 (*.json *.zip);;所有文件 (*)</translation>
        </message>
        <message>
            <source>An import is already running.</source>
            <translation>已有导入正在进行。</translation>
        </message>
        <message>
            <source>Importing {name}…</source>
            <translation>正在导入 {name}…</translation>
        </message>
        <message>
            <source>Nothing was imported. {error}</source>
            <translation>未导入任何内容。{error}</translation>
        </message>
        <message>
            <source>Nothing was imported. {name}: not enough memory to read it.</source>
            <translation>未导入任何内容。{name}：内存不足，无法读取。</translation>
        </message>
        <message>
            <source>Imported {chats} and {messages}.</source>
            <translation>已导入 {chats}和 {messages}。</translation>
        </message>
        <message numerus="yes">
            <source>%n new chat(s)</source>
            <translation>
                <numerusform>%n 个新聊天</numerusform>
            </translation>
        </message>
        <message numerus="yes">
            <source>%n new message(s)</source>
            <translation>
                <numerusform>%n 条新消息</numerusform>
            </translation>
        </message>
    </context>
    <context>
        <name>MessageActionBar</name>
        <message>
            <source>Copy</source>
            <translation>复制</translation>
        </message>
        <message>
            <source>Copy message</source>
            <translation>复制消息</translation>
        </message>
        <message>
            <source>Edit…</source>
            <translation>编辑…</translation>
        </message>
        <message>
            <source>Edit message</source>
            <translation>编辑消息</translation>
        </message>
        <message>
            <source>Regenerate</source>
            <translation>重新生成</translation>
        </message>
        <message>
            <source>Regenerate answer</source>
            <translation>重新生成回答</translation>
        </message>
        <message>
            <source>Run from here</source>
            <translation>从此处运行</translation>
        </message>
        <message>
            <source>Run from this message</source>
            <translation>从此消息运行</translation>
        </message>
        <message>
            <source>Show request…</source>
            <translation>显示请求…</translation>
        </message>
        <message>
            <source>Show the request</source>
            <translation>显示请求</translation>
        </message>
        <message>
            <source>Move up</source>
            <translation>上移</translation>
        </message>
        <message>
            <source>Move message up</source>
            <translation>上移消息</translation>
        </message>
        <message>
            <source>Move down</source>
            <translation>下移</translation>
        </message>
        <message>
            <source>Move message down</source>
            <translation>下移消息</translation>
        </message>
        <message>
            <source>Delete</source>
            <translation>删除</translation>
        </message>
        <message>
            <source>Delete message</source>
            <translation>删除消息</translation>
        </message>
        <message>
            <source>Message actions</source>
            <translation>消息操作</translation>
        </message>
        <message>
            <source>More actions…</source>
            <translation>更多操作…</translation>
        </message>
        <message>
            <source>More message actions</source>
            <translation>更多消息操作</translation>
        </message>
    </context>
    <context>
        <name>MessageView</name>
        <message>
            <source>You</source>
            <translation>你</translation>
        </message>
        <message>
            <source>Assistant</source>
            <translation>助手</translation>
        </message>
        <message>
            <source>System</source>
            <translation>系统</translation>
        </message>
        <message>
            <source>interrupted</source>
            <translation>已中断</translation>
        </message>
        <message>
            <source>incomplete: the connection failed</source>
            <translation>不完整：连接失败</translation>
        </message>
        <message>
            <source>answering…</source>
            <translation>正在回答…</translation>
        </message>
        <message>
            <source>{seconds} s</source>
            <translation>{seconds} 秒</translation>
        </message>
        <message>
            <source>{minutes} min {seconds} s</source>
            <translation>{minutes} 分 {seconds} 秒</translation>
        </message>
        <message>
            <source>{minutes} min</source>
            <translation>{minutes} 分钟</translation>
        </message>
        <message>
            <source>The conversation. Answers appear here as they stream.</source>
            <translation>对话内容。回答会在生成时显示在这里。</translation>
        </message>
        <message>
            <source>Jump to latest</source>
            <translation>跳到最新</translation>
        </message>
        <message>
            <source>↓ Jump to latest</source>
            <translation>↓ 跳到最新</translation>
        </message>
        <message numerus="yes">
            <source>Show %n earlier messages ({hidden} not shown)</source>
            <translation>
                <numerusform>显示之前的 %n 条消息（{hidden} 条未显示）</numerusform>
            </translation>
        </message>
        <message>
            <source>Thinking… {seconds} s</source>
            <translation>思考中… {seconds} 秒</translation>
        </message>
        <message>
            <source>Thinking…</source>
            <translation>思考中…</translation>
        </message>
        <message>
            <source>Thought for {time}</source>
            <translation>思考了 {time}</translation>
        </message>
        <message numerus="yes">
            <source>Thought for {time} (%n words)</source>
            <translation>
                <numerusform>思考了 {time}（%n 个词）</numerusform>
            </translation>
        </message>
        <message numerus="yes">
            <source>Thinking (%n words)</source>
            <translation>
                <numerusform>思考过程（%n 个词）</numerusform>
            </translation>
        </message>
        <message>
            <source>No answer: the model spent its token limit thinking. Raise Max tokens, or lower the reasoning effort, and regenerate.</source>
            <translation>没有回答：模型在思考中用完了令牌上限。请提高“最大令牌数”或降低推理强度，然后重新生成。</translation>
        </message>
        <message>
            <source>Request</source>
            <translation>请求</translation>
        </message>
        <message>
            <source>{prompt} + {completion} tokens</source>
            <translation>{prompt} + {completion} 个令牌</translation>
        </message>
        <message>
            <source>({count} thinking)</source>
            <translation>（思考 {count}）</translation>
        </message>
        <message>
            <source>{seconds} s to first token</source>
            <translation>首个令牌用时 {seconds} 秒</translation>
        </message>
        <message>
            <source>{speed} tok/s</source>
            <translation>{speed} 令牌/秒</translation>
        </message>
    </context>
    <context>
        <name>ModelPickerPopup</name>
        <message>
            <source>favourite</source>
            <translation>收藏</translation>
        </message>
        <message>
            <source>recently used</source>
            <translation>最近使用</translation>
        </message>
        <message>
            <source>not listed by the server now</source>
            <translation>服务器当前未列出</translation>
        </message>
        <message>
            <source>Search models — every word matches somewhere</source>
            <translation>搜索模型 — 每个词都需在某处匹配</translation>
        </message>
        <message>
            <source>&amp;Retry</source>
            <translation>重试(&amp;R)</translation>
        </message>
        <message>
            <source>Show &amp;all models</source>
            <translation>显示所有模型(&amp;A)</translation>
        </message>
        <message>
            <source>Also list embeddings, speech, image and moderation models</source>
            <translation>同时列出嵌入、语音、图像和审核模型</translation>
        </message>
        <message>
            <source>Asking the server for its models…</source>
            <translation>正在向服务器查询模型…</translation>
        </message>
        <message>
            <source>No models listed; type a model name here and press Enter.</source>
            <translation>未列出任何模型；请在此输入模型名称并按 Enter。</translation>
        </message>
        <message>
            <source>No model matches; the model box takes any name typed in it.</source>
            <translation>没有匹配的模型；模型框接受输入的任何名称。</translation>
        </message>
        <message>
            <source>The server did not list its models; these are the defaults.</source>
            <translation>服务器未列出其模型；以下为默认模型。</translation>
        </message>
        <message numerus="yes">
            <source>{shown} of %n models</source>
            <translation>
                <numerusform>{shown} / %n 个模型</numerusform>
            </translation>
        </message>
    </context>
    <context>
        <name>Notice</name>
        <message>
            <source>Dismiss</source>
            <translation>关闭</translation>
        </message>
    </context>
    <context>
        <name>OnboardingDialog</name>
        <message>
            <source>Welcome</source>
            <translation>欢迎</translation>
        </message>
        <message>
            <source>Welcome to Desktop Chat</source>
            <translation>欢迎使用 Desktop Chat</translation>
        </message>
        <message>
            <source>&lt;b&gt;Welcome!&lt;/b&gt; To start chatting, tell Desktop Chat which model server to use. You can change this any time in Settings (Ctrl+,).</source>
            <translation>&lt;b&gt;欢迎！&lt;/b&gt;开始聊天前，请告诉 Desktop Chat 使用哪个模型服务器。您可以随时在设置 (Ctrl+,) 中更改。</translation>
        </message>
        <message>
            <source>I have an &amp;OpenAI API key</source>
            <translation>我有 OpenAI API 密钥(&amp;O)</translation>
        </message>
        <message>
            <source>sk-…  (kept in your system keychain, never in a file)</source>
            <translation>sk-…（保存在系统钥匙串中，绝不写入文件）</translation>
        </message>
        <message>
            <source>OpenAI API key</source>
            <translation>OpenAI API 密钥</translation>
        </message>
        <message>
            <source>I use a &amp;local or other OpenAI-compatible server</source>
            <translation>我使用本地或其他兼容 OpenAI 的服务器(&amp;L)</translation>
        </message>
        <message>
            <source>Server kind</source>
            <translation>服务器类型</translation>
        </message>
        <message>
            <source>Server address (base URL)</source>
            <translation>服务器地址（基础 URL）</translation>
        </message>
        <message>
            <source>Start chatting</source>
            <translation>开始聊天</translation>
        </message>
        <message>
            <source>Skip for now</source>
            <translation>暂时跳过</translation>
        </message>
        <message>
            <source>Paste your API key, or choose a local server.</source>
            <translation>请粘贴您的 API 密钥，或选择本地服务器。</translation>
        </message>
        <message>
            <source>The address should start with http:// or https://</source>
            <translation>地址应以 http:// 或 https:// 开头</translation>
        </message>
    </context>
    <context>
        <name>ParametersPanel</name>
        <message>
            <source>default</source>
            <translation>默认</translation>
        </message>
        <message>
            <source>{model} is not a reasoning model.</source>
            <translation>{model} 不是推理模型。</translation>
        </message>
        <message>
            <source>{model} does not accept stop sequences.</source>
            <translation>{model} 不接受停止序列。</translation>
        </message>
        <message>
            <source>{model} takes no system message: it is sent at the start of the first message.</source>
            <translation>{model} 不接受系统消息：它会放在第一条消息开头发送。</translation>
        </message>
        <message>
            <source>{model} is a reasoning model: it only accepts the default {parameter}.</source>
            <translation>{model} 是推理模型：{parameter} 只接受默认值。</translation>
        </message>
        <message>
            <source>Precise</source>
            <translation>精确</translation>
        </message>
        <message>
            <source>Balanced</source>
            <translation>均衡</translation>
        </message>
        <message>
            <source>Creative</source>
            <translation>创意</translation>
        </message>
        <message>
            <source>Mode</source>
            <translation>模式</translation>
        </message>
        <message>
            <source>Chat (messages with roles)</source>
            <translation>聊天（带角色的消息）</translation>
        </message>
        <message>
            <source>Completion (plain prompt, instruct models)</source>
            <translation>补全（纯提示，指令模型）</translation>
        </message>
        <message>
            <source>Parameter presets</source>
            <translation>参数预设</translation>
        </message>
        <message>
            <source>Save preset…</source>
            <translation>保存预设…</translation>
        </message>
        <message>
            <source>Reset</source>
            <translation>重置</translation>
        </message>
        <message>
            <source>Back to the server's defaults (nothing sent)</source>
            <translation>恢复为服务器默认值（不发送任何参数）</translation>
        </message>
        <message>
            <source>Saved system messages</source>
            <translation>已保存的系统消息</translation>
        </message>
        <message>
            <source>Save to library…</source>
            <translation>保存到库…</translation>
        </message>
        <message>
            <source>Library</source>
            <translation>库</translation>
        </message>
        <message>
            <source>System message</source>
            <translation>系统消息</translation>
        </message>
        <message>
            <source>Optional system message, sent first with every turn</source>
            <translation>可选的系统消息，每轮都会最先发送</translation>
        </message>
        <message>
            <source>Temperature</source>
            <translation>温度</translation>
        </message>
        <message>
            <source>Top p</source>
            <translation>Top p</translation>
        </message>
        <message>
            <source>Max tokens</source>
            <translation>最大令牌数</translation>
        </message>
        <message>
            <source>Presence</source>
            <translation>存在惩罚</translation>
        </message>
        <message>
            <source>Frequency</source>
            <translation>频率惩罚</translation>
        </message>
        <message>
            <source>Seed</source>
            <translation>种子</translation>
        </message>
        <message>
            <source>JSON output</source>
            <translation>JSON 输出</translation>
        </message>
        <message>
            <source>response_format {"type": "json_object"} (chat mode)</source>
            <translation>response_format {"type": "json_object"}（聊天模式）</translation>
        </message>
        <message>
            <source>Reasoning effort</source>
            <translation>推理强度</translation>
        </message>
        <message>
            <source>Reasoning</source>
            <translation>推理</translation>
        </message>
        <message>
            <source>Image detail</source>
            <translation>图片细节</translation>
        </message>
        <message>
            <source>How closely a vision model looks at attached images</source>
            <translation>视觉模型查看附加图片的精细程度</translation>
        </message>
        <message>
            <source>Leave earlier images out</source>
            <translation>不发送之前的图片</translation>
        </message>
        <message>
            <source>Send earlier prompts without their images (for a model that takes no images)</source>
            <translation>发送之前的消息时不带图片（用于不接受图片的模型）</translation>
        </message>
        <message>
            <source>Context: messages sent</source>
            <translation>上下文：发送的消息</translation>
        </message>
        <message>
            <source>all messages</source>
            <translation>所有消息</translation>
        </message>
        <message>
            <source>last </source>
            <translation>最近 </translation>
        </message>
        <message>
            <source>How much of the history each request sends; the system message always goes</source>
            <translation>每次请求发送多少历史记录；系统消息总会发送</translation>
        </message>
        <message>
            <source>Context</source>
            <translation>上下文</translation>
        </message>
        <message>
            <source>One answer per request: regenerate for another</source>
            <translation>每次请求一个回答：重新生成可得到另一个</translation>
        </message>
        <message>
            <source>Stop sequences</source>
            <translation>停止序列</translation>
        </message>
        <message>
            <source>Stop sequences, one per line (up to 4)</source>
            <translation>停止序列，每行一个（最多 4 个）</translation>
        </message>
        <message>
            <source>Stop</source>
            <translation>停止</translation>
        </message>
        <message>
            <source>Presets…</source>
            <translation>预设…</translation>
        </message>
        <message>
            <source>Saved system messages…</source>
            <translation>已保存的系统消息…</translation>
        </message>
        <message>
            <source>Save preset</source>
            <translation>保存预设</translation>
        </message>
        <message>
            <source>Name for these parameters</source>
            <translation>这些参数的名称</translation>
        </message>
        <message>
            <source>Save system message</source>
            <translation>保存系统消息</translation>
        </message>
        <message>
            <source>Name</source>
            <translation>名称</translation>
        </message>
        <message>
            <source>Not sent in Completion mode</source>
            <translation>补全模式下不发送</translation>
        </message>
    </context>
    <context>
        <name>PricesDialog</name>
        <message>
            <source>Prices per model</source>
            <translation>各模型价格</translation>
        </message>
        <message>
            <source>USD per million tokens. Shipped prices are OpenAI's of {date}; edit them to match your provider. A model without a price shows no cost.</source>
            <translation>单位为美元/百万令牌。内置价格为 OpenAI 截至 {date} 的价格；请按您的服务商修改。没有价格的模型不显示费用。</translation>
        </message>
        <message>
            <source>Model</source>
            <translation>模型</translation>
        </message>
        <message>
            <source>Input $/1M</source>
            <translation>输入 $/百万</translation>
        </message>
        <message>
            <source>Output $/1M</source>
            <translation>输出 $/百万</translation>
        </message>
        <message>
            <source>Add model</source>
            <translation>添加模型</translation>
        </message>
        <message>
            <source>Remove</source>
            <translation>移除</translation>
        </message>
    </context>
    <context>
        <name>QuickAskWindow</name>
        <message>
            <source>Quick ask — desktop-chat</source>
            <translation>快速提问 — desktop-chat</translation>
        </message>
        <message>
            <source>Ask anything — Enter to ask, Esc to close</source>
            <translation>随便问 — Enter 提问，Esc 关闭</translation>
        </message>
        <message>
            <source>Ctrl+Enter: continue in a tab · Ctrl+Shift+C: copy answer · Ctrl+N: new question</source>
            <translation>Ctrl+Enter：在标签页中继续 · Ctrl+Shift+C：复制回答 · Ctrl+N：新问题</translation>
        </message>
        <message>
            <source>Copy answer</source>
            <translation>复制回答</translation>
        </message>
        <message>
            <source>Continue in a tab</source>
            <translation>在标签页中继续</translation>
        </message>
        <message>
            <source>Answer copied.</source>
            <translation>已复制回答。</translation>
        </message>
    </context>
    <context>
        <name>RequestDialog</name>
        <message>
            <source>Request sent for this answer</source>
            <translation>此回答发送的请求</translation>
        </message>
        <message>
            <source>Copy JSON</source>
            <translation>复制 JSON</translation>
        </message>
        <message>
            <source>Copy as curl</source>
            <translation>复制为 curl</translation>
        </message>
        <message>
            <source>Copy as Python</source>
            <translation>复制为 Python</translation>
        </message>
    </context>
    <context>
        <name>SettingsDialog</name>
        <message>
            <source>Settings</source>
            <translation>设置</translation>
        </message>
        <message>
            <source>Profiles</source>
            <translation>配置文件</translation>
        </message>
        <message>
            <source>Preset for a new profile</source>
            <translation>新配置文件的预设</translation>
        </message>
        <message>
            <source>Add</source>
            <translation>添加</translation>
        </message>
        <message>
            <source>Remove</source>
            <translation>移除</translation>
        </message>
        <message>
            <source>empty: the system proxy</source>
            <translation>留空：使用系统代理</translation>
        </message>
        <message>
            <source>This server needs an API key</source>
            <translation>此服务器需要 API 密钥</translation>
        </message>
        <message>
            <source>unchanged</source>
            <translation>未更改</translation>
        </message>
        <message>
            <source>Forget key</source>
            <translation>忘记密钥</translation>
        </message>
        <message>
            <source>Name</source>
            <translation>名称</translation>
        </message>
        <message>
            <source>Base URL</source>
            <translation>基础 URL</translation>
        </message>
        <message>
            <source>Default model</source>
            <translation>默认模型</translation>
        </message>
        <message>
            <source>Organization</source>
            <translation>组织</translation>
        </message>
        <message>
            <source>Project</source>
            <translation>项目</translation>
        </message>
        <message>
            <source>Timeout</source>
            <translation>超时</translation>
        </message>
        <message>
            <source>Proxy</source>
            <translation>代理</translation>
        </message>
        <message>
            <source>API key</source>
            <translation>API 密钥</translation>
        </message>
        <message>
            <source>Test connection</source>
            <translation>测试连接</translation>
        </message>
        <message>
            <source>Use this profile for new chats</source>
            <translation>新聊天使用此配置文件</translation>
        </message>
        <message>
            <source>Quick ask shortcut</source>
            <translation>快速提问快捷键</translation>
        </message>
        <message>
            <source>Copy command</source>
            <translation>复制命令</translation>
        </message>
        <message>
            <source>Copies `{command}` to bind in your desktop's settings</source>
            <translation>复制 `{command}`，以便在桌面设置中绑定</translation>
        </message>
        <message>
            <source>To open Quick ask from anywhere, you can also bind `{command}` to a key in your desktop's keyboard settings.</source>
            <translation>要在任意位置打开快速提问，也可以在桌面的键盘设置中将 `{command}` 绑定到某个按键。</translation>
        </message>
        <message>
            <source>Closing the window keeps the app running in the tray</source>
            <translation>关闭窗口后应用继续在托盘中运行</translation>
        </message>
        <message>
            <source>This desktop shows no tray icons.</source>
            <translation>此桌面不显示托盘图标。</translation>
        </message>
        <message>
            <source>Fill Quick ask with the selected (or copied) text</source>
            <translation>用选中（或复制）的文本填充快速提问</translation>
        </message>
        <message>
            <source>&amp;Language</source>
            <translation>语言(&amp;L)</translation>
        </message>
        <message>
            <source>Language</source>
            <translation>语言</translation>
        </message>
        <message>
            <source>System default</source>
            <translation>系统默认</translation>
        </message>
        <message>
            <source>(applies on restart)</source>
            <translation>（重启后生效）</translation>
        </message>
        <message>
            <source>A new key will be saved in the system keychain.</source>
            <translation>新密钥将保存到系统钥匙串中。</translation>
        </message>
        <message>
            <source>The key will be forgotten.</source>
            <translation>该密钥将被删除。</translation>
        </message>
        <message>
            <source>OPENAI_API_KEY is set: it is used instead of a stored key.</source>
            <translation>已设置 OPENAI_API_KEY：将代替已保存的密钥使用。</translation>
        </message>
        <message>
            <source>A key is stored in the system keychain.</source>
            <translation>系统钥匙串中已保存密钥。</translation>
        </message>
        <message>
            <source>A key is kept for this session only (not saved).</source>
            <translation>密钥仅在本次会话中保留（未保存）。</translation>
        </message>
        <message>
            <source>No key stored.</source>
            <translation>未保存密钥。</translation>
        </message>
        <message>
            <source>Testing…</source>
            <translation>正在测试…</translation>
        </message>
    </context>
    <context>
        <name>Shell</name>
        <message>
            <source>Asked the desktop to bind {key} to Quick ask; it may ask you to confirm. You can also bind `{command}` in the keyboard settings.</source>
            <translation>已请求桌面将 {key} 绑定到快速提问；桌面可能会请您确认。您也可以在键盘设置中绑定 `{command}`。</translation>
        </message>
        <message>
            <source>{key} opens Quick ask from any application. You can also bind `{command}` in your desktop's keyboard settings.</source>
            <translation>在任何应用中按 {key} 都可打开快速提问。您也可以在桌面的键盘设置中绑定 `{command}`。</translation>
        </message>
        <message>
            <source>New chat</source>
            <translation>新建聊天</translation>
        </message>
        <message>
            <source>Quick ask</source>
            <translation>快速提问</translation>
        </message>
        <message>
            <source>Show window</source>
            <translation>显示窗口</translation>
        </message>
        <message>
            <source>Quit</source>
            <translation>退出</translation>
        </message>
        <message>
            <source>Still running in the tray.</source>
            <translation>仍在托盘中运行。</translation>
        </message>
    </context>
    <context>
        <name>TabChrome</name>
        <message>
            <source>Model — pick one, or type any model name</source>
            <translation>模型 — 选择一个，或输入任意模型名称</translation>
        </message>
        <message>
            <source>&amp;Model</source>
            <translation>模型(&amp;M)</translation>
        </message>
        <message>
            <source>Provider profile</source>
            <translation>服务商配置文件</translation>
        </message>
        <message>
            <source>Which server (profile) answers in this chat</source>
            <translation>此聊天由哪个服务器（配置文件）回答</translation>
        </message>
        <message>
            <source>System &amp;&amp; parameters</source>
            <translation>系统与参数</translation>
        </message>
        <message>
            <source>System message and parameters</source>
            <translation>系统消息和参数</translation>
        </message>
        <message>
            <source>Add message…</source>
            <translation>添加消息…</translation>
        </message>
        <message>
            <source>Add a message with any role</source>
            <translation>添加任意角色的消息</translation>
        </message>
        <message>
            <source>Add a message with any role…</source>
            <translation>添加任意角色的消息…</translation>
        </message>
        <message>
            <source>Context used by the next request</source>
            <translation>下一次请求使用的上下文</translation>
        </message>
        <message>
            <source>Tokens and cost of this chat</source>
            <translation>此聊天的令牌和费用</translation>
        </message>
        <message>
            <source>Attach files</source>
            <translation>附加文件</translation>
        </message>
        <message>
            <source>Send (Enter)</source>
            <translation>发送 (Enter)</translation>
        </message>
        <message>
            <source>Stop the answer (Esc)</source>
            <translation>停止回答 (Esc)</translation>
        </message>
    </context>
    <context>
        <name>ToolServersDialog</name>
        <message>
            <source>Tool servers (MCP)</source>
            <translation>工具服务器 (MCP)</translation>
        </message>
        <message>
            <source>Tool servers; checked ones are enabled</source>
            <translation>工具服务器；勾选的已启用</translation>
        </message>
        <message>
            <source>Add</source>
            <translation>添加</translation>
        </message>
        <message>
            <source>Remove</source>
            <translation>移除</translation>
        </message>
        <message>
            <source>Command (stdio)</source>
            <translation>命令 (stdio)</translation>
        </message>
        <message>
            <source>URL (Streamable HTTP)</source>
            <translation>URL（可流式 HTTP）</translation>
        </message>
        <message>
            <source>NAME=value, one per line (never your API key)</source>
            <translation>NAME=值，每行一个（切勿填写 API 密钥）</translation>
        </message>
        <message>
            <source>Keep the values in the keychain, not in settings.json</source>
            <translation>将这些值保存在钥匙串中，而不是 settings.json</translation>
        </message>
        <message>
            <source>For tokens: settings.json then says ${keychain}, and the value is read from the keychain when the server starts</source>
            <translation>用于令牌：settings.json 中写为 ${keychain}，服务器启动时从钥匙串读取其值</translation>
        </message>
        <message>
            <source>Use in new chats</source>
            <translation>在新聊天中使用</translation>
        </message>
        <message>
            <source>tool names that run without asking, comma-separated</source>
            <translation>无需询问即可运行的工具名称，用逗号分隔</translation>
        </message>
        <message>
            <source>&amp;Name</source>
            <translation>名称(&amp;N)</translation>
        </message>
        <message>
            <source>&amp;Kind</source>
            <translation>类型(&amp;K)</translation>
        </message>
        <message>
            <source>&amp;Command</source>
            <translation>命令(&amp;C)</translation>
        </message>
        <message>
            <source>&amp;URL</source>
            <translation>URL(&amp;U)</translation>
        </message>
        <message>
            <source>&amp;Environment</source>
            <translation>环境变量(&amp;E)</translation>
        </message>
        <message>
            <source>&amp;Always allowed</source>
            <translation>始终允许(&amp;A)</translation>
        </message>
        <message>
            <source>Test</source>
            <translation>测试</translation>
        </message>
        <message>
            <source>Tool &amp;timeout</source>
            <translation>工具超时(&amp;T)</translation>
        </message>
        <message>
            <source>&amp;Steps per answer</source>
            <translation>每个回答的步数(&amp;S)</translation>
        </message>
        <message>
            <source>Give a command or a URL first.</source>
            <translation>请先填写命令或 URL。</translation>
        </message>
        <message>
            <source>Starting the server…</source>
            <translation>正在启动服务器…</translation>
        </message>
    </context>
    <context>
        <name>ToolsButton</name>
        <message>
            <source>Tools for this chat</source>
            <translation>此聊天的工具</translation>
        </message>
        <message>
            <source>Which tool servers (MCP) the model may use in this chat</source>
            <translation>模型在此聊天中可使用哪些工具服务器 (MCP)</translation>
        </message>
        <message>
            <source>Tools ({count})</source>
            <translation>工具 ({count})</translation>
        </message>
        <message>
            <source>Tools</source>
            <translation>工具</translation>
        </message>
        <message>
            <source>Listing its tools…</source>
            <translation>正在获取工具列表…</translation>
        </message>
        <message>
            <source>No tool servers: add them in Settings → Tools</source>
            <translation>没有工具服务器：请在 设置 → 工具 中添加</translation>
        </message>
    </context>
    <context>
        <name>app</name>
        <message>
            <source>This session's chats are kept in memory only and will be lost at quit.</source>
            <translation>本次会话的聊天仅保存在内存中，退出后将丢失。</translation>
        </message>
    </context>
    <context>
        <name>secret_field</name>
        <message>
            <source>Show</source>
            <translation>显示</translation>
        </message>
        <message>
            <source>Show or hide the key</source>
            <translation>显示或隐藏密钥</translation>
        </message>
        <message>
            <source>Keychain unavailable</source>
            <translation>钥匙串不可用</translation>
        </message>
        <message>
            <source>Keep the key for “{profile}” for this session only? It will not be written anywhere; you will be asked again next time. You can also set OPENAI_API_KEY in the environment instead.</source>
            <translation>仅在本次会话中保留“{profile}”的密钥？它不会写入任何地方；下次会再次询问您。您也可以改为在环境中设置 OPENAI_API_KEY。</translation>
        </message>
    </context>
    <context>
        <name>tab_chrome</name>
        <message>
            <source>New chat</source>
            <translation>新建聊天</translation>
        </message>
        <message>
            <source>New chat (Ctrl+T)</source>
            <translation>新建聊天 (Ctrl+T)</translation>
        </message>
        <message>
            <source>Close chat</source>
            <translation>关闭聊天</translation>
        </message>
        <message>
            <source>Close chat (Ctrl+W)</source>
            <translation>关闭聊天 (Ctrl+W)</translation>
        </message>
    </context>
    <context>
        <name>tool_panel</name>
        <message>
            <source>⚠ error</source>
            <translation>⚠ 错误</translation>
        </message>
        <message>
            <source>✕ denied</source>
            <translation>✕ 已拒绝</translation>
        </message>
        <message>
            <source>✕ cancelled</source>
            <translation>✕ 已取消</translation>
        </message>
        <message>
            <source>… not run</source>
            <translation>… 未运行</translation>
        </message>
        <message>
            <source>… pending</source>
            <translation>… 等待中</translation>
        </message>
        <message numerus="yes">
            <source>(%n characters)</source>
            <translation>
                <numerusform>（%n 个字符）</numerusform>
            </translation>
        </message>
        <message>
            <source>Tool {name}</source>
            <translation>工具 {name}</translation>
        </message>
        <message>
            <source>Arguments
</source>
            <translation>参数
</translation>
        </message>
        <message>
            <source>Result
</source>
            <translation>结果
</translation>
        </message>
        <message>
            <source>(waiting)</source>
            <translation>（等待中）</translation>
        </message>
    </context>
</TS>
