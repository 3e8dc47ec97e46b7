"""docs/procedure.md, written from the procedure table itself (issue 12): the stages, the actions with their
fields, guards and effects, the clocks with their articles, the court calendar and who is competent, so that
the project's statement of the procedure cannot drift from what the code decides.

`procedure_markdown()` is pure; `python -m infra.procedure_doc` writes the file, and
tests/architecture/test_procedure_doc.py fails while the committed file differs from it.
"""

from __future__ import annotations

import inspect
from collections.abc import Callable, Iterable
from typing import Any

from core.clocks import WEEKDAYS, ClockRule, RuleBook, default_rulebook
from core.competence import trial_level
from core.effects import WINDOWS_AFTER, per_accused_rules
from core.guards import GUARDS
from core.juveniles import JUVENILE_ROUTE, JUVENILE_RULE
from core.procedure import ACTIONS, LATEST_REVISION, PROCEDURE_VERSION, ActionRule, RuleRevision, effect_name
from core.records import default_record_rules
from core.vocabulary import (
    HELD,
    SENTENCES_WITH_A_TERM,
    STAGE_OWNER_KIND,
    Category,
    Custody,
    ReleaseTerms,
    SentenceKind,
    Stage,
    label,
)

VERIFY = "**verify**"

#: the per-accused rules, stated as the code applies them (core.guards, core.transitions, core.effects); the action
#: lists come from the table
PER_ACCUSED = (
    "A verdict is recorded for each accused ruled on: every accused whose verdict is before the court, and only "
    "they: never judged at this level (a first trial, a retrial after an objection or a remand), or judged and "
    "challenged (guard `hearing_held`, refusals `verdict_per_accused`, `nobody_at_issue`).",
    "Each accused's challenge windows open with their own verdict (a verdict in absentia: when it is served) and "
    "lapse on their own: that accused's verdict becomes final for that challenge.",
    "An accused's verdict is final when every challenge window open to them has closed unchallenged, "
    "whichever closes last (objection, appeal or cassation); the case is final when every accused still in its "
    "proceedings has a final verdict.",
    "A co-accused's own challenge within its window joins the proceedings where the case already is, with no "
    "second hand-off (the event says `joins`); a challenge that would take the case to another court while other "
    "accused await this court's verdict is refused (`409 others_before_this_court`): sever first.",
    "A remand retries only the accused whose judgment it quashes (the event names them: `remanded`).",
    "A decision for one accused (its `party_id`) ends the proceedings for that accused alone: their windows and "
    "custody clocks stop; the case closes when no accused is left in its proceedings.",
    "Severance (فصل) moves one accused's proceedings into a case of their own: a new number from the agency "
    "holding the file, linked both ways (`severed_to`, `severed_from`), its first event `severed_in` carrying the "
    "file as it stood, with the accused's custody and running custody clocks.",
    "Requalification: the referral and the verdict may give a new category and charges; the history is kept "
    "(`qualifications`) and the competent court follows the new category.",
    "The case's outcome is derived from its accused's, the first of the precedence below that any of them has.",
)

#: custody and detention as the table applies them (issue 13; RuleRevision.custody_follows_person)
CUSTODY_RULES = (
    "Police custody runs from the arrest (`record_arrest`). At the referral (`refer_to_prosecution`) the people in "
    "police custody are handed over with the file: their police custody ends and the prosecution's period "
    "(`prosecution_custody`) runs, within which it questions them and orders their detention or release.",
    "A detention order (`order_detention`, guard `may_be_detained`) is for a suspect or an accused only "
    "(`409 not_a_defendant`), and never for a person already detained (`409 already_detained`): a second order "
    "does not restart the prosecution's period.",
    "Only a judge extends a detention (`extend_detention`), and only while a period still holds the person. During "
    "the investigation the extensions add up, per person, to the judge's cap (`judicial_detention`); once the "
    "trial court holds the case, its own period (`trial_detention`) applies, apart from that cap.",
    "When a period that holds a person ends with no extension (expiry `release_due`), the person's state becomes "
    "\"detention expired — release due\": the case is flagged stalled at once (urgency: a person's liberty; "
    "marked release due on the stalled list and on the case page) and "
    "every later extension or detention order is refused (`409 release_due`) until the release is recorded.",
    "A judgment that acquits an accused held under the case, or sentences them to no imprisonment (a fine, a "
    "suspended sentence, community service, confiscation), releases them as it is pronounced: the verdict's event "
    "names them (`released`), their custody clocks stop and the time held ends at the pronouncement (RuleRevision "
    "`released_by_judgment`). A conviction to imprisonment or death keeps them held pending the challenges; one "
    "given in the judge's words only is left to the prosecution to release.",
    "A release (`release_person`) is recorded with its reason and terms: "
    + ", ".join(f"`{t}` ({label(t, 'en').lower()})" for t in ReleaseTerms) + ".",
    "No case closes (archive, lapse, reconciliation, close) while it holds someone (`409 person_held`, naming "
    "them). A merge carries each person held, with their clocks' instants, to the case it joins (a period already "
    "past arrives expired); `core.custody` gives the same for a severance.",
)

