"""How good the proposals are: precision and recall per kind against a source's curated facts.

The answer key is what curators encoded from the same text: the entities, figures, dates and
ties whose quotes lie in it. A proposal counts as right when it falls inside the quotes of a
fact of its kind and agrees with it (the same entity, the same value, the same year, a party
in common). Used by ``benchmarks/propose.py`` and by the tests that hold the goals.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from rdflib import RDF, Graph, URIRef
from rdflib.term import Node

from ..namespaces import HV, OA, SDMX_MEASURE
from .lexicon import Lexicon, fold_key
from .proposals import Proposals
from .spans import Span

__all__ = ["AnswerKey", "Score", "answer_key", "score"]

TIME = "http://www.w3.org/2006/time#"


@dataclass
class AnswerKey:
    entities: dict[URIRef, list[Span]]
    figures: list[tuple[Decimal, list[Span]]]
    dates: list[tuple[int, Span]]
    ties: list[tuple[set[URIRef], list[Span]]]


@dataclass(frozen=True)
class Score:
    kind: str
    proposed: int
    correct: int
    expected: int
    found: int

    @property
    def precision(self) -> float:
        return self.correct / self.proposed if self.proposed else 1.0

    @property
    def recall(self) -> float:
        return self.found / self.expected if self.expected else 1.0


def _spans(graph: Graph, node, text_iri: URIRef) -> list[Span]:
    spans = []
    for quote in graph.objects(node, HV.evidence):
        for selector in graph.objects(quote, OA.hasSelector):
            start, end = graph.value(selector, OA.start), graph.value(selector, OA.end)
            if start is not None and end is not None and graph.value(quote, OA.hasSource) == text_iri:
                spans.append(Span(int(str(start)), int(str(end))))
    return spans


def answer_key(graph: Graph, text_iri: URIRef, text: str, lexicon: Lexicon) -> AnswerKey:
    """The curated facts of one source text, as spans the proposals are checked against."""
    entities = _key_entities(graph, text_iri, text, lexicon)
    ties = _key_ties(graph, text_iri, entities)
    return AnswerKey(entities, _key_figures(graph, text_iri), _key_dates(graph, text_iri, text),
                     [({a for a in agents if isinstance(a, URIRef)}, spans) for agents, spans in ties])


def _key_entities(graph: Graph, text_iri: URIRef, text: str, lexicon: Lexicon) -> dict:
    entities = {}
    folded = fold_key(text)
    names: dict[URIRef, set[str]] = {}
    kinds: dict[URIRef, str] = {}
    for key, bucket in lexicon.names.items():
        for name in bucket:
            names.setdefault(name.iri, set()).add(key)
            kinds[name.iri] = name.kind
    for iri in sorted(lexicon.iris):
        spans = _spans(graph, iri, text_iri)
        # Only what the text names by one of the graph's names: an unnamed body (呼兰区（主体未明）,
        # 领导组织机构) or a school the text calls by a name it shares with another (职教中心) can be
        # quoted by a curator who read the context, but no name in the text points to it.
        if (spans and kinds[iri] in ("organisation", "place", "document")
                and any(name in folded for name in names[iri])):
            entities[iri] = spans
    return entities


def _key_figures(graph: Graph, text_iri: URIRef) -> list:
    figures = []
    for cls, props in ((HV.StatObservation, (SDMX_MEASURE.obsValue,)), (HV.Target, (HV.targetValue,)),
                       (HV.ValueChange, (HV.fromValue, HV.toValue))):
        for fact in sorted(graph.subjects(RDF.type, cls), key=str):
            spans = _spans(graph, fact, text_iri)
            for prop in props:
                for value in graph.objects(fact, prop):
                    if spans:
                        figures.append((Decimal(str(value)), spans))
    return figures


def _key_dates(graph: Graph, text_iri: URIRef, text: str) -> list[tuple[int, Span]]:
    dates: list[tuple[int, Span]] = []

    def add_date(year, date_text: str, spans: list[Span]) -> None:
        for span in spans:
            at = text.find(date_text, span.start, span.end)
            if at >= 0:
                entry = (int(str(year)[:4]), Span(at, at + len(date_text)))
                if entry not in dates:  # several facts share one date phrase
                    dates.append(entry)
                return

    years = (URIRef(TIME + "inXSDgYear"), URIRef(TIME + "inXSDgYearMonth"), URIRef(TIME + "inXSDDate"))
    for instant in sorted(set(graph.subjects(RDF.type, URIRef(TIME + "Instant"))), key=str):
        year = next((v for p in years for v in graph.objects(instant, p)), None)
        if year is None:
            continue
        date_text = graph.value(instant, HV.dateText)
        if date_text is not None:  # a date of a fact: its phrase is in the fact's quotes
            add_date(year, str(date_text), [s for p in graph.subjects(None, instant)
                                            for s in _spans(graph, p, text_iri)])
        else:  # a reference period: its own quotes (2021年第一届职普融通班) and those of its facts
            add_date(year, f"{str(year)[:4]}年", _spans(graph, instant, text_iri))
            for fact in graph.subjects(None, instant):
                add_date(year, f"{str(year)[:4]}年", _spans(graph, fact, text_iri))
    return dates


def _key_ties(graph: Graph, text_iri: URIRef, entities: dict) -> list[tuple[set, list[Span]]]:
    ties = []
    relators: dict[Node, set] = {}
    for participation in graph.subjects(RDF.type, HV.Participation):
        relator, agent = graph.value(participation, HV.relator), graph.value(participation, HV.agent)
        if relator is not None and agent is not None:
            relators.setdefault(relator, set()).add(agent)
    for designation in graph.subjects(RDF.type, HV.Designation):
        agents = set(graph.objects(designation, HV.recipient)) & set(entities)
        if agents:
            relators[designation] = agents | set(graph.objects(designation, HV.conferredBy))
    governs = {org: place for org, place in graph.subject_objects(HV.governs)}
    for relator, agents in sorted(relators.items()):
        # The text names the place of an unnamed acting body (呼兰区 signs): both count.
        agents = agents | {governs[a] for a in agents if a in governs}
        spans = _spans(graph, relator, text_iri)
        for participation in graph.subjects(HV.relator, relator):
            spans += _spans(graph, participation, text_iri)
        if spans:
            ties.append((agents, spans))
    return ties


def _inside(span: Span, spans: list[Span]) -> bool:
    return any(s.overlaps(span) for s in spans)


def score(proposals: Proposals, key: AnswerKey) -> list[Score]:
    """Precision and recall of entities, figures, dates and ties against ``key``."""
    results = []
    # Entities: distinct things proposed. A known entity is right if the key has it; a new
    # candidate is right only if its text is the name of a key entity the graph did not know.
    proposed_iris = {m.iri for m in proposals.entities if not m.is_new}
    new_names = {m.text for m in proposals.entities if m.is_new}
    correct = len(proposed_iris & set(key.entities))
    results.append(Score("entities", len(proposed_iris) + len(new_names), correct,
                         len(key.entities), len(proposed_iris & set(key.entities))))
    # Figures: each proposal inside the quote of a key figure with the same value.
    right = [f for f in proposals.figures
             if any(f.value == value and _inside(f.span, spans) for value, spans in key.figures)]
    found = [k for k in key.figures
             if any(f.value == k[0] and _inside(f.span, k[1]) for f in proposals.figures)]
    results.append(Score("figures", len(proposals.figures), len(right), len(key.figures), len(found)))
    right_dates = [d for d in proposals.dates
                   if any(d.year == year and d.span.overlaps(span) for year, span in key.dates)]
    found_dates = [k for k in key.dates if any(d.year == k[0] and d.span.overlaps(k[1]) for d in proposals.dates)]
    results.append(Score("dates", len(proposals.dates), len(right_dates), len(key.dates), len(found_dates)))

    def agrees(tie, agents, spans):
        parties = {p.mention.iri for p in tie.parties if p.mention.iri is not None}
        return bool(parties & agents) and (_inside(tie.evidence, spans) or _inside(tie.sentence, spans))

    right_ties = [t for t in proposals.ties if any(agrees(t, a, s) for a, s in key.ties)]
    found_ties = [k for k in key.ties if any(agrees(t, *k) for t in proposals.ties)]
    results.append(Score("ties", len(proposals.ties), len(right_ties), len(key.ties), len(found_ties)))
    return results


def _occurrences(text: str, needle: str) -> list[Span]:
    spans, at = [], text.find(needle)
    while at >= 0:
        spans.append(Span(at, at + len(needle)))
        at = text.find(needle, at + 1)
    return spans


def score_by_names(proposals: Proposals, key: dict) -> list[Score]:
    """Precision and recall against a hand-written key of names, figures, dates and ties.

    ``key`` is the JSON of ``benchmarks/propose_corpus/*.json``: entities by name (and aliases),
    figures and dates by their words and value, ties by kind and the names of their parties.
    """
    text = proposals.text
    results = []

    def names_of(mention) -> set[str]:
        return {mention.text, mention.label_zh} - {""}

    entity_names = [{e["name"], *e.get("aliases", [])} for e in key["entities"]]
    proposed: dict[object, set[str]] = {}
    for m in proposals.entities:
        proposed.setdefault(m.iri or m.text, set()).update(names_of(m))
    correct = sum(1 for names in proposed.values() if any(names & e for e in entity_names))
    found = sum(1 for e in entity_names if any(names & e for names in proposed.values()))
    results.append(Score("entities", len(proposed), correct, len(entity_names), found))

    def located(items):
        return [(item, _occurrences(text, item["text"])) for item in items]

    figures = located(key["figures"])
    right = [f for f in proposals.figures
             if any(Decimal(str(k["value"])) == f.value and any(s.overlaps(f.span) for s in spans)
                    for k, spans in figures)]
    hit = [k for k, spans in figures
           if any(Decimal(str(k["value"])) == f.value and any(s.overlaps(f.span) for s in spans)
                  for f in proposals.figures)]
    results.append(Score("figures", len(proposals.figures), len(right), len(figures), len(hit)))

    dates = located(key["dates"])
    right_d = [d for d in proposals.dates
               if any(k["year"] == d.year and any(s.overlaps(d.span) for s in spans) for k, spans in dates)]
    hit_d = [k for k, spans in dates
             if any(k["year"] == d.year and any(s.overlaps(d.span) for s in spans) for d in proposals.dates)]
    results.append(Score("dates", len(proposals.dates), len(right_d), len(dates), len(hit_d)))

    def covers(tie, wanted) -> bool:
        names = set().union(*(names_of(p.mention) for p in tie.parties)) if tie.parties else set()
        return tie.kind == wanted["kind"] and all(
            any(n in names for n in next((e for e in entity_names if party in e), {party}))
            for party in wanted["parties"])

    right_t = [t for t in proposals.ties if any(covers(t, k) for k in key["ties"])]
    hit_t = [k for k in key["ties"] if any(covers(t, k) for t in proposals.ties)]
    results.append(Score("ties", len(proposals.ties), len(right_t), len(key["ties"]), len(hit_t)))
    return results
