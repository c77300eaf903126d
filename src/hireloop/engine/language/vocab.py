"""Closed word classes the judge reads answers with (all lower case, after tokenising)."""

from __future__ import annotations


def _words(text: str) -> frozenset[str]:
    return frozenset(text.split())


STOPWORDS = _words(
    """a about above after again against all also am an and any are as at be because been before
    being below between both but by can could did do does doing down during each either else
    etc even ever every few for from further had has have having he her here hers him his how
    however i if in into is it its itself just let like me might more most much must my myself
    no nor not now of off on once one only or other our ours out over own per quite rather
    really same shall she should so some such than that the their theirs them then there these
    they this those though through thus to too under until up upon us very via was we were what
    when where whether which while who whom whose why will with within without would yes yeah
    yet you your yours ok okay"""
)

# Dropped before matching terms: they never change what a clause claims, and candidates
# sprinkle them anywhere ("the same list", "that very same list").
SOFT = _words(
    """a an the just really very actually basically simply quite pretty also this that these
    those my your his her its our their some any certain kind of sort"""
) - {"of"}  # "of" stays: "one of" and "out of" carry meaning inside terms

# Words that only glue terms together: a text whose terms are joined by nothing else says
# nothing about them ("the X is the Y and Z with the W").
GLUE = _words(
    """a an the is are was were be been being am and or with of for to in on by as at plus
    also & its their from into both either very"""
)

COPULAS = _words("is are was were be been")
MODALS = _words("can could will would should must may might cannot")

SUBJECT_PRONOUNS = _words("it they which that this we you i he she these those")
# A pronoun as an object ("the reason behind it") only occurs in a sentence about things.
OBJECT_PRONOUNS = _words("it them him me us")
ADVERBS_IN_VERB_GROUP = _words("not also then only always usually often still just never n't")

# Words with no subject matter of their own. A pack term may not be one of these alone,
# and an answer made only of them is generic rather than on a topic.
GENERIC = _words(
    """know knew known use used uses using usage experience experienced familiar work worked
    working works sure think thought basically lot lots good great well thing things stuff done
    definitely actually probably maybe course bit little always never often sometimes usually
    question ask asked asking answer understand mean important many kind sort able get got
    make made way pretty do does did doing thing best practice practices approach problem
    problems issue issues solution solutions help helps helped process system systems data
    time times people person team part parts need needs needed want wanted look looked
    change changes changed new old big small better worse fast slow easy hard simple complex
    right wrong correct case cases example examples value values type types level
    information info detail details point points result results matter matters try tried
    go goes going went come came take took give gave keep kept put run runs ran also just
    very really stuff whatever something anything everything nothing someone somebody"""
)

# Negators flip the polarity of the next term they govern ("not", "never", "can't" ...).
NEGATORS = _words(
    """not no never nothing nobody nowhere neither nor without cannot unable n't nt"""
)
# Two-word negators, read as one ("no longer", "instead of", "rather than" ...).
NEGATOR_PAIRS = frozenset(
    {("no", "longer"), ("instead", "of"), ("rather", "than"), ("as", "opposed"),
     ("fail", "to"), ("fails", "to"), ("failed", "to"), ("unlike",)}
)  # fmt: skip
# A word that contrasts two clauses: what follows is judged on its own.
CONTRAST = _words("but however whereas although though yet")
# A clause that says what would happen, or what people wrongly believe, asserts nothing:
# "otherwise an exception skips cleanup", "a common myth is that tuples are mutable".
HYPOTHETICAL = _words(
    """otherwise if unless would could might suppose imagine myth myths misconception
    misconceptions mistake mistakes mistakenly wrongly incorrectly misunderstanding
    pitfall gotcha trap"""
)
# Hypothetical unless the candidate holds the belief ("I assume it's user error").
REPORTED_BELIEF = _words("assume assumes assumed believe believes believed")


COORDINATORS = _words("or nor and either neither also")

# Words that open a clause of purpose: a negation after one names what is prevented
# ("add jitter so keys don't all expire together"), not a denial.
PURPOSE = _words("so ensure ensures ensuring sure")

PRONOUNS = _words("it they them this these that those which its their he she one")

# "The first way ...", "the second one ...": a thing the question named, by its place.
ORDINALS = {"first": 0, "second": 1, "third": 2, "fourth": 3}
REFERRING_NOUNS = _words(
    """one ones way kind type option approach method level strategy pattern style variant
    version model form"""
)

# Order connectors. "A then B": A first. "A after B": B first. "before A, B": B first.
ORDER_FORWARD = _words(
    """then before followed afterwards afterward later next finally eventually subsequently
    until escalates escalate escalating fallback falls otherwise thereafter"""
)
ORDER_BACKWARD = _words("after once following preceded")
ORDER_LEADING_FIRST = _words("after once when if following")  # "after A, B": A first
ORDER_LEADING_SECOND = _words("before")  # "before A, B": B first
FIRST_MARKERS = _words("first initially firstly start starts begin begins")
LAST_MARKERS = _words("last finally eventually afterwards later")

# Cause connectors. "A so B", "A means B": A causes B. "B because A": A causes B.
CAUSE_FORWARD = _words(
    """so therefore thus hence consequently means meaning leads lead leading causes cause
    causing results resulting enables enable allows allow allowing lets let making makes
    make which"""
)
CAUSE_BACKWARD = _words("because since due thanks caused given as for from")
CAUSE_LEADING = _words("because since as given")  # "because A, B": A causes B

# Skipped when looking for the connector right before a term ("sent only after X").
GAP_WORDS = SOFT | _words(
    """is are was were be been being has have had do does did will would can could should may
    might must get gets got only it they sent send sends"""
)
