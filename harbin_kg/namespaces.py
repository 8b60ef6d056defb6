"""IRIs of harbin-kg: the entity base, our ontology (``hv:``), our concept schemes, prefixes."""

from rdflib import Graph, Namespace, URIRef
from rdflib.namespace import DCTERMS, ORG, OWL, PROV, RDF, RDFS, SKOS, TIME, XSD, DefinedNamespace

__all__ = ["BASE", "ID", "GRAPH_IRI", "HV", "SCHEME", "OA", "QB", "SCHEMA", "ELI", "SDMX_DIM", "SDMX_MEASURE",
           "SHAPES", "PREFIXES", "scheme", "bind_prefixes"]

BASE = "https://w3id.org/hrbvet/"
ID = Namespace(BASE + "id/")
#: The built graph itself: its data version, provenance and sources hang off this IRI.
GRAPH_IRI = ID["graph/harbin-kg"]
SCHEME = Namespace(BASE + "scheme/")
SHAPES = Namespace(BASE + "shapes#")
OA = Namespace("http://www.w3.org/ns/oa#")
QB = Namespace("http://purl.org/linked-data/cube#")
SCHEMA = Namespace("https://schema.org/")
ELI = Namespace("http://data.europa.eu/eli/ontology#")
SDMX_DIM = Namespace("http://purl.org/linked-data/sdmx/2009/dimension#")
SDMX_MEASURE = Namespace("http://purl.org/linked-data/sdmx/2009/measure#")


