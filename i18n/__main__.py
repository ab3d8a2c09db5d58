"""Maintain the catalogues with Babel (a development requirement; the app itself needs only gettext).

    python -m i18n update     # extract every message from the sources, merge it into each language's .po
    python -m i18n compile    # compile each .po into the .mo the app reads
    python -m i18n check      # list messages without a translation and .mo files that differ from their .po
    python -m i18n fields     # list translations whose {named} fields differ from the English
"""
from __future__ import annotations

import sys

from i18n import catalogues


def main(argv: list[str]) -> int:
    command = argv[0] if argv else "check"
    if command == "update":
        for lang, added, dropped in catalogues.update():
            print(f"{lang}: {added} new, {dropped} no longer used")
        return 0
    if command == "compile":
        for path in catalogues.compile_all():
            print(f"wrote {path}")
        return 0
    if command == "fields":
        problems = catalogues.field_problems()
        print("\n".join(problems) or "every translation has its English's fields")
        return 1 if problems else 0
    if command == "check":
        problems = catalogues.problems()
        for line in problems:
            print(line)
        return 1 if problems else 0
    print(__doc__)
    return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
