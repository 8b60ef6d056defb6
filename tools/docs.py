"""Docs that cannot drift: run the console examples of README.md and docs/*.md, and generate docs/cli.md.

A fenced block marked ``console`` is an executed example. Each line starting with ``$ `` is a
shell command (run by bash from the root of the checkout, against the bundled data); the lines
after it, up to the next ``$ ``, are what it prints (stdout and stderr, in the order printed).
``tests/test_docs_examples.py`` runs every such block and fails when a shown output differs.

Only genuinely variable bits are normalised, and only these (:func:`normalise`):

* the absolute path of the checkout is shown relative to it (``/home/you/harbin-kg/build/x``
  → ``build/x``), since examples run from the checkout's root;
* trailing spaces at the end of a line and blank lines at the end of an output are ignored;
* a line holding only ``…`` in a shown output stands for any number of lines (for long
  outputs cut on the page; the lines around it are still compared).

Examples write only under ``build/`` (checked: an output option naming another place fails,
and so does a new file in the checkout's root). Files an example writes there are removed
before it runs, so it starts from a clean slate and needs no ``--force``.

Blocks marked ``sh`` are instructions (no output shown); their ``harbin-kg`` lines are still
parsed by the real command line (an option that no longer exists fails the tests), as are
the examples in every command's ``--help``.

Regenerate every shown output and docs/cli.md in place with one command, then review the diff::

    make docs        # or: python tools/docs.py --update

``python tools/docs.py --check`` only reports what differs (exit 1 if anything does).
"""

from __future__ import annotations

import argparse
import difflib
import os
import re
import shlex
import subprocess
import sys
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
REGENERATE = "make docs  (or: python tools/docs.py --update), then review the diff"
ELLIPSIS = "…"
#: Options whose value is a file or folder an example writes.
OUTPUT_OPTIONS = ("-o", "--output", "--out-dir", "--save-rdf")
#: Where examples may write, relative to the checkout.
SCRATCH = "build"
#: The generated command reference (its examples are the commands' own --help examples).
CLI_REFERENCE = ROOT / "docs" / "cli.md"
#: The bundled graph's own files: an example may rebuild them, never delete them.
BUNDLED = {"build", "build/harbin.ttl", "build/harbin.nt", "build/harbin.jsonld", "build/harbin.version"}
_FENCE = re.compile(r"^(?P<fence>```+|~~~+)\s*(?P<info>[\w+-]*)")
_NOT_RUN = re.compile(r"^<!-- docs: not run \((?P<reason>[^)]+)\) -->$")
_SEPARATOR = "\x1e"  # ASCII record separator: marks where one command's output ends


def doc_files(root: Path = ROOT) -> list[Path]:
    """The documents whose examples are checked: README.md and docs/*.md."""
    return [root / "README.md"] + sorted((root / "docs").glob("*.md"))


@dataclass
class Command:
    line: int                 # 1-based line of the ``$ `` line in its file
    text: str                 # the command, without the ``$ `` prompt (continuations joined)
    source: list[str]         # the command's lines as written
    shown: list[str]          # the output shown on the page


@dataclass
class Block:
    path: Path
    line: int                 # 1-based line of the opening fence
    info: str                 # the fence's language: console, sh, ...
    start: int                # index of the first line inside the fence
    end: int                  # index of the closing fence
    commands: list[Command] = field(default_factory=list)
    lines: list[str] = field(default_factory=list)  # the raw lines inside the fence
    not_run: str | None = None  # the reason given by a ``<!-- docs: not run (REASON) -->`` line

    @property
    def where(self) -> str:
        return f"{_rel(self.path)}:{self.line}"


def _rel(path: Path) -> str:
    try:
        return str(path.resolve().relative_to(ROOT))
    except ValueError:
        return str(path)


def parse_blocks(path: Path) -> list[Block]:
    """Every fenced block of a Markdown file, console blocks split into commands and outputs."""
    lines = path.read_text(encoding="utf-8").splitlines()
    blocks, i = [], 0
    while i < len(lines):
        match = _FENCE.match(lines[i])
        if not match:
            i += 1
            continue
        fence, info = match["fence"], match["info"].lower()
        j = i + 1
        while j < len(lines) and not lines[j].startswith(fence):
            j += 1
        block = Block(path, i + 1, info, i + 1, j, lines=lines[i + 1:j])
        reason = _NOT_RUN.match(lines[i - 1].strip()) if i else None
        block.not_run = reason["reason"] if reason else None
        if info == "console":
            block.commands = _split_commands(block)
        blocks.append(block)
        i = j + 1
    return blocks


