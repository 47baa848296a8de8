"""The messages' words, per kind and language (French, English): a subject and a plain-text body, Jinja2
templates. The HTML part is the same body in one layout, with autoescape on (names and notes are the
users' own text). Dates arrive already written in Paris time by the caller."""

from __future__ import annotations

import functools
from collections.abc import Mapping, Sequence

from jinja2 import DictLoader, Environment, StrictUndefined, Template, meta, select_autoescape

from domain.enums import MessageKind as K

LANGUAGES = ("fr", "en")
DEFAULT_LANGUAGE = "fr"

_T: dict[tuple[K, str], tuple[str, str]] = {
    (K.PAIR_STARTED, "fr"): (
        "Présentation : {{ other }} et vous",
        "Bonjour {{ name }},\n\nVous êtes désormais en binôme avec {{ other }} ({{ other_email }})"
        "{% if substitute %}, en remplacement pendant l'absence du ou de la mentor habituel·le{% endif %}.\n"
        "Votre créneau hebdomadaire : {{ slot }} (heure de Paris).\n\nBon mentorat !",
    ),
    (K.PAIR_STARTED, "en"): (
        "Introduction: {{ other }} and you",
        "Hello {{ name }},\n\nYou are now paired with {{ other }} ({{ other_email }})"
        "{% if substitute %}, as a substitute while the usual mentor is away{% endif %}.\n"
        "Your weekly slot: {{ slot }} (Paris time).\n\nEnjoy the mentoring!",
    ),
    (K.PAIR_ENDED, "fr"): (
        "Fin du binôme avec {{ other }}",
        "Bonjour {{ name }},\n\nVotre binôme avec {{ other }} se termine le {{ ended_on }} "
        "({{ reason }}).\nLes sessions à venir sont annulées sans pénalité.",
    ),
    (K.PAIR_ENDED, "en"): (
        "Your pairing with {{ other }} ends",
        "Hello {{ name }},\n\nYour pairing with {{ other }} ends on {{ ended_on }} ({{ reason }}).\n"
        "Future sessions are cancelled without penalty.",
    ),
    (K.SESSION_BOOKED, "fr"): (
        "Session réservée le {{ when }}",
        "Bonjour {{ name }},\n\nSession avec {{ other }} le {{ when }} (heure de Paris), "
        "{{ minutes }} minutes.\nLien de la visio : {{ link }}\nL'invitation est jointe (.ics).",
    ),
    (K.SESSION_BOOKED, "en"): (
        "Session booked on {{ when }}",
        "Hello {{ name }},\n\nSession with {{ other }} on {{ when }} (Paris time), {{ minutes }} minutes.\n"
        "Video link: {{ link }}\nThe invitation is attached (.ics).",
    ),
    (K.SESSION_MOVED, "fr"): (
        "Session déplacée au {{ when }}",
        "Bonjour {{ name }},\n\nVotre session avec {{ other }} est déplacée au {{ when }} "
        "(heure de Paris), {{ minutes }} minutes.\nLien de la visio : {{ link }}\n"
        "L'invitation mise à jour est jointe (.ics).",
    ),
    (K.SESSION_MOVED, "en"): (
        "Session moved to {{ when }}",
        "Hello {{ name }},\n\nYour session with {{ other }} moved to {{ when }} (Paris time), "
        "{{ minutes }} minutes.\nVideo link: {{ link }}\nThe updated invitation is attached (.ics).",
    ),
    (K.SESSION_CANCELLED, "fr"): (
        "Session du {{ when }} annulée",
        "Bonjour {{ name }},\n\nVotre session avec {{ other }} du {{ when }} (heure de Paris) est annulée.",
    ),
    (K.SESSION_CANCELLED, "en"): (
        "Session on {{ when }} cancelled",
        "Hello {{ name }},\n\nYour session with {{ other }} on {{ when }} (Paris time) is cancelled.",
    ),
    (K.SESSION_REMINDER, "fr"): (
        "Rappel : session le {{ when }}",
        "Bonjour {{ name }},\n\nRappel : session avec {{ other }} le {{ when }} (heure de Paris).\n"
        "Lien de la visio : {{ link }}",
    ),
    (K.SESSION_REMINDER, "en"): (
        "Reminder: session on {{ when }}",
        "Hello {{ name }},\n\nReminder: session with {{ other }} on {{ when }} (Paris time).\n"
        "Video link: {{ link }}",
    ),
    (K.ABSENCE, "fr"): (
        "Absence de {{ other }} du {{ starts_on }} au {{ ends_on }}",
        "Bonjour {{ name }},\n\n{{ other }} sera absent·e du {{ starts_on }} au {{ ends_on }}.\n"
        "{% if long %}Un·e mentor remplaçant·e vous sera proposé·e.{% else %}"
        "Les sessions de cette période sont à reprogrammer.{% endif %}",
    ),
    (K.ABSENCE, "en"): (
        "{{ other }} is away from {{ starts_on }} to {{ ends_on }}",
        "Hello {{ name }},\n\n{{ other }} is away from {{ starts_on }} to {{ ends_on }}.\n"
        "{% if long %}A substitute mentor will be proposed to you.{% else %}"
        "Sessions in that period are to be rescheduled.{% endif %}",
    ),
    (K.NOTICE, "fr"): (
        "{{ other }} quitte le programme le {{ last_day }}",
        "Bonjour {{ name }},\n\n{{ other }} quitte le programme après le {{ last_day }}.\n"
        "Un·e nouveau·elle mentor vous sera proposé·e.",
    ),
    (K.NOTICE, "en"): (
        "{{ other }} leaves the programme on {{ last_day }}",
        "Hello {{ name }},\n\n{{ other }} leaves the programme after {{ last_day }}.\n"
        "A new mentor will be proposed to you.",
    ),
    (K.ASSESSMENT_SCHEDULED, "fr"): (
        "Soutenance « {{ project }} » le {{ when }}",
        "Bonjour {{ name }},\n\nLa soutenance du projet « {{ project }} » a lieu le {{ when }} "
        "(heure de Paris), {{ minutes }} minutes.",
    ),
    (K.ASSESSMENT_SCHEDULED, "en"): (
        "Presentation of \u201c{{ project }}\u201d on {{ when }}",
        "Hello {{ name }},\n\nThe presentation of the project \u201c{{ project }}\u201d takes place on "
        "{{ when }} (Paris time), {{ minutes }} minutes.",
    ),
    (K.ASSESSMENT_RESULT, "fr"): (
        "Résultat de la soutenance « {{ project }} » : {{ 'validée' if passed else 'non validée' }}",
        "Bonjour {{ name }},\n\nLa soutenance du projet « {{ project }} » est "
        "{{ 'validée' if passed else 'non validée' }}."
        "{% if notes %}\n\nCommentaires : {{ notes }}{% endif %}",
    ),
    (K.ASSESSMENT_RESULT, "en"): (
        "Presentation of \u201c{{ project }}\u201d: {{ 'passed' if passed else 'not passed' }}",
        "Hello {{ name }},\n\nThe presentation of the project \u201c{{ project }}\u201d "
        "{{ 'passed' if passed else 'did not pass' }}.{% if notes %}\n\nNotes: {{ notes }}{% endif %}",
    ),
}

