"""A large, deterministic chat history for the history and rendering benchmarks.

`generate(directory)` writes, through the app's own `ConversationStore.import_conversations`
(in batches, one transaction each), a database of CONVERSATIONS conversations and MESSAGES
messages, plus an empty database migrated the same way (the baseline), and a manifest (JSON)
naming what the scenarios need: the one conversation of BIG_MESSAGES messages, LONG_TABS
conversations of LONG_MESSAGES messages with markdown and code, as many short ones, and the
search words (common ones and rare ones planted in a known number of messages).

The text is made of sentences drawn (Zipf-weighted) from an English + technical vocabulary with
a tail of made-up words, so the FTS index has a realistic spread of terms. Answers carry
markdown: lists, inline code, fenced code (several languages) and the odd table. A seeded RNG
makes every run build the same history.

Only the standard library and desktop_chat's store/exchange/domain (no Qt) are imported.
"""

from __future__ import annotations

import json
import os
import random
import time
from datetime import UTC, datetime, timedelta

CONVERSATIONS = 10_000
MESSAGES = 200_000
BIG_MESSAGES = 5_000
LONG_TABS = 20  # conversations of LONG_MESSAGES messages, for the tab scenarios
LONG_MESSAGES = 500
SHORT_MESSAGES = 6  # the short conversations: the tab-switch baseline
BATCH = 250  # conversations per import_conversations call (one transaction)
SEED = 20240531

# Planted: (word, number of messages that contain it). Not in the vocabulary, so exact.
RARE_WORDS = (
    ("quetzalcoatl", 3),
    ("zymurgy", 8),
    ("fjordhaven", 15),
    ("kumquatize", 30),
    ("xylographic", 60),
)
# Searched "common" words (in the vocabulary, near the head of the Zipf curve).
COMMON_WORDS = ("data", "function", "server", "python", "error")

_COMMON = """the of and to a in is it you that he was for on are with as I his they be at one
have this from or had by hot word but what some we can out other were all there when up use your
how said an each she which do their time if will way about many then them write would like so
these her long make thing see him two has look more day could go come did number sound no most
people my over know water than call first who may down side been now find any new work part take
get place made live where after back little only round man year came show every good me give our
under name very through just form sentence great think say help low line differ turn cause much
mean before move right boy old too same tell does set three want air well also play small end put
home read hand port large spell add even land here must big high such follow act why ask men
change went light kind off need house picture try us again animal point mother world near build
self earth father head stand own page should country found answer school grow study still learn
plant cover food sun four between state keep eye never last let thought city tree cross farm hard
start might story saw far sea draw left late run don't while press close night real life few
north open seem together next white children begin got walk example ease paper group always music
those both mark often letter until mile river car feet care second book carry took science eat
room friend began idea fish mountain stop once base hear horse cut sure watch color face wood main
enough plain girl usual young ready above ever red list though feel talk bird soon body dog family
direct pose leave song measure door product black short numeral class wind question happen
complete ship area half rock order fire south problem piece told knew pass since top whole king
space heard best hour better true during hundred five remember step early hold west ground
interest reach fast verb sing listen six table travel less morning ten simple several vowel toward
war lay against pattern slow center love person money serve appear road map rain rule govern pull
cold notice voice unit power town fine certain fly fall lead cry dark machine note wait plan
figure star box noun field rest correct able pound done beauty drive stood contain front teach
week final gave green oh quick develop ocean warm free minute strong special mind behind clear
tail produce fact street inch multiply nothing course stay wheel full force blue object decide
surface deep moon island foot system busy test record boat common gold possible plane stead dry
wonder laugh thousand ago ran check game shape equate miss brought heat snow tire bring yes
distant fill east paint language among""".split()  # noqa: SIM905
_TECHNICAL = """data function server python error value list string request response database
query index cache thread process memory file module class method variable return loop array object
key client network config parameter token model prompt stream buffer socket timeout exception
import package version build deploy test debug log schema table column row migration transaction
commit branch merge container image cluster node service endpoint api json yaml http header
payload async await callback promise event signal widget layout render paint document cursor
frame scroll window dialog button input output format parse encode decode hash encrypt
permission user account session cookie router handler middleware framework library dependency
interface type generic iterator generator decorator context manager lambda closure scope
recursion algorithm complexity sort search graph tree queue stack heap pointer reference
allocation garbage collector profiler benchmark latency throughput bandwidth concurrency
parallelism lock mutex semaphore deadlock race condition atomic kernel driver compiler
interpreter bytecode runtime""".split()  # noqa: SIM905
_SYLLABLES = "ka lo mi ren tor vas quel bri dun sel mar tik oph zan lur fes gon hal yst pra".split()  # noqa: SIM905