def _split_commands(block: Block) -> list[Command]:
    commands: list[Command] = []
    k = 0
    body = block.lines
    while k < len(body):
        if not body[k].startswith("$ "):
            if not commands:
                raise ValueError(f"{block.where}: a console block must start with a `$ ` command line")
            commands[-1].shown.append(body[k])
            k += 1
            continue
        first = k
        text = body[k][2:]
        while text.endswith("\\") and k + 1 < len(body):
            k += 1
            text = text[:-1] + "\n" + body[k]
        commands.append(Command(block.start + first + 1, text, body[first:k + 1], []))
        k += 1
    return commands


# --- running --------------------------------------------------------------------------------

def environment() -> dict[str, str]:
    """A fixed environment: this interpreter's ``harbin-kg`` first on PATH, UTF-8, UTC, 100 columns."""
    env = dict(os.environ)
    env.update(PATH=f"{Path(sys.executable).parent}{os.pathsep}{env.get('PATH', '')}",
               LANG="C.UTF-8", LC_ALL="C.UTF-8", TZ="UTC", COLUMNS="100", PYTHONIOENCODING="utf-8",
               PYTHONUNBUFFERED="1")  # stdout and stderr interleave as on a terminal
    for name in ("PYTHONWARNINGS", "FORCE_COLOR"):
        env.pop(name, None)
    env["NO_COLOR"] = "1"
    return env


def outputs_written(command: str) -> list[str]:
    """The paths a command line names after an output option (``-o x``, ``--output=x``)."""
    try:
        words = shlex.split(command, comments=True)
    except ValueError:
        return []
    found = []
    for k, word in enumerate(words):
        name, eq, value = word.partition("=")
        if name in OUTPUT_OPTIONS:
            if eq:
                found.append(value)
            elif k + 1 < len(words):
                found.append(words[k + 1])
    return found


class ExampleError(AssertionError):
    """An example that breaks the rules (writes outside build/, leaves files behind)."""


def _clean_slate(block: Block, root: Path) -> None:
    """Check that the block writes only under build/, and remove what it wrote last time."""
    import shutil

    for command in block.commands:
        for target in outputs_written(command.text):
            rel = os.path.normpath(target)
            if not (rel == SCRATCH or rel.startswith(SCRATCH + os.sep)):
                raise ExampleError(f"{_rel(block.path)}:{command.line}: `{command.text}` writes {target}; "
                                   f"examples write only under {SCRATCH}/ (e.g. -o {SCRATCH}/{Path(target).name}).")
            if rel in BUNDLED:
                continue
            path = root / rel
            if path.is_dir() and not path.is_symlink():
                shutil.rmtree(path)
            elif path.exists() or path.is_symlink():
                path.unlink()
            # and what the command writes beside it (synth's NAME.source.txt, propose's
            # NAME.source.ttl, export's NAME-nodes.csv …)
            if path.suffix and path.parent.is_dir():
                for sibling in path.parent.iterdir():
                    if (sibling.name.startswith((path.stem + ".", path.stem + "-")) and sibling.is_file()
                            and os.path.join(SCRATCH, sibling.name) not in BUNDLED):
                        sibling.unlink()


def run_block(block: Block, root: Path = ROOT, timeout: float = 600) -> list[str]:
    """Run the commands of a console block in one bash, from ``root``; each command's output."""
    _clean_slate(block, root)
    before = set(os.listdir(root))
    script = ["__rc=0"]
    for k, command in enumerate(block.commands):
        script += [f"printf '{_SEPARATOR}%s\\n' {k}", "( exit $__rc ); {", command.text, "} 2>&1", "__rc=$?"]
    done = subprocess.run(["bash", "--noprofile", "--norc", "-c", "\n".join(script)], cwd=root,
                          env=environment(), stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                          stderr=subprocess.STDOUT, timeout=timeout)
    text = done.stdout.decode("utf-8", errors="replace")
    left = sorted(set(os.listdir(root)) - before)
    if left:
        raise ExampleError(f"{block.where}: the example left {', '.join(left)} in the root of the checkout; "
                           f"examples write only under {SCRATCH}/.")
    parts = text.split(_SEPARATOR)[1:]
    outputs = [""] * len(block.commands)
    for part in parts:
        index, _, output = part.partition("\n")
        outputs[int(index)] = output
    return outputs