#: sentences as data, as core.fields checks them and core.sentences computes from them (issue 13, Deliver 4)
SENTENCE_RULES = (
    "A conviction states the judge's own wording (`sentence`) and may carry the sentence as data (`penalty`): its "
    "`kind`, its term in `years`, `months` and `days`, and a `fine` in Libyan dinars. A term is required for, and "
    "allowed only with, " + ", ".join(f"`{k}`" for k in sorted(SENTENCES_WITH_A_TERM)) + "; a fine needs its amount "
    "(`422 sentence_term_required`, `sentence_term_not_allowed`, `fine_amount_required`); an acquittal carries none.",
    "The time the case held the person (police custody, before the prosecution, detention, until each release) is "
    "credited, each day begun counting. The expected release date of a term of imprisonment is the start of its "
    "execution (`record_execution`) plus the term, less the credit.",
    "Over-detention is flagged for a person held under the case past their sentence: acquitted with a final "
    "verdict, sentenced to no imprisonment, or with a term the credit already covers; and for a term being served "
    "past its expected release.",
    "A death sentence awaits the Supreme Court's confirmation: its execution is refused (`409 "
    "death_sentence_unconfirmed`) unless the Supreme Court gave the judgment (RuleRevision `sentences_and_prison`).",
    "`GET /api/v1/cases/{id}` shows, per convict, the credit, the expected release, over-detention and a death "
    "sentence awaiting confirmation (`sentences`).",
)

#: the prison's part (issue 13, Deliver 3) and the end of a sentence, which the criminal record's lapse runs from
PRISON_RULES = (
    "A convict with a final conviction to imprisonment (or one whose sentence is given in words only) is committed "
    "to a prison (`commit_to_prison`, guard `committable_convict`): a hand-off of the person, which the prison "
    "acknowledges by admitting them (`admit_to_prison`); unadmitted past `committal_ack`, it is escalated. From the "
    "committal the prison takes a part in the case (it sees it) and its officers act on the convicts it holds.",
    "The execution of a convict's sentence starts with their admission, per convict. The warden records a transfer "
    "to another prison (`transfer_prisoner`, a new committal) and the release (`release_prisoner`), which ends the "
    "sentence with its ground: served, remitted or prescribed. Only the prison releases a prisoner (`409 in_prison`).",
    "A prisoner's term runs as a clock from their admission (`sentence_term`, RuleRevision `sentence_term`): its end "
    "is the term less the custody and detention credited (core.sentences.release_instant), the same day the case "
    "shows as the expected release. A week before, the prison and the prosecution are told; past it with no release "
    "recorded, the case is flagged at once as a matter of liberty (the stalled list's first rank) and escalated, the "
    "prison's officers told with the prosecution. A transfer keeps the term running; the release stops it.",
    "A sentence served outside a prison (a fine paid, a suspension run) or prescribed is ended by the prosecution "
    "(`record_sentence_end`, with the date it ended).",
    "The case closes once every convict's execution is recorded (`409 execution_pending`, naming them) and nobody "
    "is held under it, in prison included (`409 person_held`).",
    "The criminal record's lapse period runs from the end of the sentence (served, remitted or prescribed) and never "
    "while it is unexecuted: neither a prisoner still serving nor a fugitive's record lapses (core.records).",
)


def _regimes(book: RuleBook) -> list[str]:
    rows = []
    for regime in book.regimes.values():
        source = regime.article + (f" — {VERIFY}" if regime.verify or not regime.article else "")
        changes = "; ".join(f"`{clock}`: " + ", ".join(f"{k} {v}" for k, v in fields.items())
                            for clock, fields in regime.clocks.items())
        rows.append([f"`{regime.name}`", f"{regime.label_en} ({regime.label_ar})", changes, source])
    return _table(["Classification", "Regime", "Clocks it changes", "Source"], rows)


