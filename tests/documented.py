"""The commands of the docs' bash blocks, for the tests that run them as written."""
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def strip_comment(line: str) -> str:
    """``line`` without a shell comment: a ``#`` outside quotes at the start or after whitespace, and what follows."""
    quote, escaped = None, False
    for i, char in enumerate(line):
        if escaped:
            escaped = False
        elif char == "\\" and quote != "'":
            escaped = True
        elif quote:
            quote = None if char == quote else quote
        elif char in "'\"":
            quote = char
        elif char == "#" and (i == 0 or line[i - 1].isspace()):
            return line[:i]
    return line


def normalise(text: str) -> str:
    return " ".join(text.split())


def commands(block: list[str]) -> list[str]:
    """The command lines of a bash block: continuation lines joined, comments and blank lines dropped, whitespace
    normalised."""
    joined, found = "", []
    for line in block:
        line = strip_comment(line).rstrip()
        if line.endswith("\\"):
            joined += line[:-1] + " "
            continue
        line, joined = normalise(joined + line), ""
        if line:
            found.append(line)
    assert not joined, f"a continuation line ends the block: {block}"
    return found


def block_commands(page: str, marker: str) -> list[str]:
    """The commands of the bash block right after ``marker`` (a run-by comment) on ``page`` (relative to the repo)."""
    text = (ROOT / page).read_text()
    assert marker in text, f"{page} has no block marked {marker}"
    block = text.split(marker, 1)[1].split("```bash\n", 1)[1].split("```", 1)[0]
    return commands(block.splitlines())
