"""Many messages rendered at once (a published run's introductions) are the messages rendered one by
one, for every kind and language, with the users' own text in them (markup, quotes, blank lines)."""

from __future__ import annotations

import random

from jinja2 import meta

from domain.services import notification_templates as templates

TRICKY = [
    "Zoé O'Brien",
    '<b>bold</b> & "quoted"',
    "line one\n\nline two",
    "",
    "trailing space ",
    "José  Núñez\n",
    "{{ not a template }}",
]


def _context(names: set[str], rng: random.Random) -> dict[str, object]:
    context: dict[str, object] = {}
    for name in names:
        context[name] = rng.choice([*TRICKY, True, False, 0, 45, None] if name != "name" else TRICKY)
    return context


def test_render_many_gives_what_render_gives_for_every_kind_and_language() -> None:
    rng = random.Random(7)
    for kind, language in templates._T:
        names: set[str] = set()
        for part in ("subject", "txt"):
            source = templates._sources[f"{kind.value}.{language}.{part}"]
            names |= meta.find_undeclared_variables(templates._env.parse(source))
        contexts = [_context(names, rng) for _ in range(40)]
        for asked in (language, "de"):  # a language the templates do not speak falls back alike
            one_by_one = [templates.render(kind, asked, c) for c in contexts]
            assert templates.render_many(kind, asked, contexts) == one_by_one, (kind, asked)


def test_a_value_holding_the_separator_is_rendered_one_by_one_the_same() -> None:
    kind, language = next(iter(templates._T))
    source = templates._sources[f"{kind.value}.{language}.txt"]
    names = meta.find_undeclared_variables(templates._env.parse(source))
    contexts = [{n: f"a{templates.SEPARATOR}b" for n in names} | {"substitute": False}]
    assert templates.render_many(kind, language, contexts) == [templates.render(kind, language, contexts[0])]
    assert templates.render_many(kind, language, []) == []