def _sentence_kinds() -> list[str]:
    return _table(["Sentence kind", "Arabic", "English", "Has a term"],
                  [[f"`{k}`", label(k, "ar"), label(k, "en"), "yes" if k in SENTENCES_WITH_A_TERM else "no"]
                   for k in SentenceKind])


def _custody_states() -> list[str]:
    return _table(["Custody", "Arabic", "English", "Held by the case"],
                  [[f"`{c}`", label(c, "ar"), label(c, "en"), "yes" if c in HELD else "no"] for c in Custody])


def _first_line(thing: Any) -> str:
    doc = inspect.getdoc(thing) or ""
    return " ".join(doc.split("\n\n")[0].split())


def _cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def _table(header: Iterable[str], rows: Iterable[Iterable[str]]) -> list[str]:
    head = list(header)
    lines = ["| " + " | ".join(head) + " |", "|" + "|".join("---" for _ in head) + "|"]
    lines += ["| " + " | ".join(_cell(str(c)) for c in row) + " |" for row in rows]
    return lines


def _names(values: Iterable[str]) -> str:
    return ", ".join(f"`{v}`" for v in sorted(values))


def _guard_lines(rule: ActionRule) -> list[str]:
    if not rule.guard:
        return []
    guard = GUARDS[rule.guard]
    parts: list[tuple[str, Callable[..., Any] | None]] = [
        ("on the case", guard.on_case), ("on each party named", guard.on_party),
        ("on the agency named", guard.on_agency), ("on the values", guard.on_values)]
    lines = [f"- Guard `{rule.guard}`:"]
    for where, check in parts:
        if check is not None:
            what = _first_line(check) or check.__name__.strip("_").replace("_", " ")
            lines.append(f"  - {where}: {what}")
    return lines


def _action(rule: ActionRule) -> list[str]:
    lines = [f"### `{rule.name}` — {rule.label_en} ({rule.label_ar})", ""]
    stages = "opens a case" if rule.opens_case else _names(rule.stages)
    lines.append(f"- Stages: {stages}; who: `{rule.who}`; roles: {_names(rule.roles)}")
    if rule.fields:
        fields = []
        for f in rule.fields:
            required = "required" if f.required else "optional"
            if f.required_since is not None:
                required += f" (since revision `{f.required_since.name}`)"
            fields.append(f"`{f.name}` ({f.kind}, {required})")
        lines.append("- Fields: " + "; ".join(fields))
    lines += _guard_lines(rule)
    for effect in rule.effects:
        lines.append(f"- Effect `{effect_name(effect)}`: {_first_line(type(effect))}")
    lines.append(f"- Article: {rule.article or VERIFY}")
    return [*lines, ""]


def _clock_length(clock: ClockRule) -> str:
    if clock.length_of_sentence:
        return "the sentence's term, less the credit"
    text = f"{clock.length} {clock.unit}"
    return text + (f" (at most {clock.cap} in all)" if clock.cap else "")


def _clock_row(clock: ClockRule) -> list[str]:
    article = clock.article or ""
    if clock.verify or not article:
        article = f"{article} — {VERIFY}" if article else VERIFY
    return [f"`{clock.name}`", f"{clock.label_en} ({clock.label_ar})", f"`{clock.starts_at}`", _clock_length(clock),
            f"`{clock.expiry}`", "yes" if clock.next_sitting_day else "no", article]


