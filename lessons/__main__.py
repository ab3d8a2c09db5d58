"""python -m lessons check FILE [FILE…]: validate lesson files, printing FILE:LINE: problem for each problem;
exits 1 when any file has one. python -m lessons list: the built-in lessons."""
from __future__ import annotations

import sys

from lessons import builtin, load
from lessons.check import check_file

USAGE = "usage: python -m lessons check FILE [FILE…] | python -m lessons list"


def main(argv: list[str]) -> int:
    if argv[:1] == ["list"]:
        for name in builtin():
            lesson = load(name)
            print(f"{name}: {lesson.title} ({len(lesson)} steps). {lesson.summary}")
        return 0
    if argv[:1] != ["check"] or len(argv) < 2:
        print(USAGE, file=sys.stderr)
        return 2
    failed = False
    for path in argv[1:]:
        lesson, problems = check_file(path)
        for line, message in problems:
            print(f"{path}:{line}: {message}")
        if problems:
            failed = True
        else:
            print(f"{path}: ok, {len(lesson)} steps")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