_CODE = {
    "python": [
        'def {f}({a}, {b}=None):\n    """Return the {w} of {a}."""\n    if {b} is None:\n'
        "        {b} = []\n    for item in {a}:\n        {b}.append(item * 2)\n    return {b}\n",
        "import json\n\nwith open('{w}.json', encoding='utf-8') as handle:\n"
        "    {a} = json.load(handle)\nprint(len({a}), '{w} records')\n",
        "class {C}:\n    def __init__(self, {a}: int) -> None:\n        self.{a} = {a}\n\n"
        "    def {f}(self) -> int:\n        return self.{a} ** 2  # {w}\n",
    ],
    "javascript": [
        "async function {f}({a}) {{\n  const res = await fetch(`/api/{w}/${{{a}}}`);\n"
        "  if (!res.ok) throw new Error('{w} failed');\n  return res.json();\n}}\n",
        "const {a} = [1, 2, 3].map(({b}) => {b} * 2);\nconsole.log('{w}', {a});\n",
    ],
    "bash": [
        "for {a} in *.log; do\n  grep -c '{w}' \"${a}\" >> {b}.txt\ndone\n",
        'export {C}_HOME=/opt/{w}\n./configure --prefix="${C}_HOME" && make -j4\n',
    ],
    "sql": [
        "SELECT {a}, COUNT(*) AS n\nFROM {w}\nWHERE {b} IS NOT NULL\nGROUP BY {a}\n"
        "ORDER BY n DESC\nLIMIT 20;\n",
    ],
    "": ["{w}: {a} -> {b}\n  status: ok\n  retries: 3\n"],
}


class _Text:
    """Sentences and messages, drawn from a seeded RNG."""

    def __init__(self, rng: random.Random, sentences: int = 30_000) -> None:
        self.rng = rng
        made_up = {
            "".join(rng.choice(_SYLLABLES) for _ in range(rng.randint(2, 4))) for _ in range(6000)
        }
        vocabulary = list(dict.fromkeys(_COMMON[:60] + _TECHNICAL + _COMMON[60:]))
        vocabulary += sorted(made_up - set(vocabulary))
        weights = [1.0 / (rank + 8) for rank in range(len(vocabulary))]
        self.words = vocabulary
        self.sentences: list[str] = []
        for _ in range(sentences):
            words = rng.choices(vocabulary, weights, k=rng.randint(6, 22))
            self.sentences.append(" ".join(words).capitalize() + rng.choice("....?!"))
        self.identifiers = rng.sample(vocabulary[: len(_TECHNICAL) + 60], 120)

    def prose(self, low: int, high: int) -> str:
        return " ".join(self.rng.choices(self.sentences, k=self.rng.randint(low, high)))

    def user(self) -> str:
        return self.prose(1, 3)

    def _code(self) -> str:
        rng = self.rng
        language = rng.choice(list(_CODE))
        ident = self.identifiers
        code = rng.choice(_CODE[language]).format(
            f=f"{rng.choice(ident)}_{rng.choice(ident)}",
            a=rng.choice(ident),
            b=rng.choice(ident) + str(rng.randint(0, 99)),
            C=rng.choice(ident).capitalize() + rng.choice(ident).capitalize(),
            w=rng.choice(ident),
        )
        return f"```{language}\n{code}```"

    def answer(self, rich: bool = False) -> str:
        """Markdown: paragraphs, sometimes a list, inline code, a code block or a table."""
        rng = self.rng
        parts = [self.prose(1, 4)]
        if rng.random() < (0.6 if rich else 0.25):
            parts.append(
                "\n".join(
                    f"- `{rng.choice(self.identifiers)}()` {self.prose(1, 1).lower()}"
                    for _ in range(rng.randint(2, 5))
                )
            )
        if rng.random() < (0.7 if rich else 0.2):
            parts.append(self._code())
        if rng.random() < (0.15 if rich else 0.03):
            head = rng.sample(self.identifiers, 3)
            rows = [
                " | ".join(str(rng.randint(0, 999)) for _ in head) for _ in range(rng.randint(2, 6))
            ]
            parts.append(
                "| "
                + " | ".join(head)
                + " |\n|---|---|---|\n"
                + "\n".join(f"| {r} |" for r in rows)
            )
        if rng.random() < 0.5:
            parts.append(self.prose(1, 3))
        return "\n\n".join(parts)

    def title(self) -> str:
        return " ".join(self.rng.choices(self.words[:400], k=self.rng.randint(2, 6))).capitalize()

    def uid(self) -> str:
        return f"{self.rng.getrandbits(128):032x}"


def _sizes(rng: random.Random) -> list[int]:
    """Message counts per conversation: the big one, the long tabs, the short tabs, the rest."""
    sizes = [BIG_MESSAGES] + [LONG_MESSAGES] * LONG_TABS + [SHORT_MESSAGES] * LONG_TABS
    rest = CONVERSATIONS - len(sizes)
    left = MESSAGES - sum(sizes)
    counts = [max(2, int(rng.expovariate(1.0) * left / rest)) for _ in range(rest)]
    # Scale to the exact total, 2 at least each.
    scale = (left - 2 * rest) / max(1, sum(c - 2 for c in counts))
    counts = [2 + int((c - 2) * scale) for c in counts]
    short = left - sum(counts)
    for i in range(abs(short)):
        counts[i % rest] += 1 if short > 0 else (-1 if counts[i % rest] > 2 else 0)
    return sizes + counts