def procedure_markdown(book: RuleBook | None = None) -> str:
    book = book or default_rulebook()
    out = [
        "# The procedure Mizan implements",
        "",
        "<!-- generated by `python -m infra.procedure_doc` from core/procedure.py, core/clocks.py, the guards "
        "(core/guards.py, core/custody_guards.py, core/competence.py) and core/effects.py: do not edit by hand "
        "(tests/architecture/test_procedure_doc.py) -->",
        "",
        f"Procedure table {PROCEDURE_VERSION}, rule revision {int(LATEST_REVISION)} (`{LATEST_REVISION.name}`), "
        f"default rules {book.version}. An installation's own rule file (MIZAN_RULES) may change the clocks and "
        "the calendar; `GET /api/v1/procedure` publishes the rules in force. Articles are of the Libyan Code of "
        f"Criminal Procedure (CCP); {VERIFY} marks a provision or figure not yet confirmed from the law's text.",
        "",
        "## Stages",
        "",
        *_table(["Stage", "Arabic", "Held by"],
                [[f"`{s}`", label(s, "ar"), _names(STAGE_OWNER_KIND[s])] for s in Stage]),
        "",
        "## Competent courts",
        "",
        *_table(["Category", "Tried by a court of level"], [[f"`{c}`", f"`{trial_level(c)}`"] for c in Category]),
        "",
        *_table(["A judgment of level", "opens"], [[f"`{level}`", _names(windows) or "nothing: final"]
                                                    for level, windows in WINDOWS_AFTER.items()]),
        "",
        "Which court of appeal hears a first-instance court's appeals is data in the agency tree "
        "(`agencies.appeals_to`); a felony chamber is its court of appeal's chamber, an agency of its own; "
        "cassation lies only to the Supreme Court. A referral or challenge to another court is refused "
        "(`422 not_competent_court`) naming the competent one.",
        "",
        f"Juveniles: an accused or suspect under {JUVENILE_RULE.age_of_majority} on the day of the offence (by the "
        f"party's date of birth) is a juvenile ({JUVENILE_RULE.source}{', ' + VERIFY if JUVENILE_RULE.verify else ''})."
        f" Since revision `juvenile_route`, a case with a juvenile accused is tried by a court of level "
        f"`{JUVENILE_ROUTE.court_level}` of its region ({JUVENILE_ROUTE.source}"
        f"{', ' + VERIFY if JUVENILE_ROUTE.verify else ''}).",
        "",
        "## Criminal record: disclosure",
        "",
        *_table(["Conviction", "On a certificate", "Source", "Verify"],
                [[f"`{r.subject}`", label(r.disclosure, "en"), r.source, VERIFY if r.verify else ""]
                 for r in default_record_rules().disclosure.values()]),
        "",
        "A finding of the holder's own record (their national ID) is left off a certificate only with a recorded "
        "ground and a second records officer's approval (four eyes; both officers in the audit). The certificate "
        "names the holder as their person record's case files do (four-part name, birth date and place, mother's "
        "name where recorded), not as their login account does.",
        "",
        "## Per accused",
        "",
        *[f"- {line}" for line in PER_ACCUSED],
        "",
        *_table(["Per-accused rule", "Actions / values"],
                [[name.replace("_", " ").capitalize(), ", ".join(f"`{v}`" for v in values)]  # in order: a precedence
                 for name, values in per_accused_rules().items()]),
        "",
        "## Custody and detention",
        "",
        *_custody_states(),
        "",
        *[f"- {line}" for line in CUSTODY_RULES],
        "",
        "## Special regimes",
        "",
        "An offence's classification (`classification` at `open_case`) chooses the regime its case's clocks follow: "
        "the case carries that variant of the rules from its report on. Regimes are data in the rule table, and a rule "
        "file may change them (`regimes`); `GET /api/v1/procedure` publishes them.",
        "",
        *_regimes(book),
        "",
        "## Sentences",
        "",
        *_sentence_kinds(),
        "",
        *[f"- {line}" for line in SENTENCE_RULES],
        "",
        "## The prison and the end of a sentence",
        "",
        *[f"- {line}" for line in PRISON_RULES],
        "",
        "## Clocks",
        "",
        *_table(["Clock", "Name", "Starts at", "Length", "On expiry", "Moves to the next sitting day", "Article"],
                [_clock_row(c) for c in book.clocks.values()]),
        "",
        "A deadline in days ends at the end of its last day in Tripoli and is shown as that day. Custody and "
        "detention never move to a sitting day.",
        "",
        "## Court calendar",
        "",
        f"- Weekend: {', '.join(WEEKDAYS[d] for d in book.calendar.weekend) or 'none'}",
        f"- Holidays: {', '.join(book.calendar.holidays) or 'none in the default rules'}",
        "",
        "## Rule revisions",
        "",
        "Rules added while cases were running; an action accepted under an older revision replays under it.",
        "",
        *[f"{int(r)}. `{r.name}`" for r in RuleRevision],
        "",
        "## Actions",
        "",
    ]
    for rule in ACTIONS:
        out += _action(rule)
    return "\n".join(out).rstrip("\n") + "\n"
