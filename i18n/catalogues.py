"""Extract, merge, compile and check the catalogues with Babel. Development only: the app never imports this.

Messages come from the Python sources (calls of ``_``, ``N_``, ``ngettext`` and ``pgettext``) and from the
lessons' TOML files (the text a reader sees: titles, summaries, prompts, hints, explanations, choice options).
"""
from __future__ import annotations

import ast
import contextlib
import datetime
import io
import os
import re
import tomllib
from collections.abc import Iterator
from pathlib import Path

from babel.messages.catalog import Catalog
from babel.messages.extract import extract_from_dir
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po, write_po

from i18n import DEFAULT, DOMAIN, LANGUAGES, LOCALE_DIR

ROOT = LOCALE_DIR.parent.parent
SOURCES = ("playground.py", "app", "pages", "core", "labs", "runs", "board", "lessons", "i18n")
STAMP = datetime.datetime(2026, 12, 5, tzinfo=datetime.UTC)
KEYWORDS = {"_": None, "N_": None, "ngettext": (1, 2), "pgettext": ((1, "c"), 2)}
LESSON_TEXT = ("title", "summary", "prompt", "hint", "explanation", "reveal", "caption")
LESSON_LISTS = ("options",)


def _python_messages() -> Iterator[tuple[str, int, object, str | None]]:
    # Babel writes a warning to stderr for every f-string in a translated call, its keyword fields' too
    # (x=f"{x:g}", which is right); an f-string as the message itself is found by ``unextractable`` instead.
    with open(os.devnull, "w") as quiet, contextlib.redirect_stderr(quiet):
        yield from list(_extracted())


def _extracted() -> Iterator[tuple[str, int, object, str | None]]:
    for top in SOURCES:
        path = ROOT / top
        if path.is_file():
            with path.open("rb") as handle:
                from babel.messages.extract import extract
                for lineno, message, _comments, context in extract("python", handle, keywords=KEYWORDS):
                    yield top, lineno, message, context
        elif path.is_dir():
            for filename, lineno, message, _comments, context in extract_from_dir(
                    path, method_map=[("**.py", "python")], keywords=KEYWORDS):
                yield f"{top}/{filename}", lineno, message, context


def _lesson_texts(node, found: list[str]) -> None:
    if isinstance(node, dict):
        for key, value in node.items():
            if key in LESSON_TEXT and isinstance(value, str) and value.strip():
                found.append(value)
            elif key in LESSON_LISTS and isinstance(value, list):
                found.extend(v for v in value if isinstance(v, str) and v.strip())
            else:
                _lesson_texts(value, found)
    elif isinstance(node, list):
        for item in node:
            _lesson_texts(item, found)


def lesson_messages(path: Path) -> list[str]:
    """The reader-visible text of one lesson file, in order."""
    found: list[str] = []
    _lesson_texts(tomllib.loads(path.read_text(encoding="utf-8")), found)
    return found


def template() -> Catalog:
    """Every message the interface shows, with where it comes from."""
    catalog = Catalog(domain=DOMAIN, project="Gradient Playground", charset="utf-8")
    for where, lineno, message, context in _python_messages():
        catalog.add(message, locations=[(where, lineno)], context=context)
    for path in sorted((ROOT / "lessons").glob("*.toml")):
        for text in lesson_messages(path):
            catalog.add(text, locations=[(f"lessons/{path.name}", 0)])
    return catalog


# The Russian catalogue is kept in parts, one per area, so that people translating different labs edit
# different files; the app reads one compiled .mo built from all of them. A message lives in the part of the
# first place that uses it (or wherever it is already translated).
PARTS = (("lessons", ("lessons/",)),
         ("descent", ("labs/descent/", "pages/1_", "core/descent", "core/sweep", "core/objective")),
         ("adagrad", ("labs/adagrad/", "pages/2_", "core/optim", "core/surfaces")),
         ("mlp", ("labs/mlp/", "pages/3_", "runs/", "core/train", "core/nn", "core/dataset")),
         ("board", ("board/", "app/board_panel", "pages/4_")),
         ("app", ("",)))


def part_of(message) -> str:
    where = message.locations[0][0] if message.locations else ""
    return next(name for name, prefixes in PARTS if any(where.startswith(p) for p in prefixes))


def po_path(lang: str, part: str) -> Path:
    return LOCALE_DIR / lang / "parts" / f"{part}.po"


def mo_path(lang: str) -> Path:
    return LOCALE_DIR / lang / "LC_MESSAGES" / f"{DOMAIN}.mo"


def _empty(lang: str) -> Catalog:
    catalog = Catalog(locale=lang, domain=DOMAIN, project="Gradient Playground", charset="utf-8",
                      copyright_holder="the Gradient Playground authors", fuzzy=False,
                      creation_date=STAMP, revision_date=STAMP)  # fixed: a rewrite changes only what changed
    return catalog


def read(lang: str, part: str) -> Catalog:
    path = po_path(lang, part)
    if not path.exists():
        return _empty(lang)
    with path.open("rb") as handle:
        return read_po(handle, locale=lang, domain=DOMAIN)


def read_all(lang: str) -> Catalog:
    """Every part of ``lang`` merged into one catalogue (what the .mo is compiled from)."""
    merged = _empty(lang)
    for part, _prefixes in PARTS:
        for message in read(lang, part):
            if message.id:
                merged[message.id] = message
    return merged


def write(lang: str, part: str, catalog: Catalog) -> Path:
    path = po_path(lang, part)
    path.parent.mkdir(parents=True, exist_ok=True)
    catalog.fuzzy = False
    with path.open("wb") as handle:
        write_po(handle, catalog, width=120, sort_output=False, include_previous=False, omit_header=False)
    return path