def generate(directory: str, progress: bool = True) -> dict[str, object]:
    """Write history.sqlite3, empty.sqlite3 and manifest.json into `directory`."""
    from desktop_chat.domain import MessageStatus, Role
    from desktop_chat.exchange import ImportedConversation, ImportedMessage
    from desktop_chat.store import ConversationStore

    t0 = time.perf_counter()
    rng = random.Random(SEED)
    text = _Text(rng)
    sizes = _sizes(rng)
    assert len(sizes) == CONVERSATIONS and sum(sizes) == MESSAGES, (len(sizes), sum(sizes))
    total = sum(sizes)
    # Which messages (global index) carry which rare word.
    planted: dict[int, list[str]] = {}
    for word, count in RARE_WORDS:
        for index in rng.sample(range(total), count):
            planted.setdefault(index, []).append(word)
    # The big conversation sits in the middle of the history; the tab ones among the recent.
    order = list(range(CONVERSATIONS))
    rng.shuffle(order)
    now = datetime.now(UTC).replace(microsecond=0)
    os.makedirs(directory, exist_ok=True)
    store = ConversationStore(os.path.join(directory, "history.sqlite3"))
    manifest: dict[str, object] = {"long": [], "short": []}
    message_index = 0
    batch: list[ImportedConversation] = []
    added = [0, 0]
    for position, size in enumerate(sizes):
        rank = order[position]  # 0 = most recently active
        if position == 0:
            rank = CONVERSATIONS // 2
        elif position <= 2 * LONG_TABS:
            rank = position  # the tab conversations are the most recent ones
        updated = now - timedelta(minutes=rank * 90 + rng.randint(0, 60))
        created = updated - timedelta(seconds=30 * size + rng.randint(0, 3600))
        rich = 0 < position <= LONG_TABS
        messages: list[ImportedMessage] = []
        parent: str | None = None
        for i in range(size):
            role = Role.USER if i % 2 == 0 else Role.ASSISTANT
            content = text.user() if role is Role.USER else text.answer(rich)
            for word in planted.get(message_index, ()):
                content = f"{content} Then {word} came up."
            message_index += 1
            message = ImportedMessage(
                id=text.uid(),
                parent_id=parent,
                role=role,
                content=content,
                created_at=created + timedelta(seconds=30 * i),
                model=None if role is Role.USER else "gpt-4",
                status=MessageStatus.COMPLETE,
            )
            messages.append(message)
            parent = message.id
        conversation = ImportedConversation(
            id=text.uid(),
            title=text.title(),
            created_at=created,
            updated_at=updated,
            model="gpt-4",
            messages=tuple(messages),
            current_message_id=parent,
        )
        if position == 0:
            manifest["big"] = conversation.id
        elif position <= LONG_TABS:
            manifest["long"].append(conversation.id)  # type: ignore[union-attr]
        elif position <= 2 * LONG_TABS:
            manifest["short"].append(conversation.id)  # type: ignore[union-attr]
        elif "small" not in manifest and size >= 10:
            manifest["small"] = conversation.id
            manifest["small_messages"] = size
        batch.append(conversation)
        if len(batch) >= BATCH or position == len(sizes) - 1:
            c, m = store.import_conversations(batch)
            added[0] += c
            added[1] += m
            batch = []
            if progress and (position + 1) % 2500 == 0:
                print(
                    f"  history: {position + 1:,} conversations ({time.perf_counter() - t0:.0f} s)",
                    flush=True,
                )
    counts = {
        word: store._db.execute(
            "SELECT COUNT(*) FROM messages_fts WHERE messages_fts MATCH ?", (f'"{word}"*',)
        ).fetchone()[0]
        for word in [w for w, _ in RARE_WORDS] + list(COMMON_WORDS)
    }
    store.close()
    empty = ConversationStore(os.path.join(directory, "empty.sqlite3"))
    empty.close()
    manifest.update(
        conversations=added[0],
        messages=added[1],
        rare=[w for w, _ in RARE_WORDS],
        common=list(COMMON_WORDS),
        hits=counts,
        bytes=os.path.getsize(os.path.join(directory, "history.sqlite3")),
        seconds=time.perf_counter() - t0,
    )
    with open(os.path.join(directory, "manifest.json"), "w", encoding="utf-8") as out:
        json.dump(manifest, out, indent=1)
    return manifest


if __name__ == "__main__":  # python -m tests.perf.history_data DIR: build it, print the manifest
    import sys

    print(json.dumps(generate(sys.argv[1]), indent=1))