class HV(DefinedNamespace):
    """Our ontology terms (``hv:``): every hv: term declared in ``ontology/**/*.ttl``.

    A typo fails loudly (``HV.partcipant`` raises ``AttributeError``) instead of minting a new
    IRI; ``tests/test_namespaces.py`` checks this list against the Turtle files, both ways.
    ``str(HV)``, ``HV["term"]`` and ``HV + "term"`` work as with a plain ``Namespace``.
    """

    _NS = Namespace(BASE + "ont#")
    _fail = True

    # --- ontology/harbin.ttl
    AdministrativeArea: URIRef  # class: administrative area
    Agreement: URIRef  # class: agreement
    Consortium: URIRef  # class: consortium
    ConsortiumMembership: URIRef  # class: consortium membership
    Designation: URIRef  # class: designation
    Enterprise: URIRef  # class: enterprise
    Event: URIRef  # class: event
    ExtractionRun: URIRef  # class: extraction run
    Fact: URIRef  # class: fact
    GeneralHighSchool: URIRef  # class: general high school
    GovernmentBody: URIRef  # class: government body
    HigherVocationalCollege: URIRef  # class: higher vocational college
    IndustrialPark: URIRef  # class: industrial park
    JointInitiative: URIRef  # class: joint initiative
    OrgChange: URIRef  # class: organisational change
    Participation: URIRef  # class: participation
    Pathway: URIRef  # class: education pathway
    PilotProgramme: URIRef  # class: pilot programme
    PolicyDocument: URIRef  # class: policy document
    PolicyTask: URIRef  # class: policy task
    Quote: URIRef  # class: quote
    Relator: URIRef  # class: relator
    School: URIRef  # class: school
    SecondaryVocationalSchool: URIRef  # class: secondary vocational school
    SigningEvent: URIRef  # class: signing event
    SourceDocument: URIRef  # class: source document
    SourceText: URIRef  # class: source text
    StatObservation: URIRef  # class: statistical observation
    Target: URIRef  # class: target
    UndergraduateInstitution: URIRef  # class: undergraduate institution
    ValueChange: URIRef  # class: value change
    actionVerb: URIRef  # object property: action verb
    agent: URIRef  # object property: agent
    agreementType: URIRef  # object property: agreement type
    assertionStatus: URIRef  # object property: assertion status
    availableIn: URIRef  # object property: available in
    comparableTo: URIRef  # object property: comparable to
    comparator: URIRef  # object property: comparator
    competentAuthority: URIRef  # object property: competent authority
    conferredBy: URIRef  # object property: conferred by
    credentialAwarded: URIRef  # object property: credential awarded
    deadline: URIRef  # object property: deadline
    designatedOn: URIRef  # object property: designated on
    designationType: URIRef  # object property: designation type
    eventType: URIRef  # object property: event type
    evidence: URIRef  # object property: evidence
    fromStage: URIRef  # object property: from stage
    governs: URIRef  # object property: governs
    guidedBy: URIRef  # object property: guided by
    indicator: URIRef  # object property: indicator
    industryField: URIRef  # object property: industry field
    locatedIn: URIRef  # object property: located in
    mechanism: URIRef  # object property: mechanism
    occurredOn: URIRef  # object property: occurred on
    orgCategory: URIRef  # object property: organisation category
    ownership: URIRef  # object property: ownership
    participant: URIRef  # object property: participant
    partOfProgramme: URIRef  # object property: part of programme
    party: URIRef  # object property: party (derived)
    partyCompleteness: URIRef  # object property: party completeness
    pathwayType: URIRef  # object property: pathway type
    recipient: URIRef  # object property: recipient
    relativeTo: URIRef  # object property: relative to
    relator: URIRef  # object property: relator
    responsibleBody: URIRef  # object property: responsible body
    role: URIRef  # object property: role
    schoolLevel: URIRef  # object property: school level
    scope: URIRef  # object property: scope
    setBy: URIRef  # object property: set by
    signedOn: URIRef  # object property: signed on
    signingEvent: URIRef  # object property: signing event
    task: URIRef  # object property: task
    textOf: URIRef  # object property: text of
    toStage: URIRef  # object property: to stage
    transmits: URIRef  # object property: transmits
    unit: URIRef  # object property: unit
    valueQualifier: URIRef  # object property: value qualifier
    adminCode: URIRef  # datatype property: administrative division code
    batch: URIRef  # datatype property: batch
    charCount: URIRef  # datatype property: character count
    dateText: URIRef  # datatype property: date text
    eligibilityText: URIRef  # datatype property: eligibility text
    fromValue: URIRef  # datatype property: from value
    isPlaceholder: URIRef  # datatype property: is placeholder
    issuerDescription: URIRef  # datatype property: issuer description
    levelText: URIRef  # datatype property: level text
    mentionText: URIRef  # datatype property: mention text
    offsetUnit: URIRef  # datatype property: offset unit
    ordinal: URIRef  # datatype property: ordinal
    periodicity: URIRef  # datatype property: periodicity
    repoPath: URIRef  # datatype property: repository path
    reportedText: URIRef  # datatype property: reported text
    sha256: URIRef  # datatype property: SHA-256 digest
    targetValue: URIRef  # datatype property: target value
    toValue: URIRef  # datatype property: to value
    quote: URIRef  # annotation property: quote (shorthand)
    dsd: URIRef  # qb:DataStructureDefinition: VET statistics data structure
    dsdIndicator: URIRef  # qb:ComponentSpecification: component: indicator
    dsdObsValue: URIRef  # qb:ComponentSpecification: component: observed value
    dsdRefArea: URIRef  # qb:ComponentSpecification: component: reference area
    dsdRefPeriod: URIRef  # qb:ComponentSpecification: component: reference period
    dsdUnit: URIRef  # qb:ComponentSpecification: component: unit
    dsdValueQualifier: URIRef  # qb:ComponentSpecification: component: value qualifier
    # --- ontology/harbin.ttl: issue 14 block (unnamed parties, groups, framing, statuses)
    UnnamedParty: URIRef  # class: unnamed party
    PlannedOrganization: URIRef  # class: planned organisation
    DescribedGroup: URIRef  # class: described group
    AgreementTie: URIRef  # class: agreement tie
    PolicyFraming: URIRef  # class: policy framing
    framingConcept: URIRef  # object property: framing concept
    framingRelation: URIRef  # object property: framing relation
    framedSubject: URIRef  # object property: framed subject
    programme: URIRef  # object property: programme
    recruitsFrom: URIRef  # object property: recruits from
    involvesGroup: URIRef  # object property: involves group
    teachingStaff: URIRef  # object property: teaching staff
    namedExample: URIRef  # object property: named example
    issuedOn: URIRef  # object property: issued on
    duration: URIRef  # datatype property: duration
    durationText: URIRef  # datatype property: duration text
    # --- ontology/analysis.ttl
    AnalysisRun: URIRef  # class: network analysis run
    Score: URIRef  # class: network score
    measure: URIRef  # object property: measure
    node: URIRef  # object property: node
    projection: URIRef  # object property: projection
    run: URIRef  # object property: run
    backend: URIRef  # datatype property: backend
    dataVersion: URIRef  # datatype property: data version
    edgeCount: URIRef  # datatype property: edge count
    nodeCount: URIRef  # datatype property: node count
    parameters: URIRef  # datatype property: parameters
    projectionSpec: URIRef  # datatype property: projection specification
    rank: URIRef  # datatype property: rank
    scoreValue: URIRef  # datatype property: score value
    seed: URIRef  # datatype property: seed
    softwareVersion: URIRef  # datatype property: software version
    # --- ontology/proposals.ttl
    confidence: URIRef  # datatype property: confidence (drafts of harbin-kg propose)
    # --- ontology/citations.ttl (citations of pages the project does not ship; issue 11)
    Evidence: URIRef  # class: evidence (hv:Quote or hv:Citation)
    Citation: URIRef  # class: citation
    CitedSource: URIRef  # class: cited source
    source: URIRef  # object property: source (of a citation)
    sourceType: URIRef  # object property: source type
    reliability: URIRef  # object property: reliability grade
    adminLevel: URIRef  # object property: administrative level
    locator: URIRef  # datatype property: locator
    keyPhrase: URIRef  # datatype property: key phrase
    outlet: URIRef  # datatype property: outlet
    originalOutlet: URIRef  # datatype property: original outlet
    readOn: URIRef  # datatype property: read on
    inHarbinEcosystem: URIRef  # datatype property: in the Harbin ecosystem (derived)
    cite: URIRef  # annotation property: cite (shorthand)