_HTML = """<!doctype html>
<html lang="{{ language }}"><head><meta charset="utf-8"><title>{{ subject }}</title></head>
<body>{% for paragraph in paragraphs %}<p>{{ paragraph }}</p>{% endfor %}</body></html>"""

_sources: dict[str, str] = {"layout.html": _HTML}
for (_kind, _lang), (_subject, _body) in _T.items():
    _sources[f"{_kind.value}.{_lang}.subject"] = _subject
    _sources[f"{_kind.value}.{_lang}.txt"] = _body

# Subjects and plain text are not HTML: no escaping there; the layout escapes every paragraph.
_env = Environment(
    loader=DictLoader(_sources),
    autoescape=select_autoescape(enabled_extensions=("html",), default_for_string=False),
    undefined=StrictUndefined,
    keep_trailing_newline=False,
    auto_reload=False,  # the sources never change: no staleness check per message
)


def render(kind: K, language: str, context: dict[str, object]) -> tuple[str, str, str]:
    """(subject, text, html) of a message of ``kind`` in ``language``."""
    lang = language if language in LANGUAGES else DEFAULT_LANGUAGE
    subject = " ".join(_template(f"{kind.value}.{lang}.subject").render(context).split())
    text = _template(f"{kind.value}.{lang}.txt").render(context)
    paragraphs = [p for p in text.split("\n\n") if p.strip()]
    html = _template("layout.html").render(language=lang, subject=subject, paragraphs=paragraphs)
    return subject, text, html


