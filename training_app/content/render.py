"""Markdown rendering: one markdown-it-py instance, raw HTML off, callouts, citation links."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from typing import Any
from urllib.parse import quote

from markdown_it import MarkdownIt
from markdown_it.common.utils import escapeHtml
from markdown_it.rules_inline import StateInline
from markdown_it.token import Token
from mdit_py_plugins.container import container_plugin

from training_app.content.tokens import resolve_token

GuidanceUrl = Callable[[str], str]

# Callout name -> visible heading (also its accessible name).
CALLOUTS = {
    "do": "Do",
    "dont": "Don't",
    "law": "The law says",
    # Police policy and guidance (national or local) are not law: a box of their own.
    "guidance": "Police and guidance say",
    "note": "Note",
    "local": "Your school's protocol",
}
_SAFE_SCHEMES = ("http:", "https:", "mailto:")
_SCHEME = re.compile(r"^[a-z][a-z0-9+.-]*:", re.IGNORECASE)
_TOKEN = re.compile(r"\{\{\s*([^{}\n]*?)\s*\}\}")
_CONTAINER = re.compile(r"^ {0,3}:{3,}[ \t]*(\S+)", re.MULTILINE)


def default_guidance_url(citation: str) -> str:
    """Where a citation link points when the web app supplies nothing else."""
    return "/guidance/" + quote(citation, safe="")


def _validate_link(url: str) -> bool:
    # Only web, mail and same-site links: no javascript:, data:, file: or
    # protocol-relative (//host) links, whatever case or whitespace tricks are used.
    url = url.strip()
    if url.startswith("//"):
        return False
    if _SCHEME.match(url):
        return url.lower().startswith(_SAFE_SCHEMES)
    return ":" not in url.split("/", 1)[0] or url.startswith(("#", "?", "/", "."))


def _citation_rule(state: StateInline, silent: bool) -> bool:
    start = state.pos
    if not state.src.startswith("[[", start):
        return False
    end = state.src.find("]]", start + 2)
    label = state.src[start + 2 : end] if end > 0 else ""
    if not label.strip() or "[" in label or "]" in label:
        return False
    if not silent:
        token = state.push("citation", "", 0)
        token.meta = {"citation": " ".join(label.split())}
    state.pos = end + 2
    return True


def _token_rule(state: StateInline, silent: bool) -> bool:
    match = _TOKEN.match(state.src, state.pos)
    if match is None:
        return False
    if not silent:
        token = state.push("protocol_token", "", 0)
        token.meta = {"name": match[1]}
        token.content = match[0]
    state.pos = match.end()
    return True


def _render_citation(
    self: Any, tokens: Sequence[Token], idx: int, options: Any, env: dict[str, Any]
) -> str:
    citation = tokens[idx].meta["citation"]
    url = env.get("guidance_url", default_guidance_url)(citation)
    return f'<a class="citation" href="{escapeHtml(url)}">{escapeHtml(citation)}</a>'


def _render_token(
    self: Any, tokens: Sequence[Token], idx: int, options: Any, env: dict[str, Any]
) -> str:
    # Values are escaped text, never Markdown: a school's own wording cannot inject markup.
    value = resolve_token(tokens[idx].meta["name"], env.get("protocol"))
    return escapeHtml(tokens[idx].content if value is None else value)


def _callout_renderer(name: str) -> Callable[..., str]:
    heading = CALLOUTS[name]

    def render(self: Any, tokens: Sequence[Token], idx: int, options: Any, env: Any) -> str:
        if tokens[idx].nesting == 1:
            return (
                f'<aside class="callout callout-{name}" role="note" '
                f'aria-label="{escapeHtml(heading)}">\n'
                f'<p class="callout-heading">{escapeHtml(heading)}</p>\n'
            )
        return "</aside>\n"

    return render


def _build() -> MarkdownIt:
    md = MarkdownIt("commonmark", {"html": False, "typographer": False})
    md.enable("table")
    # Images would load from anywhere (a tracking pixel on a pupil's device); none needed.
    md.disable("image")
    md.validateLink = _validate_link  # type: ignore[method-assign]
    md.inline.ruler.before("link", "citation", _citation_rule)
    md.inline.ruler.before("link", "protocol_token", _token_rule)
    md.add_render_rule("citation", _render_citation)
    md.add_render_rule("protocol_token", _render_token)
    for name in CALLOUTS:
        container_plugin(md, name, render=_callout_renderer(name))
    return md


# One parser per process: building it costs far more than a render, and it holds no state.
MD = _build()


def render_markdown(
    text: str,
    *,
    protocol: Any = None,
    guidance_url: GuidanceUrl | None = None,
    hide_citations: bool = False,
) -> str:
    """Render content Markdown to safe HTML for this school's protocol."""
    env: dict[str, Any] = {"protocol": protocol}
    if guidance_url is not None:
        env["guidance_url"] = guidance_url
    if hide_citations:
        return MD.renderer.render(without_citations(MD.parse(text, env)), MD.options, env)
    return MD.render(text, env)


def without_citations(tokens: list[Token]) -> list[Token]:
    """The parsed tokens with every citation taken out, and the space before it with it.

    For a class lesson: pupils and the class screen read the sentence, the teacher's notes
    keep the source. A paragraph that held only citations goes altogether.
    """
    kept: list[Token] = []
    for token in tokens:
        if token.type == "inline" and token.children:
            token.children = _strip_citations(token.children)
        kept.append(token)
        if (
            token.type == "paragraph_close"
            and len(kept) >= 3
            and kept[-2].type == "inline"
            and not kept[-2].children
            and kept[-3].type == "paragraph_open"
        ):
            del kept[-3:]
    return kept


def _strip_citations(children: list[Token]) -> list[Token]:
    kept: list[Token] = []
    for child in children:
        if child.type != "citation":
            kept.append(child)
            continue
        # "told them [[X]]." reads "told them." and a citation on its own line leaves no break.
        while kept and _blank(kept[-1]):
            kept.pop()
        if kept and kept[-1].type == "text":
            kept[-1].content = kept[-1].content.rstrip()
    while kept and _blank(kept[0]):
        kept.pop(0)
    return kept


def _blank(token: Token) -> bool:
    return token.type == "softbreak" or (token.type == "text" and not token.content.strip())


@dataclass(frozen=True)
class References:
    """What a piece of Markdown refers to: citations, protocol tokens and callout names."""

    citations: tuple[str, ...]
    tokens: tuple[str, ...]
    containers: tuple[str, ...]
    # Level-1 headings in the text: the page title is a page's only one, so there should be none.
    top_headings: tuple[str, ...] = ()


def references(text: str) -> References:
    """Find the citations, protocol tokens and container names a Markdown text uses."""
    citations: list[str] = []
    tokens: list[str] = []
    top_headings: list[str] = []
    parsed = MD.parse(text)
    for index, token in enumerate(parsed):
        if token.type == "heading_open" and token.tag == "h1":
            top_headings.append(parsed[index + 1].content)
    for token in _walk(parsed):
        if token.type == "citation":
            citations.append(token.meta["citation"])
        elif token.type == "protocol_token":
            tokens.append(token.meta["name"])
    # Unknown `::: name` blocks are not parsed as containers at all, so find them by line.
    containers = tuple(_CONTAINER.findall(text))
    return References(tuple(citations), tuple(tokens), containers, tuple(top_headings))


def _walk(tokens: Sequence[Token]) -> Iterator[Token]:
    for token in tokens:
        yield token
        if token.children:
            yield from _walk(token.children)