# --- comparing ------------------------------------------------------------------------------

def normalise(output: str, root: Path = ROOT) -> list[str]:
    """What is compared of an actual output: see the module's docstring for the full list."""
    text = output.replace(str(root) + os.sep, "").replace(str(root), ".")
    lines = [line.rstrip() for line in text.splitlines()]
    while lines and not lines[-1]:
        lines.pop()
    return lines


def shown_lines(shown: list[str]) -> list[str]:
    lines = [line.rstrip() for line in shown]
    while lines and not lines[-1]:
        lines.pop()
    return lines


def matches(shown: list[str], actual: list[str]) -> bool:
    """True if the actual lines are what the page shows (a ``…`` line stands for any lines)."""
    pattern = "".join(".*?" if line == ELLIPSIS else re.escape(line + "\n") for line in shown)
    return re.fullmatch(pattern, "".join(line + "\n" for line in actual), flags=re.S) is not None


@dataclass
class Difference:
    path: Path
    command: Command
    shown: list[str]
    actual: list[str]

    def report(self) -> str:
        diff = "\n".join(difflib.unified_diff(self.shown, self.actual, "shown on the page", "printed now",
                                              lineterm="", n=2))
        return (f"{_rel(self.path)}:{self.command.line}: `$ {self.command.text}` printed something else than "
                f"the page shows.\n{diff}\nIf the change is intended, regenerate the shown outputs: {REGENERATE}.")


def check_block(block: Block, root: Path = ROOT) -> list[Difference]:
    outputs = run_block(block, root)
    found = []
    for command, output in zip(block.commands, outputs):
        actual, shown = normalise(output, root), shown_lines(command.shown)
        if not matches(shown, actual):
            found.append(Difference(block.path, command, shown, actual))
    return found


def console_blocks(files: list[Path] | None = None) -> list[Block]:
    """The console blocks to run (a block marked ``<!-- docs: not run (REASON) -->`` is not)."""
    return [b for path in (files or doc_files()) for b in parse_blocks(path)
            if b.info == "console" and not b.not_run]


def update_file(path: Path, root: Path = ROOT, say=print) -> int:
    """Rewrite the outputs shown in ``path`` that differ from what the commands print now."""
    lines = path.read_text(encoding="utf-8").splitlines()
    changed = 0
    for block in reversed(console_blocks([path])):
        differences = {d.command.line: d for d in check_block(block, root)}
        if not differences:
            continue
        body: list[str] = []
        for command in block.commands:
            body += command.source
            if command.line in differences:
                body += _keep_cuts(command.shown, differences[command.line].actual)
                say(f"{_rel(path)}:{command.line}: updated the output of `$ {command.text}`")
                changed += 1
            else:
                body += command.shown
        lines[block.start:block.end] = body
    if changed:
        path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return changed


def _keep_cuts(shown: list[str], actual: list[str]) -> list[str]:
    """The new output, cut where the page cut the old one: as many lines before the first
    ``…`` and after the last one as the page kept (no cut if the output is short enough)."""
    if ELLIPSIS not in shown:
        return actual
    head = shown.index(ELLIPSIS)
    tail = len(shown) - 1 - max(k for k, line in enumerate(shown) if line == ELLIPSIS)
    if head + tail >= len(actual):
        return actual
    return actual[:head] + [ELLIPSIS] + (actual[len(actual) - tail:] if tail else [])


# --- command lines that are shown but not run -----------------------------------------------