def _translated(message) -> bool:
    strings = message.string if isinstance(message.string, (list, tuple)) else [message.string]
    return bool(message.id) and not message.fuzzy and all(strings)


def needs_words(message_id) -> bool:
    """A message with no letters ("1", "4") is the same in every language: nothing to translate."""
    text = message_id if isinstance(message_id, str) else message_id[0]
    return any(ch.isalpha() for ch in text)


def update() -> list[tuple[str, int, int]]:
    """Merge the sources' messages into each translated language's parts; report new and unused counts."""
    tmpl = template()
    report = []
    for lang in LANGUAGES:
        if lang == DEFAULT:
            continue
        old = {part: read(lang, part) for part, _ in PARTS}
        home = {}
        for part, catalog in old.items():
            for message in catalog:
                if message.id and _translated(message):
                    home.setdefault(_key(message), part)
        new = {part: _empty(lang) for part, _ in PARTS}
        added = 0
        for message in tmpl:
            if not message.id or not needs_words(message.id):
                continue
            part = home.get(_key(message)) or part_of(message)
            previous = old[part].get(message.id, message.context)
            if previous is None:
                added += 1
            new[part].add(message.id, previous.string if previous is not None else "",
                          locations=message.locations, context=message.context,
                          flags=previous.flags if previous is not None else ())
        kept = sum(len([m for m in c if m.id]) for c in new.values())
        before = sum(len([m for m in c if m.id]) for c in old.values())
        for part, catalog in new.items():
            write(lang, part, catalog)
        report.append((lang, added, before - (kept - added)))
    return report


def compiled(lang: str) -> bytes:
    buffer = io.BytesIO()
    write_mo(buffer, read_all(lang), use_fuzzy=False)
    return buffer.getvalue()


def compile_all() -> list[Path]:
    written = []
    for lang in LANGUAGES:
        if lang == DEFAULT:
            continue
        path = mo_path(lang)
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(compiled(lang))
        written.append(path)
    return written


def _key(message) -> tuple:
    return (message.context, message.id if isinstance(message.id, str) else tuple(message.id))


def _messages(mo: bytes) -> dict:
    """What a compiled catalogue says (msgid -> translation, plural forms apart), as gettext reads it: the bytes
    differ between Babel versions, what they say does not."""
    import gettext

    said = dict(gettext.GNUTranslations(io.BytesIO(mo))._catalog)
    said.pop("", None)  # the header: dates and tool versions, not messages
    return said


def problems() -> list[str]:
    """What keeps a language from being complete: messages the sources use that it does not translate, and a
    compiled .mo that is not the compilation of its .po."""
    tmpl = template()
    found = []
    for lang in LANGUAGES:
        if lang == DEFAULT:
            continue
        have = {_key(m): m for m in read_all(lang) if m.id}
        for message in tmpl:
            if not message.id or not needs_words(message.id):
                continue
            got = have.get(_key(message))
            if got is None or not _translated(got):
                where = ", ".join(f"{f}:{n}" for f, n in message.locations[:2])
                shown = message.id if isinstance(message.id, str) else message.id[0]
                found.append(f"{lang}: no translation for {shown[:70]!r} ({where})")
        mo = mo_path(lang)
        if not mo.exists() or _messages(mo.read_bytes()) != _messages(compiled(lang)):
            found.append(f"{lang}: {mo.relative_to(ROOT)} is not the compilation of its .po (python -m i18n compile)")
    return found + field_problems() + unextractable()


FIELD = re.compile(r"\{(\w*)[^{}]*\}")


def fields(text: str) -> set[str]:
    """The named fields of a template: {x0}, {n:,}, … (doubled braces are literal)."""
    return set(FIELD.findall(text.replace("{{", "").replace("}}", "")))


def field_problems() -> list[str]:
    """Translations whose named fields differ from their English: a field lost or invented would raise or show a
    wrong number when the template is filled."""
    found = []
    for lang in LANGUAGES:
        if lang == DEFAULT:
            continue
        for message in read_all(lang):
            if not _translated(message):
                continue
            english = fields(message.id if isinstance(message.id, str) else message.id[-1])
            forms = message.string if isinstance(message.string, (list, tuple)) else [message.string]
            for form in forms:
                if fields(form) != english:
                    shown = message.id if isinstance(message.id, str) else message.id[0]
                    found.append(f"{lang}: {shown[:60]!r} has fields {sorted(fields(form))}, "
                                 f"the English {sorted(english)}")
    return found


def unextractable() -> list[str]:
    """Calls of ``_``, ``N_``, ``ngettext`` or ``pgettext`` whose message is not a literal (an f-string, a
    variable defined elsewhere is fine only through N_): Babel cannot extract them, so they would stay English."""
    found = []
    counted = {"_": (0,), "N_": (0,), "ngettext": (0, 1), "pgettext": (1,)}
    for top in SOURCES:
        path = ROOT / top
        for source in ([path] if path.is_file() else sorted(path.rglob("*.py"))):
            tree = ast.parse(source.read_text(encoding="utf-8"))
            for node in ast.walk(tree):
                if not (isinstance(node, ast.Call) and isinstance(node.func, ast.Name)
                        and node.func.id in counted):
                    continue
                for i in counted[node.func.id]:
                    if i < len(node.args) and isinstance(node.args[i], ast.JoinedStr):
                        found.append(f"{source.relative_to(ROOT)}:{node.lineno}: {node.func.id}() of an f-string "
                                     "cannot be translated: write a template with named fields")
    return found