def scheme(name: str) -> Namespace:
    """The namespace of the concepts of one scheme, e.g. ``scheme("education-level")``."""
    return Namespace(f"{SCHEME}{name}/")


_SCHEME_PREFIXES = {
    "status": "assertion-status", "complete": "party-completeness", "role": "role",
    "cmp": "comparator", "vq": "value-qualifier", "orgcat": "org-category",
    "agrtype": "agreement-type", "desig": "designation-type", "doctype": "document-type",
    "field": "industry-field", "evtype": "event-type", "ind": "indicator", "unit": "count-unit",
    "verb": "action-verb", "level": "education-level", "mech": "mechanism", "ptype": "pathway-type",
    "policy": "policy-concept", "frel": "framing-relation", "major": "major",
    "proposal": "proposal-status",
    # ontology/schemes/sources.ttl (issue 11)
    "srctype": "source-type", "grade": "reliability", "adminlevel": "admin-level",
}

#: Prefixes bound in every output and predeclared in every query.
PREFIXES: dict[str, str] = {
    "hv": str(HV),
    "id": str(ID),
    "org": str(ORG),
    "prov": str(PROV),
    "oa": str(OA),
    "skos": str(SKOS),
    "dcterms": str(DCTERMS),
    "schema": str(SCHEMA),
    "qb": str(QB),
    "sdmx-dimension": str(SDMX_DIM),
    "sdmx-measure": str(SDMX_MEASURE),
    "time": str(TIME),
    "eli": str(ELI),
    "owl": str(OWL),
    "rdf": str(RDF),
    "rdfs": str(RDFS),
    "xsd": str(XSD),
    **{prefix: str(scheme(name)) for prefix, name in _SCHEME_PREFIXES.items()},
}


def bind_prefixes(graph: Graph) -> Graph:
    """Bind :data:`PREFIXES` on ``graph`` (replacing rdflib's defaults) and return it."""
    for prefix, iri in PREFIXES.items():
        graph.bind(prefix, iri, override=True, replace=True)
    return graph