def harbin_kg_lines(block: Block) -> list[tuple[int, str]]:
    """``harbin-kg …`` command lines of a shell block (``sh``, or ``console`` not run), with their lines."""
    found: list[tuple[int, str]] = []
    if block.info not in ("sh", "bash", "shell", "console") or block.path == CLI_REFERENCE:
        return found
    k = 0
    while k < len(block.lines):
        first, text = k, block.lines[k]
        while text.endswith("\\") and k + 1 < len(block.lines):  # a command continued on the next line
            k += 1
            text = text[:-1] + " " + block.lines[k]
        text = text[2:] if text.startswith("$ ") else text
        for piece in re.split(r"\s(?:&&|\||;)\s", text):
            if piece.strip().startswith("harbin-kg "):
                found.append((block.start + first + 1, piece.strip()))
        k += 1
    return found


def parse_error(command: str) -> str | None:
    """Why the real command line would refuse ``harbin-kg …`` before running it, or None."""
    import click

    from harbin_kg.cli import cli

    words = shlex.split(command, comments=True)[1:]
    while words and words[0].startswith("-"):  # options before the command (-v)
        words = words[1:]
    if not words:
        return None
    if words[0] not in cli.commands:
        return f"No such command: {words[0]}"
    parent = click.Context(cli, info_name="harbin-kg")
    try:
        cli.commands[words[0]].make_context(words[0], words[1:], parent=parent)
    except click.exceptions.Exit:
        return None
    except click.ClickException as error:
        return error.format_message()
    return None


# --- the CLI reference ----------------------------------------------------------------------

def cli_reference() -> str:
    """docs/cli.md: every command of the click tree with its help, options, defaults and examples."""
    import click

    from harbin_kg.cli import cli

    ctx = click.Context(cli, info_name="harbin-kg")
    out = ["# `harbin-kg` command reference", "",
           "<!-- Generated from the click commands by `make docs` (python tools/docs.py --update); "
           "do not edit by hand: tests/test_docs_examples.py fails when it is stale. -->", "",
           "Exit codes are the same for every command: see [cli-errors.md](cli-errors.md).", ""]
    out += _help_markdown(cli.help or "")
    out += ["", "| command | what it does |", "| --- | --- |"]
    for name in sorted(cli.commands):
        command = cli.commands[name]
        out.append(f"| [`{name}`](#harbin-kg-{name}) | {_escape(command.get_short_help_str(200))} |")
    out += ["", "Options before the command: " + "; ".join(
        f"{', '.join(f'`{o}`' for o in p.opts)}: {_escape(p.help or '').rstrip('.')}" for p in cli.params
        if isinstance(p, click.Option) and not p.hidden) + ". Every command takes `-h`, `--help`.", ""]
    for name in sorted(cli.commands):
        command = cli.commands[name]
        sub = click.Context(command, info_name=name, parent=ctx)
        out += [f"## harbin-kg {name}", "", "```text", " ".join(["harbin-kg", name] + command.collect_usage_pieces(sub)),
                "```", ""]
        out += _help_markdown(command.help or "")
        arguments = [p for p in command.params if isinstance(p, click.Argument)]
        options = [p for p in command.params if isinstance(p, click.Option) and not p.hidden]
        if arguments:
            out += ["", "| argument | required | value |", "| --- | --- | --- |"]
            for arg in arguments:
                out.append(f"| `{arg.human_readable_name}` | {'yes' if arg.required else 'no'} | "
                           f"{_escape(_type_text(arg))} |")
        if options:
            out += ["", "| option | value | default | meaning |", "| --- | --- | --- | --- |"]
            for opt in options:
                out.append(f"| {' '.join(f'`{o}`' for o in opt.opts + opt.secondary_opts)} | "
                           f"{_escape(_type_text(opt))} | {_escape(_default_text(opt, sub))} | "
                           f"{_escape(_help_text(opt))} |")
        out.append("")
    return "\n".join(out).rstrip("\n") + "\n"


def _help_markdown(text: str) -> list[str]:
    """A click help text as Markdown: ``\\b`` paragraphs of commands become ``sh`` blocks."""
    import inspect

    out: list[str] = []
    for paragraph in re.split(r"\n\s*\n", inspect.cleandoc(text)):
        if paragraph.startswith("\b"):
            lines = paragraph.splitlines()[1:]
            width = min((len(line) - len(line.lstrip()) for line in lines if line.strip()), default=0)
            lines = [line[width:] for line in lines]
            if all(line.startswith(("harbin-kg", "#")) or not line.strip() for line in lines):
                out += ["```sh"] + lines + ["```", ""]
            else:  # text laid out line by line
                out += ["```text"] + lines + ["```", ""]
        else:
            out += [_join(paragraph.splitlines()), ""]
    while out and not out[-1]:
        out.pop()
    return out