@functools.cache
def _template(name: str) -> Template:
    return _env.get_template(name)


# Many messages of one kind and language (a published run's introductions): each template renders them
# all in one pass, a loop around its own source, instead of one Jinja context per message (most of the
# cost of a message this small). The loop binds each message's variables by name, so the output is the
# same (a test compares); the rendered messages are cut apart at SEPARATOR, which no value may contain.
SEPARATOR = "\x00"


def render_many(
    kind: K, language: str, contexts: Sequence[Mapping[str, object]]
) -> list[tuple[str, str, str]]:
    """:func:`render` for each of ``contexts``, in order."""
    lang = language if language in LANGUAGES else DEFAULT_LANGUAGE
    if not contexts:
        return []
    if any(isinstance(v, str) and SEPARATOR in v for c in contexts for v in c.values()):
        return [render(kind, language, dict(c)) for c in contexts]
    subjects = [
        " ".join(s.split()) for s in _cut(_batch(f"{kind.value}.{lang}.subject"), contexts, len(contexts))
    ]
    texts = _cut(_batch(f"{kind.value}.{lang}.txt"), contexts, len(contexts))
    layouts = [
        {"language": lang, "subject": subject, "paragraphs": [p for p in text.split("\n\n") if p.strip()]}
        for subject, text in zip(subjects, texts, strict=True)
    ]
    htmls = _cut(_batch("layout.html"), layouts, len(contexts))
    return list(zip(subjects, texts, htmls, strict=True))


def _cut(template: Template, contexts: Sequence[Mapping[str, object]], count: int) -> list[str]:
    parts = template.render(_mm_items=contexts).split(SEPARATOR)
    assert len(parts) == count + 1 and parts[-1] == "", "a rendered message holds the separator"
    return parts[:-1]


@functools.cache
def _batch(name: str) -> Template:
    """The template ``name`` looped over ``_mm_items``, each item's variables bound by name; the same
    name with ``.many`` before an ``.html`` ending (autoescape on) or after any other."""
    source = _sources[name]
    if source.endswith("\n"):  # as keep_trailing_newline=False drops it from a template of its own
        source = source[:-1]
    names = sorted(meta.find_undeclared_variables(_env.parse(source)))
    bound = ", ".join(f"{n}=_mm_item[{n!r}]" for n in names)
    looped = (
        "{% for _mm_item in _mm_items %}"
        + (f"{{% with {bound} %}}{source}{{% endwith %}}" if names else source)
        + SEPARATOR
        + "{% endfor %}"
    )
    many = name[: -len(".html")] + ".many.html" if name.endswith(".html") else name + ".many"
    _sources[many] = looped
    return _env.get_template(many)


def language_of(languages: str) -> str:
    """The recipient's language: the first of their languages (comma-joined codes) that the templates
    speak, else French (the school's language)."""
    for code in languages.split(","):
        if code.strip() in LANGUAGES:
            return code.strip()
    return DEFAULT_LANGUAGE