def _join(lines: list[str]) -> str:
    """Lines of a paragraph as one line; Chinese runs on without a space."""
    text = ""
    for line in (line.strip() for line in lines):
        cjk = text and (ord(text[-1]) > 0x2E80 or (line and ord(line[0]) > 0x2E80))
        text += ("" if not text or cjk else " ") + line
    return text


def _type_text(param) -> str:
    import click

    kind = param.type
    if isinstance(param, click.Option) and param.is_flag:
        return "flag"
    if isinstance(kind, click.Choice):
        text = " | ".join(map(str, kind.choices))
    elif isinstance(kind, click.Path):
        text = "folder" if not kind.file_okay else "file" if not kind.dir_okay else "path"
    elif isinstance(kind, (click.IntRange, click.FloatRange)):
        text = "integer" if isinstance(kind, click.IntRange) else "number"
        if kind.min is not None and kind.max is not None:
            text += f" {kind.min}–{kind.max}"
        elif kind.min is not None:
            text += f" ≥ {kind.min}"
        elif kind.max is not None:
            text += f" ≤ {kind.max}"
    elif param.metavar:
        text = param.metavar
    else:
        text = {"integer": "integer", "float": "number", "text": "text", "boolean": "flag"}.get(kind.name, kind.name)
    if getattr(param, "multiple", False):
        text += " (repeatable)"
    return text


_DEFAULT_IN_HELP = re.compile(r"\s*\[default: ([^\]]+)\]")


def _default_text(opt, ctx) -> str:
    if opt.is_flag and not opt.secondary_opts:
        return ""
    if opt.required:
        return "required"
    default = opt.get_default(ctx, call=False)
    if default is None or default == () or type(default).__name__ == "Sentinel" or opt.show_default is False:
        match = _DEFAULT_IN_HELP.search(opt.help or "")
        return match[1] if match else ""
    if isinstance(default, bool):
        return (opt.opts if default else opt.secondary_opts)[0] if opt.secondary_opts else str(default).lower()
    if isinstance(default, (list, tuple)):
        return ", ".join(map(str, default))
    return str(default)


def _help_text(opt) -> str:
    return _DEFAULT_IN_HELP.sub("", opt.help or "")


def _escape(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


# --- the one command ------------------------------------------------------------------------

def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Check or regenerate the console examples and docs/cli.md.")
    mode = parser.add_mutually_exclusive_group()
    mode.add_argument("--update", action="store_true", help="rewrite shown outputs and docs/cli.md in place")
    mode.add_argument("--check", action="store_true", help="only report what differs (the default)")
    parser.add_argument("files", nargs="*", type=Path, help="documents (default: README.md and docs/*.md)")
    args = parser.parse_args(argv)
    files = [p.resolve() for p in args.files] or doc_files()
    failed = 0
    reference = cli_reference()
    if args.update:
        if not CLI_REFERENCE.exists() or CLI_REFERENCE.read_text(encoding="utf-8") != reference:
            CLI_REFERENCE.write_text(reference, encoding="utf-8")
            print(f"wrote {_rel(CLI_REFERENCE)}")
    elif CLI_REFERENCE.read_text(encoding="utf-8") != reference:
        print(f"{_rel(CLI_REFERENCE)} is stale; regenerate: {REGENERATE}")
        failed += 1
    _prepare()
    for path in files:
        if args.update:
            update_file(path)
            continue
        for block in console_blocks([path]):
            for difference in check_block(block):
                print(difference.report(), end="\n\n")
                failed += 1
    return 1 if failed else 0


def _prepare() -> None:
    """Build the bundled graph first, so no example shows a one-off "building …" message."""
    subprocess.run([str(Path(sys.executable).parent / "harbin-kg"), "stats", "--format", "json"], cwd=ROOT,
                   env=environment(), stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=True)


if __name__ == "__main__":
    sys.exit(main())
